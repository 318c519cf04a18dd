"""Follow-up questions keep the context of the previous turn."""

import pytest

from assistant.answering.conversation import (
    condense_question,
    conversation_context,
    is_follow_up,
    turn_context,
)
from assistant.records import Answer, Turn


@pytest.mark.parametrize(
    "question",
    [
        "And how do we avoid that?",
        "what about the second one?",
        "Is that the same as outsourcing?",
        "What did they learn?",
    ],
)
def test_follow_ups_are_recognised(question: str) -> None:
    assert is_follow_up(question)


@pytest.mark.parametrize(
    "question",
    ["Why do shared services fail?", "What does 1+1=3 mean?", "How should a trading company be set up?"],
)
def test_standalone_questions_are_left_alone(question: str) -> None:
    assert not is_follow_up(question)
    assert condense_question(question, ["earlier question"]) == question


def test_follow_up_is_condensed_with_the_previous_query() -> None:
    query = condense_question("And how do we avoid that?", ["Why do shared services fail?"])
    assert query == "And how do we avoid that? And how do we avoid that? Why do shared services fail?"
    assert condense_question("And how do we avoid that?", []) == "And how do we avoid that?"


def answer_of(text: str, abstained: bool = False) -> Answer:
    return Answer(question="q", answer=text, abstained=abstained)


def test_a_turn_gives_its_query_and_the_opening_words_of_its_answer() -> None:
    answer = answer_of(
        "The Socitm guide *Reasons why shared services fail* lists 15 common problems: [1]\n\n- A"
    )
    context = turn_context(Turn("Why do shared services fail?", answer))
    assert context == "Why do shared services fail? The Socitm guide Reasons why shared services fail"


def test_a_refused_or_unknown_answer_adds_nothing() -> None:
    refusal = answer_of("The guidance does not cover this.", abstained=True)
    assert turn_context(Turn("How do I bake bread?", refusal)) == "How do I bake bread?"
    assert conversation_context(["earlier question", Turn("later", None)]) == ["earlier question", "later"]
