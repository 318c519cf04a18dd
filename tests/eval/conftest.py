"""Helpers for the eval tests: hand-built answers (the fake embeddings come from tests/conftest.py)."""

from __future__ import annotations

import pytest

from assistant.records import Answer, Citation
from assistant.text.phrases import REFUSAL


def build_answer(
    question: str, quotes: list[tuple[str, str, int, int]], abstained: bool = False, total_ms: float = 10.0
) -> Answer:
    """An answer whose n-th sentence is the quote ``(doc, quote, start, end)`` followed by ``[n]``."""
    citations = [
        Citation(n=n, doc=doc, title=doc, section=None, quote=quote, start=start, end=end, score=1.0)
        for n, (doc, quote, start, end) in enumerate(quotes, start=1)
    ]
    text = REFUSAL if abstained else " ".join(f"{citation.quote} [{citation.n}]" for citation in citations)
    return Answer(
        question=question,
        answer=text,
        abstained=abstained,
        citations=citations,
        timings_ms={"total": total_ms},
    )


@pytest.fixture
def make_answer():
    """The ``build_answer`` helper, for tests that need hand-made answers."""
    return build_answer
