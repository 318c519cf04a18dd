"""Fixed phrases that users see and that tests and evals assert on."""

from collections.abc import Sequence

REFUSAL = "I can't find this in the guidance."
"""The first sentence of every refusal: recognisable, so people and evals can tell a refusal apart."""

COVERAGE_HINT = "The guidance covers: {topics}."
"""Follows the refusal, naming what the indexed documents are about."""

EMPTY_QUESTION = "Please type a question."
"""Answer to an empty or whitespace-only question."""


def refusal(topics: Sequence[str]) -> str:
    """The fixed refusal sentence plus what the guidance does cover."""
    hint = COVERAGE_HINT.format(topics="; ".join(topics)) if topics else ""
    if hint.endswith(("?.", "!.", "..")):
        hint = hint[:-1]  # a title that ends in its own punctuation ends the hint
    return f"{REFUSAL} {hint}".strip()
