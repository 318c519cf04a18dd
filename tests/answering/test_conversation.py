"""Follow-up questions keep the context of the previous turn."""

import pytest

from assistant.answering.conversation import condense_question, is_follow_up


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
