"""Discussion prompts: deterministic per seed, distinct, verbatim citations in the theme, count bounds,
free-text themes, thin themes and the JSON contract (fake embeddings; the real model is marked)."""

from __future__ import annotations

import itertools
import re
from typing import Any

import numpy as np
import pytest

from assistant.discussion import prompts as discussion
from assistant.discussion.material import gather_material, item_text
from assistant.discussion.notes import restates
from assistant.discussion.prompts import (
    FEWER_PROMPTS,
    NOT_COVERED,
    generate_prompts,
    resolve_theme,
)
from assistant.discussion.selection import FILLED_KINDS, quoted
from assistant.discussion.templates import KINDS, load_templates
from assistant.discussion.themes import Theme, ThemeSource, find_theme, load_themes
from assistant.discussion.tuning import MAX_PROMPT_SIMILARITY
from assistant.errors import InputError
from assistant.text.loaders import load_text
from tests.conftest import CORPUS, FakeEmbeddings

THEME_IDS = [theme.id for theme in load_themes()]
CITATION_KEYS = {"n", "doc", "title", "section", "quote", "start", "end", "score"}


def texts(prompt_set: Any) -> list[str]:
    return [prompt.text for prompt in prompt_set.prompts]


def verbatim(citation: Any) -> bool:
    raw = load_text(CORPUS / citation.doc)
    return " ".join(raw[citation.start : citation.end].split()) == citation.quote


@pytest.mark.parametrize("theme_id", ["common-problems", "anonymised-examples"])
def test_the_same_seed_gives_the_same_prompts(fake_assistant: Any, theme_id: str) -> None:  # noqa: F811
    first = generate_prompts(fake_assistant, theme_id, count=8, seed=3)
    again = generate_prompts(fake_assistant, theme_id, count=8, seed=3)
    assert first.to_json() == again.to_json()
    assert texts(generate_prompts(fake_assistant, theme_id, count=8, seed=4)) != texts(first)


@pytest.mark.parametrize("theme_id", THEME_IDS)
def test_prompts_are_distinct_cited_verbatim_and_in_the_theme(
    fake_assistant: Any,  # noqa: F811
    theme_id: str,
) -> None:
    theme = find_theme(load_themes(), theme_id)
    assert theme is not None
    prompt_set = generate_prompts(fake_assistant, theme_id, count=10, seed=0)
    prompts = prompt_set.prompts
    assert len(prompts) >= 5, prompt_set.note
    assert len(prompts) == 10 or prompt_set.note
    vectors = fake_assistant.embeddings.encode(texts(prompt_set))
    for i, j in itertools.combinations(range(len(prompts)), 2):
        assert float(vectors[i] @ vectors[j]) <= MAX_PROMPT_SIMILARITY + 1e-6
    anchors = [prompt.citations[0].quote for prompt in prompts]
    assert len(set(anchors)) == len(anchors)
    for prompt in prompts:
        assert prompt.kind in KINDS and prompt.text and prompt.facilitator_note
        assert prompt.citations
        for position, citation in enumerate(prompt.citations):
            assert verbatim(citation), citation
            assert theme.covers(citation.doc, citation.section), citation
            if position == 0 and prompt.kind in FILLED_KINDS and restates(prompt.text, citation.quote):
                assert prompt.facilitator_note.startswith(f"The prompt quotes the guidance [{citation.n}].")
            else:
                assert f"“{citation.quote}” [{citation.n}]" in prompt.facilitator_note


def test_a_theme_with_examples_mixes_all_three_kinds(fake_assistant: Any) -> None:  # noqa: F811
    prompt_set = generate_prompts(fake_assistant, "anonymised-examples", count=10, seed=0)
    kinds = [prompt.kind for prompt in prompt_set.prompts]
    assert set(kinds) == set(KINDS)
    assert kinds == sorted(kinds, key=KINDS.index), "prompts are grouped by kind"


