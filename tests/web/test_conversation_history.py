"""The Ask tab's turns become the assistant's history: each turn's query with its answer, so that "which
of those…" answers from the previous answer."""

from __future__ import annotations

from assistant.records import Answer, Citation, Passage
from assistant.web.conversation import history_of


def test_turns_carry_their_answers_into_the_history() -> None:
    citation = Citation(1, "001.txt", "Title", "Section", "A quote.", 10, 18, 0.5)
    passage = Passage("c1", "001.txt", "Title", "Section", "A quote. More.", 0.7)
    answer = Answer("Why?", "A quote. [1]", False, [citation], {"total": 1.0}, passages=[passage])
    turns = [{"question": "Why?", "query": "Why?", "answer": answer.to_json(), "passages": []}]
    [turn] = history_of(turns)
    assert turn.query == "Why?"
    assert turn.answer is not None
    assert turn.answer.citations == [citation] and turn.answer.passages == [passage]
    assert turn.answer.to_json() == answer.to_json()
