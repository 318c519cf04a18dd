"""Does a quoted passage support a statement? A lexical test and an embedding test.

The eval uses it to score citations (ALCE-style citation recall and precision), and the verifier of
generated answers uses it at run time. A quote supports a statement when enough of the statement's
content words occur in the quote, or when their embeddings are close enough; both thresholds are
calibrated on ``eval/cases/support_calibration.yaml`` and stored in ``eval/thresholds.toml``.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np

from assistant.terms import content_terms

MARKER = re.compile(r"\[\d+(?:\s*,\s*\d+)*\]")
"""A citation marker: ``[3]``, or ``[1, 2]`` for several citations."""

_MARKER_WITH_SPACE = re.compile(r"\s*" + MARKER.pattern)

BULLET = re.compile(r"^\s*(?:[-*+•●▪◦–]|\d{1,2}[.)])\s+")
"""A markdown bullet or list number at the start of a line."""


def clean_statement(text: str) -> str:
    """A statement or quote as it is compared: no ``[n]`` markers or bullets, whitespace collapsed."""
    lines = [BULLET.sub("", line) for line in text.splitlines()]
    return " ".join(_MARKER_WITH_SPACE.sub("", " ".join(lines)).split())


def lexical_support(statement: str, quote: str) -> float:
    """Share of the statement's content words (stemmed, stopwords left out) that occur in the quote.

    Returns:
        ``|terms(statement) ∩ terms(quote)| / |terms(statement)|``, or 0.0 when the statement has no
        content words.
    """
    terms = set(content_terms(clean_statement(statement)))
    if not terms:
        return 0.0
    return len(terms & set(content_terms(clean_statement(quote)))) / len(terms)


def embedding_support(statement: str, quote: str, embeddings: Any) -> float:
    """Cosine similarity of the statement's and the quote's embeddings (rows are normalised).

    Args:
        statement: A sentence or bullet of an answer; markers and bullets are stripped first.
        quote: The cited passage.
        embeddings: Anything with ``encode(list[str]) -> np.ndarray`` of normalised rows.
    """
    texts = [clean_statement(statement), clean_statement(quote)]
    if not all(texts):
        return 0.0
    vectors = embeddings.encode(texts)
    return float(np.dot(vectors[0], vectors[1]))


def support_score(statement: str, quote: str, embeddings: Any) -> float:
    """How strongly a quote supports a statement (0-1): the larger of the lexical share and the cosine.

    For ranking and display; use ``is_supported`` for the decision, which applies each signal's
    own threshold.
    """
    return max(lexical_support(statement, quote), embedding_support(statement, quote, embeddings), 0.0)


def is_supported(
    statement: str, quote: str, embeddings: Any, lexical_min: float, embedding_min: float
) -> bool:
    """Whether a quote supports a statement: lexical share ≥ ``lexical_min`` OR cosine ≥ ``embedding_min``.

    The lexical test runs first, so the embedding model is only asked when words alone do not decide.
    """
    if lexical_support(statement, quote) >= lexical_min:
        return True
    return embedding_support(statement, quote, embeddings) >= embedding_min