def test_scenarios_paraphrase_and_notes_quote_the_example(fake_assistant: Any) -> None:  # noqa: F811
    prompt_set = generate_prompts(fake_assistant, "anonymised-examples", count=10, seed=1)
    scenarios = [prompt for prompt in prompt_set.prompts if prompt.kind == "scenario"]
    assert scenarios
    for prompt in scenarios:
        anchor = prompt.citations[0].quote
        assert anchor not in prompt.text and prompt.text.endswith("?")
        assert "Key learning:" in prompt.facilitator_note
        assert prompt.citations[0].section and prompt.citations[0].section[:3] in {
            f"0{i}:" for i in range(1, 8)
        }


def test_citation_numbers_run_across_the_set(fake_assistant: Any) -> None:  # noqa: F811
    prompt_set = generate_prompts(fake_assistant, "leadership-and-decision-making", count=12, seed=0)
    by_quote: dict[tuple[str, int], int] = {}
    for prompt in prompt_set.prompts:
        for citation in prompt.citations:
            assert by_quote.setdefault((citation.doc, citation.start), citation.n) == citation.n
    numbers = sorted(set(by_quote.values()))
    assert numbers == list(range(1, len(numbers) + 1))
    assert [c.n for c in prompt_set.sources()] == numbers


@pytest.mark.parametrize("count", [0, 21, -3])
def test_a_count_out_of_range_is_refused(fake_assistant: Any, count: int) -> None:  # noqa: F811
    with pytest.raises(InputError, match="between 1 and 20"):
        generate_prompts(fake_assistant, "three-sums", count=count)


def test_one_prompt_can_be_asked_for(fake_assistant: Any) -> None:  # noqa: F811
    assert len(generate_prompts(fake_assistant, "three-sums", count=1).prompts) == 1


@pytest.mark.parametrize("theme", ["", "   ", "\n"])
def test_an_empty_theme_is_refused(fake_assistant: Any, theme: str) -> None:  # noqa: F811
    with pytest.raises(InputError):
        generate_prompts(fake_assistant, theme)


def test_a_thin_theme_returns_fewer_prompts_with_a_note(fake_assistant: Any) -> None:  # noqa: F811
    tiny = Theme(
        id="tiny",
        title="Can everything be shared?",
        description="Efficiency and customer services.",
        sources=(ThemeSource(doc="002_8674c1d0b52dbe3c.txt", section="Can everything be shared?"),),
    )
    prompt_set = generate_prompts(fake_assistant, tiny, count=10)
    assert 1 <= len(prompt_set.prompts) < 10
    assert prompt_set.note == FEWER_PROMPTS.format(returned=len(prompt_set.prompts), requested=10)
    assert len({prompt.citations[0].quote for prompt in prompt_set.prompts}) == len(prompt_set.prompts)


def test_free_text_is_mapped_to_the_closest_theme(fake_assistant: Any) -> None:  # noqa: F811
    prompt_set = generate_prompts(
        fake_assistant, "relationship management and the collaboration commissioner", 5
    )
    assert prompt_set.theme == "relationship-management"
    assert prompt_set.note and "was matched to the theme" in prompt_set.note
    assert prompt_set.prompts


