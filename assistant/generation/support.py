"""Does a quoted passage support a statement? A lexical test and an embedding test, and a polarity check.

The eval uses it to score citations (ALCE-style citation recall and precision), and the verifier of
generated answers uses it at run time. A quote supports a statement when enough of the statement's
content words occur in the quote, or when their embeddings are close enough; both thresholds are
calibrated on ``eval/cases/support_calibration.yaml`` and stored in ``eval/thresholds.toml``. Neither
test sees a negation ("Shared services never fail" shares most of its words, and a close embedding, with
"Shared services fail when partners stop trusting each other"), so a statement that denies what its
quote says, or asserts what the quote denies, is not supported whatever the two scores.
"""

from __future__ import annotations

import re

import numpy as np

from assistant.index.protocols import Encoder
from assistant.text.terms import content_terms

MARKER = re.compile(r"\[\d+(?:\s*,\s*\d+)*\]")
"""A citation marker: ``[3]``, or ``[1, 2]`` for several citations."""

MARKERS = r"\[\d+(?:\s*,\s*\d+)*\](?:\s*\[\d+(?:\s*,\s*\d+)*\])*"
"""One or more citation markers in a row: ``[1]``, ``[1][2]``, ``[1, 2]``."""

STATEMENT_END = re.compile(
    rf"""[.!?]["'”’)\]]*(?:\s*{MARKERS})?(?=\s+["'“‘(]?[A-Z0-9])|{MARKERS}[.!?,;:]?(?=\s|$)"""
)
"""Where a statement ends inside a line (the eval's and the verifier's rule): after a sentence's full
stop (taking any markers right after it) when a capital letter or digit follows, and after every group
of markers."""

_MARKER_WITH_SPACE = re.compile(r"\s*" + MARKER.pattern)

BULLET = re.compile(r"^\s*(?:[-*+•●▪◦–]|\d{1,2}[.)])\s+")
"""A markdown bullet or list number at the start of a line."""


NEGATION = re.compile(
    r"\b(?:no|not|never|none|nobody|nothing|nowhere|neither|nor|cannot|without|hardly|barely|rarely|"
    r"seldom)\b|n['’]t\b",
    re.IGNORECASE,
)
"""Words that deny what follows them in their clause. ("rather than" is left out: "A rather than B"
agrees with "B can happen but mostly A".)"""

CLAUSE_BREAK = re.compile(
    r"[,;:()\[\]–—]|[.!?](?=\s)|\s-\s|"
    r"\b(?:but|because|although|though|however|whereas|while|unless|and so|so that|as a result)\b",
    re.IGNORECASE,
)
"""Where one clause ends and the next begins: a negation reaches to the end of its clause at most."""

NEGATION_END = re.compile(r"\b(?:is|are|was|were|and|or|that|which|who)\b", re.IGNORECASE)
"""Words that end a negation's reach before its clause ends: "the reason that many collaborations do not
succeed | is poor relationship management", "never fail | and councils worry"."""


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


def embedding_support(statement: str, quote: str, embeddings: Encoder) -> float:
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


def support_score(statement: str, quote: str, embeddings: Encoder) -> float:
    """How strongly a quote supports a statement (0-1): the larger of the lexical share and the cosine.

    For ranking and display; use ``is_supported`` for the decision, which applies each signal's
    own threshold.
    """
    return max(lexical_support(statement, quote), embedding_support(statement, quote, embeddings), 0.0)


def polar_segments(text: str) -> list[tuple[frozenset[str], bool]]:
    """The content terms of a text by clause, split where a negation starts: ``(terms, negated)``.

    A negation reaches to the end of its clause or to a word of ``NEGATION_END``: "Shared services never
    fail, but councils worry" gives ({share, servic}, False), ({fail}, True), ({council, worri}, False);
    the negation words themselves are left out.
    """
    segments: list[tuple[frozenset[str], bool]] = []

    def add(part: str, negated: bool) -> None:
        terms = frozenset(content_terms(part))
        if terms:
            segments.append((terms, negated))

    for clause in CLAUSE_BREAK.split(clean_statement(text)):
        position = 0
        while (negation := NEGATION.search(clause, position)) is not None:
            add(clause[position : negation.start()], False)
            end = NEGATION_END.search(clause, negation.end())
            position = end.start() if end else len(clause)
            add(clause[negation.end() : position], True)
        add(clause[position:], False)
    return segments


def contradicts(statement: str, quote: str) -> bool:
    """Whether a statement's polarity differs from its quote's on the words they share.

    It does when a negated part of the statement shares words with the quote but none of them is
    negated there (the statement denies what the quote says), or when most of the words a plain part
    shares with the quote are negated in the quote and nowhere said plainly (the statement asserts what
    the quote denies). A statement the quote contains word for word never contradicts it.
    """
    if clean_statement(statement).lower() in clean_statement(quote).lower():
        return False
    plain: set[str] = set()
    denied: set[str] = set()
    for terms, negated in polar_segments(quote):
        (denied if negated else plain).update(terms)
    for terms, negated in polar_segments(statement):
        shared = terms & (plain | denied)
        if not shared:
            continue
        if negated and not shared & denied:
            return True
        if not negated and 2 * len(shared - plain) > len(shared):
            return True
    return False


def is_supported(
    statement: str, quote: str, embeddings: Encoder, lexical_min: float, embedding_min: float
) -> bool:
    """Whether a quote supports a statement: lexical share ≥ ``lexical_min`` OR cosine ≥ ``embedding_min``,
    and the statement does not contradict the quote (``contradicts``).

    The lexical test runs first, so the embedding model is only asked when words alone do not decide.
    """
    if contradicts(statement, quote):
        return False
    if lexical_support(statement, quote) >= lexical_min:
        return True
    return embedding_support(statement, quote, embeddings) >= embedding_min
