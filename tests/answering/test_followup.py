"""Follow-ups about the previous answer: select ("the second one"), filter ("which of those are about
X?") and expand ("tell me more about that") answer from its own items, re-cited verbatim."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from assistant.answering.followup import answer_items, clearly_above, recognise_follow_up
from assistant.records import Answer, Citation, Turn
from assistant.text.loaders import load_text
from tests.conftest import CORPUS

FAILURES = "001_42277acb122cae47.txt"
LEAD = (
    "Of the many challenges facing shared services programmes, a number of common and avoidable problems "
    "include:"
)
ITEMS = [
    "Unclear business cases, creating mismanagement of expectations later",
    "Everyone wanting to be a seller (or acting like one) creates tensions",
    "Weak communications resulting in staff worries in one or both partner organisations",
    "No clear benefits, realisation plans or weak outcome focus",
    "Political dogma (e.g. outsourcing/insourcing is best)",
]


def list_answer(assistant: Any) -> Answer:
    """A previous answer as the extractive path writes a list: a lead-in, then cited bullets."""
    citations = [assistant.cite(FAILURES, quote, n) for n, quote in enumerate([LEAD, *ITEMS], 1)]
    assert all(citations)
    lines = [f"- {c.quote} [{c.n}]" for c in citations[1:]]
    text = f"{citations[0].quote} [1]\n\n" + "\n".join(lines)
    return Answer("Why do shared services fail?", text, False, citations, relevance=0.9)


def sentence_answer(assistant: Any) -> tuple[Citation, Answer]:
    """A previous answer of one cited sentence (not a list item), and its citation."""
    sentence = "There are many issues that can unhinge sound shared services proposals."
    citation = assistant.cite(FAILURES, sentence, 1)
    return citation, Answer("q", f"{sentence} [1]", False, [citation])


def assert_verbatim(answer: Answer) -> None:
    """Every citation quotes its document at its offsets, and every quote is marked in the text."""
    assert answer.citations and not answer.abstained
    for citation in answer.citations:
        raw = load_text(CORPUS / citation.doc)
        assert " ".join(raw[citation.start : citation.end].split()) == citation.quote
        assert f"[{citation.n}]" in answer.answer
    assert [c.n for c in answer.citations] == list(range(1, len(answer.citations) + 1))


@pytest.mark.parametrize(
    "question,kind,detail",
    [
        ("the second one", "select", 2),
        ("The last one?", "select", -1),
        ("number 3", "select", 3),
        ("And the first of those?", "select", 1),
        ("tell me more about the 4th one", "select", 4),
        ("which of those are about people?", "filter", "people"),
        ("Which ones concern the business case", "filter", "the business case"),
        ("any of them about money?", "filter", "money"),
        ("tell me more about that", "expand", None),
        ("What does that mean?", "expand", None),
        ("why?", "expand", None),
    ],
)
def test_follow_ups_about_the_answer_are_recognised(question: str, kind: str, detail: Any) -> None:
    follow_up = recognise_follow_up(question)
    assert follow_up is not None and follow_up.kind == kind
    if kind == "select":
        assert follow_up.position == detail
    if kind == "filter":
        assert follow_up.topic == detail


@pytest.mark.parametrize(
    "question",
    [
        "And how do we avoid that?",
        "What is the first step in setting up a shared service?",
        "What does 1+1=3 mean?",
        "Why do shared services fail?",
        "which of those matter most?",
    ],
)
def test_other_questions_are_not_follow_ups_about_the_answer(question: str) -> None:
    assert recognise_follow_up(question) is None


def test_clearly_above_keeps_the_standouts_and_always_one() -> None:
    assert clearly_above(np.array([0.1, 0.12, 0.5, 0.11, 0.48, 0.09])) == {2, 4}
    assert clearly_above(np.array([0.3, 0.31, 0.29, 0.3])) == {1}
    assert clearly_above(np.array([0.2, 0.2])) == {0, 1}
    assert clearly_above(np.array([0.4])) == {0}


def test_items_are_the_bullets_of_a_list_or_else_the_cited_sentences(fake_assistant: Any) -> None:
    listed = list_answer(fake_assistant)
    assert [c.quote for c, bullet in answer_items(listed) if bullet] == ITEMS
    prose = Answer("q", "First. [1] Second. [2]", False, listed.citations[:2])
    assert [(c.n, bullet) for c, bullet in answer_items(prose)] == [(1, False), (2, False)]


def test_select_by_position_quotes_that_item(fake_assistant: Any) -> None:
    history = [Turn("Why do shared services fail?", list_answer(fake_assistant))]
    second = fake_assistant.ask("the second one", history)
    assert_verbatim(second)
    assert [c.quote for c in second.citations] == [ITEMS[1]]
    assert second.answer == f"- {ITEMS[1]} [1]"
    assert [c.quote for c in fake_assistant.ask("the last one", history).citations] == [ITEMS[-1]]
    assert fake_assistant.ask("number 3", history).citations[0].quote == ITEMS[2]


def test_select_of_a_sentence_brings_its_paragraph(fake_assistant: Any) -> None:
    citation, previous = sentence_answer(fake_assistant)
    answer = fake_assistant.ask("the first one", [Turn("q", previous)])
    assert_verbatim(answer)
    assert answer.citations[0].quote == citation.quote and len(answer.citations) > 1
    assert {c.section for c in answer.citations} == {citation.section}


def test_a_position_the_answer_does_not_have_is_searched_as_usual(fake_assistant: Any) -> None:
    history = [Turn("Why do shared services fail?", list_answer(fake_assistant))]
    answer = fake_assistant.ask("number 9", history)
    assert answer.timings_ms["retrieve"] > 0


def test_filter_keeps_only_the_items_about_the_topic(fake_assistant: Any) -> None:
    history = [Turn("Why do shared services fail?", list_answer(fake_assistant))]
    answer = fake_assistant.ask("which of those are about staff worries?", history)
    assert_verbatim(answer)
    assert [c.quote for c in answer.citations] == [ITEMS[2]]
    assert answer.answer.startswith("- ")


def test_expand_widens_the_first_passage_with_what_was_not_quoted(fake_assistant: Any) -> None:
    first, previous = sentence_answer(fake_assistant)
    answer = fake_assistant.ask("tell me more about that", [Turn("q", previous)])
    assert_verbatim(answer)
    assert answer.citations[0].quote == first.quote and len(answer.citations) > 1
    assert all(c.doc == FAILURES and c.section == first.section for c in answer.citations)
    assert len(answer.answer) <= fake_assistant.settings.max_answer_chars + 20 * len(answer.citations)

    after_list = fake_assistant.ask("tell me more", [Turn("q", list_answer(fake_assistant))])
    assert_verbatim(after_list)
    shown = {c.quote for c in list_answer(fake_assistant).citations}
    assert not shown & {c.quote for c in after_list.citations}


def test_without_a_previous_answer_or_after_a_refusal_the_question_is_searched(fake_assistant: Any) -> None:
    refusal = Answer("How do I bake bread?", "The guidance does not cover this.", True)
    for history in ([], ["Why do shared services fail?"], [Turn("How do I bake bread?", refusal)]):
        assert fake_assistant.answer_follow_up("the second one", history) is None


def test_the_answer_keeps_the_json_contract(fake_assistant: Any) -> None:
    previous = list_answer(fake_assistant)
    answer = fake_assistant.ask("which of those are about staff worries?", [Turn("q", previous)])
    data = answer.to_json()
    assert (
        set(data)
        == set(previous.to_json())
        == {*("question", "answer", "abstained", "citations", "timings_ms", "generator", "passages")}
    )
    assert set(data["timings_ms"]) == {"retrieve", "answer", "total"}
    assert data["passages"] and all(p["doc"] == FAILURES for p in data["passages"])
    assert Answer.from_json(data).to_json() == data


# --- The real model on the real corpus ------------------------------------------------------------


def failure_conversation(assistant: Any) -> tuple[Answer, list[Turn]]:
    first = assistant.ask("Why do shared services fail?")
    return first, [Turn(assistant.standalone_query("Why do shared services fail?", []), first)]


@pytest.mark.model
def test_which_of_those_are_about_people_keeps_only_people_items(real_assistant: Any) -> None:
    first, history = failure_conversation(real_assistant)
    answer = real_assistant.ask("which of those are about people?", history)
    assert_verbatim(answer)
    before = {(c.doc, c.start, c.end) for c in first.citations}
    assert {(c.doc, c.start, c.end) for c in answer.citations} <= before
    quotes = " ".join(c.quote for c in answer.citations).lower()
    assert "staff" in quotes or "everyone" in quotes or "personal" in quotes
    assert "business case" not in quotes and "benefits" not in quotes
    assert "of the many challenges" not in quotes  # the lead-in is not an item
    assert len(answer.citations) < len(first.citations) - 1


@pytest.mark.model
@pytest.mark.parametrize(
    "topic,expected",
    [  # our own examples for FILTER_SPREADS: the topic's obvious items, and no more than a few
        ("politics", {"Personal agenda", "Political dogma"}),
        ("speed", {"Diluted energy and pace"}),
        ("culture", {"Different customer focus"}),
        ("communication", {"Weak communications"}),
        ("the business case", {"Unclear business cases"}),
    ],
)
def test_filter_examples_on_the_real_model(real_assistant: Any, topic: str, expected: set[str]) -> None:
    _, history = failure_conversation(real_assistant)
    answer = real_assistant.ask(f"which of those are about {topic}?", history)
    quotes = [c.quote for c in answer.citations]
    assert all(any(quote.startswith(start) for quote in quotes) for start in expected)
    assert len(quotes) <= 4


@pytest.mark.model
def test_select_and_expand_on_the_real_model(real_assistant: Any) -> None:
    first, history = failure_conversation(real_assistant)
    items = [c for c, bullet in answer_items(first) if bullet]
    second = real_assistant.ask("the second one", history)
    assert_verbatim(second)
    assert second.citations[0].quote == items[1].quote
    more = real_assistant.ask("tell me more about that", history)
    assert_verbatim(more)
    assert {c.doc for c in more.citations} == {first.citations[0].doc}
    assert not {c.quote for c in more.citations} & {c.quote for c in first.citations}


@pytest.mark.model
def test_the_second_of_the_three_sums_is_its_column_and_the_prose_about_it(real_assistant: Any) -> None:
    question = "What are the three sums people use to describe collaboration?"
    first = real_assistant.ask(question)
    history = [Turn(real_assistant.standalone_query(question, []), first)]
    second = real_assistant.ask("What about the second one?", history)
    assert_verbatim(second)
    quotes = " ".join(c.quote for c in second.citations).lower()
    assert "sharing of new activity" in quotes and "co-location" in quotes
    assert "reduction of duplication" not in quotes  # a 1+1=1½ cell
    assert "gestalt" not in quotes  # a 1+1=3 cell
    assert "1+1=2 collaborations are" in quotes  # the paragraph that explains the column


@pytest.mark.model
def test_a_searched_follow_up_says_something_new(real_assistant: Any) -> None:
    first, history = failure_conversation(real_assistant)
    answer = real_assistant.ask("And how do we avoid that?", history)
    assert_verbatim(answer)
    said = {(c.doc, c.start) for c in first.citations}
    repeated = [c for c in answer.citations if (c.doc, c.start) in said]
    assert len(repeated) <= 1  # at most the one sentence that answers best
    assert len(answer.citations) > len(repeated)
