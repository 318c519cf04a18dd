"""Trainer prompts worth an hour: several kinds in a six-prompt session, contrasts quoting both sides,
scenarios that hold back their key learning, self-assessments (today and in three years), debate motions
that read as motions, no prompt about the sums as a tool, and facilitator notes that add to their quote
(fake embeddings over the real corpus)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from assistant.discussion.motions import build_motion, lowercase_vocabulary
from assistant.discussion.prompts import generate_prompts
from assistant.discussion.templates import load_templates
from assistant.discussion.themes import load_themes
from eval.discussion_eval import load_discussion_file, note_overlap

THEME_IDS = [theme.id for theme in load_themes()]
MOTION = re.compile(r"“This house (believes that|would) [^“”]+[.]”")
IMPERATIVES = frozenset({"be", "ensure"})
VOCABULARY = lowercase_vocabulary(["it is often said that having a champion helps", "traditional thoughts"])


def tool_patterns() -> list[re.Pattern[str]]:
    return [re.compile(pattern, re.IGNORECASE) for pattern in load_discussion_file().tool_patterns]


@pytest.mark.parametrize("theme_id", THEME_IDS)
def test_a_six_prompt_session_mixes_at_least_three_kinds_on_six_quotes(
    fake_assistant: Any,  # noqa: F811
    theme_id: str,
) -> None:
    prompts = generate_prompts(fake_assistant, theme_id, count=6, seed=0).prompts
    assert len(prompts) == 6
    assert len({prompt.kind for prompt in prompts}) >= 3, [prompt.kind for prompt in prompts]
    assert len({prompt.citations[0].quote for prompt in prompts}) == 6


@pytest.mark.parametrize("theme_id", THEME_IDS)
def test_notes_add_to_their_quote_and_no_prompt_is_about_the_tool(
    fake_assistant: Any,  # noqa: F811
    theme_id: str,
) -> None:
    tools = tool_patterns()
    for seed in (0, 1):
        for prompt in generate_prompts(fake_assistant, theme_id, count=10, seed=seed).prompts:
            quote = prompt.citations[0].quote
            assert note_overlap(prompt.facilitator_note, quote) < 0.5, prompt
            assert "Probe: " in prompt.facilitator_note
            assert not any(tool.search(prompt.text) or tool.search(quote) for tool in tools), prompt.text


def test_the_tool_patterns_catch_the_lines_about_the_sums_as_a_tool_and_only_those() -> None:
    tools = tool_patterns()
    about_the_tool = [
        "Using these sums is a useful piece of shorthand to evaluate, with the partners’ leadership, what "
        "they initially desire when they suggest shared services as an option.",
        "Using these “sums” with your leadership will enable them to articulate more clearly what they want.",
        "Applying them as discussion tools is an excellent way of supporting decision-makers.",
        "Board members do challenge us and create new examples under each of the sums and sometimes even "
        "new sums.",
    ]
    about_the_ideas = [
        "1+1=1½ collaborations are all about reducing cost in the way things are done now",
        "There is disruption within the partnership organisation as posts are made redundant.",
    ]
    assert all(any(tool.search(line) for tool in tools) for line in about_the_tool)
    assert not any(tool.search(line) for tool in tools for line in about_the_ideas)


def test_debates_are_motions_this_house_can_vote_on(fake_assistant: Any) -> None:  # noqa: F811
    debates = [
        prompt
        for theme_id in THEME_IDS
        for prompt in generate_prompts(fake_assistant, theme_id, count=10, seed=0).prompts
        if prompt.kind == "debate"
    ]
    assert len(debates) >= len(THEME_IDS)
    for prompt in debates:
        assert MOTION.search(prompt.text), prompt.text
        assert "This is true of" not in prompt.text and "“This house believes that ." not in prompt.text


@pytest.mark.parametrize(
    ("sentence", "motion"),
    [
        (
            "Key learning: Often a compelling business case is not enough to secure approval to proceed.",
            "This house believes that often a compelling business case is not enough to secure approval to "
            "proceed.",
        ),
        (
            "Key learning: Be clear on the on-going plan for sharing, agreeing target service priorities.",
            "This house would be clear on the on-going plan for sharing, agreeing target service priorities.",
        ),
        (
            "Thoughts of improvement are desirable but not a “must have”",
            "This house believes that thoughts of improvement are desirable but not a ‘must have’.",
        ),
        (
            "1+1=1½ collaborations are all about reducing cost",
            "This house believes that 1+1=1½ collaborations are all about reducing cost.",
        ),
        (
            "Traditional outsourcing is not always seen as the right solution.",
            "This house believes that traditional outsourcing is not always seen as the right solution.",
        ),
        ("Gordon clearly felt very strongly that these disciplines were critical.", None),
        ("How can this be achieved by councils?", None),
        ("Piloting", None),
    ],
)
def test_motions_state_the_claim_grammatically(sentence: str, motion: str | None) -> None:
    assert build_motion(sentence, VOCABULARY, IMPERATIVES) == motion


def test_the_three_sums_are_weighed_against_the_pain_of_change(fake_assistant: Any) -> None:  # noqa: F811
    contrasts = [
        prompt
        for seed in range(3)
        for prompt in generate_prompts(fake_assistant, "three-sums", count=6, seed=seed).prompts
        if prompt.kind == "contrast"
    ]
    assert contrasts
    for prompt in contrasts:
        assert len(prompt.citations) >= 2 and prompt.text.endswith("?")
        assert "One side, in the guidance's words:" in prompt.facilitator_note
        assert "The other side:" in prompt.facilitator_note
    costs = [prompt for prompt in contrasts if "1+1=1½ collaborations" in prompt.citations[0].quote]
    assert costs and "posts are made redundant" in costs[0].citations[1].quote


def test_every_contrast_rests_on_sentences_of_the_corpus(fake_assistant: Any) -> None:  # noqa: F811
    chunks = fake_assistant.chunks()
    sentences = fake_assistant.index.sentences_of(list(chunks))
    for contrast in load_templates().contrasts:
        refs = [*contrast.sides, *([contrast.surface] if contrast.surface else [])]
        for ref in refs:
            found = [
                s
                for s in sentences
                if (chunks[s.chunk_id].doc, chunks[s.chunk_id].section) == (ref.doc, ref.section)
                and s.text.startswith(ref.start)
            ]
            assert len(found) == 1, ref
            if len(found[0].text.split()) >= 6:  # the prompt paraphrases; its note quotes
                assert found[0].text not in contrast.text


def test_scenarios_hold_back_their_key_learning(fake_assistant: Any) -> None:  # noqa: F811
    prompt_set = generate_prompts(fake_assistant, "anonymised-examples", count=10, seed=2)
    scenarios = [prompt for prompt in prompt_set.prompts if prompt.kind == "scenario"]
    assert scenarios
    for prompt in scenarios:
        note = prompt.facilitator_note
        assert note.index("Hold this back") < note.index("Key learning:") < note.index("Probe:")
        learning = next(c.quote for c in prompt.citations if c.quote.startswith("Key learning:"))
        assert learning.removeprefix("Key learning:").strip() not in prompt.text


def test_self_assessments_ask_where_a_partnership_is_today_and_in_three_years(
    fake_assistant: Any,  # noqa: F811
) -> None:
    found = 0
    for theme_id in THEME_IDS:
        for prompt in generate_prompts(fake_assistant, theme_id, count=10, seed=0).prompts:
            if prompt.kind == "self_assessment":
                found += 1
                assert "today" in prompt.text and "three years" in prompt.text, prompt.text
    assert found >= len(THEME_IDS)


def test_every_self_assessment_template_asks_about_today_and_three_years() -> None:
    for template in load_templates().templates:
        if template.kind == "self_assessment":
            assert "today" in template.text and "three years" in template.text, template.text


@pytest.mark.parametrize(
    "sentence",
    [
        "When this happens, the team has to switch to being internally focused on the partners.",
        "It is arguable that some of the disconnection lies in a failure to resolve this conundrum.",
        "There are strong arguments, defined in devolution proposals, for a stronger local face in national "
        "services, provided that national integration is not lost and that the balance between national and "
        "local is struck by digital operating models that every partner can trust.",
    ],
)
def test_claims_that_lean_on_their_paragraph_or_run_long_make_no_motion(sentence: str) -> None:
    assert build_motion(sentence, lowercase_vocabulary([sentence.lower()]), IMPERATIVES) is None


def test_a_one_letter_opening_word_is_lowered() -> None:
    sentence = "A homogeneous view of the problem will create a homogeneous solution."
    motion = build_motion(sentence, lowercase_vocabulary(["a view"]), IMPERATIVES)
    assert (
        motion
        == "This house believes that a homogeneous view of the problem will create a homogeneous solution."
    )
