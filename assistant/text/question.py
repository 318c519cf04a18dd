"""Question cleaning: what every entry point does to a question before answering it."""

from __future__ import annotations

from assistant.errors import InputError
from assistant.text.phrases import EMPTY_QUESTION


def clean_question(question: str, max_chars: int) -> str:
    """A question with control characters removed and whitespace collapsed.

    Raises:
        InputError: when it is empty or longer than ``max_chars``.
    """
    text = " ".join("".join(ch if ch.isprintable() or ch.isspace() else " " for ch in question).split())
    if not text:
        raise InputError(EMPTY_QUESTION)
    if len(text) > max_chars:
        raise InputError(f"The question is too long ({len(text):,} characters; at most {max_chars:,}).")
    return text