def test_free_text_far_from_every_theme_draws_on_retrieved_passages(
    fake_assistant: Any,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    only_sums = [theme for theme in load_themes() if theme.id == "three-sums"]
    monkeypatch.setattr(discussion, "load_themes", lambda: only_sums)
    request = "Collaboration Commissioner neutral third party relationship management"
    resolved = resolve_theme(fake_assistant, request)
    assert resolved.theme is not None and resolved.theme.id == "custom"
    assert "003_f9fb4151f0f432d8.txt" in {source.doc for source in resolved.theme.sources}
    prompt_set = generate_prompts(fake_assistant, request, count=4)
    assert prompt_set.theme == request and prompt_set.prompts
    assert prompt_set.note and "matches none of the listed themes" in prompt_set.note
    for prompt in prompt_set.prompts:
        assert all(resolved.theme.covers(c.doc, c.section) and verbatim(c) for c in prompt.citations)


def test_free_text_the_guidance_does_not_cover_gives_no_prompts(fake_assistant: Any) -> None:  # noqa: F811
    prompt_set = generate_prompts(fake_assistant, "banana bread with walnuts and cinnamon", 5)
    assert prompt_set.prompts == []
    assert prompt_set.note == NOT_COVERED.format(text="banana bread with walnuts and cinnamon")


def test_the_json_contract(fake_assistant: Any) -> None:  # noqa: F811
    data = generate_prompts(fake_assistant, "common-problems", count=3).to_json()
    assert {"theme", "prompts"} <= set(data) and data["theme"] == "common-problems"
    for prompt in data["prompts"]:
        assert set(prompt) == {"text", "kind", "facilitator_note", "citations"}
        assert prompt["kind"] in KINDS
        assert all(set(citation) == CITATION_KEYS for citation in prompt["citations"])


def test_every_template_reads_as_a_finished_prompt(fake_assistant: Any) -> None:  # noqa: F811
    """Fill every template from every sentence of every theme that can fill it."""
    book = load_templates()
    chunks = fake_assistant.chunks()
    sentences = fake_assistant.index.sentences_of(list(chunks))
    roles_seen = set()
    for theme in load_themes():
        scope = gather_material(
            theme, chunks, sentences, np.zeros(FakeEmbeddings().dimensions, dtype=np.float32), book
        )
        for material in scope.material:
            roles_seen.add(material.role)
            for template in book.templates:
                if material.role in template.roles:
                    text = discussion.fill(template, material)
                    assert "{" not in text and "}" not in text
                    assert re.search(r"[?.][”’]?$", text), text
                    assert "  " not in text and "..‘" not in text and "’’." not in text
    assert {"problem", "key_learning", "statement", "sum_feature"} <= roles_seen


def test_every_scenario_rests_on_a_sentence_of_its_example(fake_assistant: Any) -> None:  # noqa: F811
    chunks = fake_assistant.chunks()
    sentences = fake_assistant.index.sentences_of(list(chunks))
    for scenario in load_templates().scenarios:
        found = [
            s
            for s in sentences
            if (chunks[s.chunk_id].doc, chunks[s.chunk_id].section) == (scenario.doc, scenario.section)
            and s.text.startswith(scenario.anchor)
        ]
        assert len(found) == 1, scenario.anchor
        assert scenario.anchor not in scenario.situation


@pytest.mark.parametrize(
    ("item", "named"),
    [
        ("Piloting", "Piloting"),
        ("Services for efficiency: yes", "Services for efficiency: yes"),
        (
            "Strong leadership commitment – it will always be possible to find short term reasons for not "
            "taking this forward",
            "Strong leadership commitment",
        ),
        (
            "the procurement process tends to take a long time, costs a great deal of money and has a "
            "significant opportunity cost at the very time when the public sector is trying",
            "the procurement process tends to take a long time",
        ),
        ("Lack of freedom to act, or just a difference in risk appetite between partners", None),
    ],
)
def test_long_list_items_are_named_by_their_head(item: str, named: str | None) -> None:
    assert item_text(item) == (named or item)


def test_quotes_get_a_full_stop_only_when_they_need_one() -> None:
    assert quoted("Piloting") == "“Piloting”."
    assert quoted("It works.") == "“It works.”"
    assert quoted("How can this be achieved?") == "“How can this be achieved?”"


@pytest.mark.model
def test_the_real_model_gives_ten_distinct_in_theme_prompts_for_every_theme(real_assistant: Any) -> None:
    from eval.discussion_eval import evaluate_discussion

    results = evaluate_discussion(real_assistant)
    assert results["threshold"] == MAX_PROMPT_SIMILARITY
    for theme_id, figures in results["themes"].items():
        assert figures["passed"], (theme_id, figures)
        assert figures["returned"] == 10 and figures["max_similarity"] <= MAX_PROMPT_SIMILARITY
        assert figures["verbatim_rate"] == 1.0 and figures["in_theme_rate"] == 1.0
    assert results["passed"]
