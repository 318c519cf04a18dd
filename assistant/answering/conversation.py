"""Follow-up questions: turn "and how do we avoid that?" into a standalone query using the last turn."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.answering.tuning import ANSWER_CONTEXT_WORDS, MAX_CONTEXT_CHARS, QUESTION_WEIGHT
from assistant.records import Citation, Turn
from assistant.text.terms import content_terms, words

FOLLOW_UP_OPENING = re.compile(
    r"^\s*(and|but|so|also|what about|how about|then|ok|okay|what else)\b", re.IGNORECASE
)
ANAPHORA = frozenset(
    "that this it they them those these there its their his her he she one ones same former latter "
    "first second third last another other then instead".split()
)


def is_follow_up(question: str) -> bool:
    """Whether a question leans on the previous turn: opens with a connective, or is short and refers back."""
    if FOLLOW_UP_OPENING.match(question):
        return True
    return any(word in ANAPHORA for word in words(question)) and len(content_terms(question)) <= 4


MARKUP = re.compile(r"\[\d+(?:\s*,\s*\d+)*\]|[*_#>`]")
"""Citation markers and Markdown emphasis: not words of the answer."""


def turn_context(turn: Turn | str) -> str:
    """What a follow-up of this turn searches with besides its own words: the turn's standalone query and
    the opening words of its answer (its framing or first quote, which name what it was about), unless
    the answer was a refusal or is not known."""
    turn = Turn.of(turn)
    if turn.answer is None or turn.answer.abstained:
        return turn.query
    opening = " ".join(MARKUP.sub(" ", turn.answer.answer).split()[:ANSWER_CONTEXT_WORDS])
    return f"{turn.query} {opening}".strip()


def conversation_context(history: Sequence[Turn | str]) -> list[str]:
    """``turn_context`` of each earlier turn, oldest first."""
    return [turn_context(turn) for turn in history]


def already_said(question: str, history: Sequence[Turn | str]) -> tuple[Citation, ...]:
    """What a follow-up's answer must not quote again: the previous answer's citations (a follow-up
    asks for something beyond what was just said); none for a question that is not a follow-up.

    Searched with the previous turn's words, a follow-up finds the passages that answer just gave
    ("And how do we avoid that?" got the failure list again). Without them (``compose_answer`` keeps
    the single best sentence, which may be the answer to a "so is that…?"): the project's ten own
    conversations 0.50 -> 0.62 of the expected points; the 128 written follow-ups of the training data
    whose expected quotes the previous answer did not hold 0.652 -> 0.734 (the other 325, whose quotes
    it did hold, lose what is not repeated: it is on screen already)."""
    previous = Turn.of(history[-1]).answer if history else None
    if previous is None or previous.abstained or not is_follow_up(question):
        return ()
    return tuple(previous.citations)


def condense_question(question: str, previous_queries: Sequence[str]) -> str:
    """The standalone retrieval query for a question, given the conversation's earlier queries.

    Args:
        question: What the user just asked.
        previous_queries: What earlier turns give a follow-up to search with (``conversation_context``),
            oldest first.

    Returns:
        The question itself, or for a follow-up the question (weighted) with the previous query.
    """
    if not previous_queries or not is_follow_up(question):
        return question
    context = previous_queries[-1][-MAX_CONTEXT_CHARS:]
    return " ".join([question] * QUESTION_WEIGHT + [context])
