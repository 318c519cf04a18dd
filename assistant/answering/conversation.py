"""Follow-up questions: turn "and how do we avoid that?" into a standalone query using the last turn."""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.answering.tuning import MAX_CONTEXT_CHARS, QUESTION_WEIGHT
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


def condense_question(question: str, previous_queries: Sequence[str]) -> str:
    """The standalone retrieval query for a question, given the conversation's earlier queries.

    Args:
        question: What the user just asked.
        previous_queries: The standalone queries of earlier turns, oldest first.

    Returns:
        The question itself, or for a follow-up the question (weighted) with the previous query.
    """
    if not previous_queries or not is_follow_up(question):
        return question
    context = previous_queries[-1][-MAX_CONTEXT_CHARS:]
    return " ".join([question] * QUESTION_WEIGHT + [context])
