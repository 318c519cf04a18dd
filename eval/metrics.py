"""The eval's metrics as pure functions, each defined with its formula.

Retrieval is scored at section level: a retrieved passage is a *unit* ``(doc, section)``, and it is
relevant when it matches an expected unit (an expected section of None matches any passage of that
document). Answers are scored for the factors (nuggets) they contain, the validity and support of
their citations, refusals, length and latency.
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.generation.prompts import NOTICES
from assistant.generation.support import BULLET, MARKER, STATEMENT_END, clean_statement
from assistant.settings import Settings
from assistant.text.phrases import COVERAGE_HINT, REFUSAL

Unit = tuple[str, str | None]
"""A document and a section heading (None: no heading, or for an expected unit, any section)."""


def collapse(text: str) -> str:
    """Whitespace collapsed: ``" ".join(text.split())``."""
    return " ".join(text.split())


# --------------------------------------------------------------------------------------------------
# Retrieval
# --------------------------------------------------------------------------------------------------


def unit_matches(passage: Unit, expected: Unit) -> bool:
    """Whether a retrieved passage's unit matches an expected unit (expected section None = any section)."""
    return passage[0] == expected[0] and (expected[1] is None or passage[1] == expected[1])


def distinct_units(expected: Sequence[Unit]) -> list[Unit]:
    """The expected units without repeats, in order."""
    return list(dict.fromkeys(expected))


def recall_at_k(retrieved: Sequence[Unit], expected: Sequence[Unit], k: int = 5) -> float:
    """Share of the distinct expected units matched by at least one of the first ``k`` passages.

    ``recall@k = |{e ∈ E : ∃ i ≤ k, passage_i matches e}| / |E|``, with E the distinct expected units.
    """
    units = distinct_units(expected)
    if not units:
        return 0.0
    top = retrieved[:k]
    return sum(any(unit_matches(passage, unit) for passage in top) for unit in units) / len(units)


def reciprocal_rank_at_k(retrieved: Sequence[Unit], expected: Sequence[Unit], k: int = 10) -> float:
    """``1 / rank`` of the first relevant passage among the first ``k`` (rank from 1), else 0.

    MRR@k is the mean of this over the cases.
    """
    units = distinct_units(expected)
    for rank, passage in enumerate(retrieved[:k], start=1):
        if any(unit_matches(passage, unit) for unit in units):
            return 1.0 / rank
    return 0.0


def ndcg_at_k(retrieved: Sequence[Unit], expected: Sequence[Unit], k: int = 10) -> float:
    """Normalised discounted cumulative gain with binary gains over distinct units.

    ``DCG@k = Σ_{i=1..k} g_i / log2(i + 1)``, where ``g_i = 1`` when passage i matches an expected
    unit that no earlier passage matched (a second passage from an already found unit gains
    nothing), else 0. ``IDCG@k = Σ_{i=1..min(|E|, k)} 1 / log2(i + 1)``. ``nDCG@k = DCG@k / IDCG@k``.
    """
    units = distinct_units(expected)
    if not units:
        return 0.0
    found: set[Unit] = set()
    dcg = 0.0
    for rank, passage in enumerate(retrieved[:k], start=1):
        new = next((unit for unit in units if unit not in found and unit_matches(passage, unit)), None)
        if new is not None:
            found.add(new)
            dcg += 1.0 / math.log2(rank + 1)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(len(units), k) + 1))
    return dcg / ideal


# --------------------------------------------------------------------------------------------------
# Nuggets (factors the answer must contain)
# --------------------------------------------------------------------------------------------------


def phrase_found(phrasings: Sequence[str], answer: str) -> bool:
    """Whether any phrasing is a case-insensitive substring of the whitespace-collapsed answer."""
    text = collapse(answer).lower()
    return any(collapse(phrasing).lower() in text for phrasing in phrasings)


def nuggets_found_by_embedding(
    nugget_vectors: np.ndarray, sentence_vectors: np.ndarray, threshold: float
) -> list[bool]:
    """For each nugget: ``max_s cos(nugget, sentence_s) ≥ threshold`` (rows are normalised).

    Args:
        nugget_vectors: One row per nugget (the embedding of its label and phrasings).
        sentence_vectors: One row per answer sentence or bullet; no rows means nothing is found.
        threshold: The calibrated cosine threshold.
    """
    if len(nugget_vectors) == 0:
        return []
    if len(sentence_vectors) == 0:
        return [False] * len(nugget_vectors)
    best = (np.asarray(nugget_vectors) @ np.asarray(sentence_vectors).T).max(axis=1)
    return [bool(value >= threshold) for value in best]


EQUAL_LENGTH: int = Settings.model_fields["max_answer_chars"].default
"""Characters of an answer in which the equal-length nugget recalls look for factors: the assistant's
default answer budget (``max_answer_chars``). Longer answers find more factors by their length alone,
so pipelines are also compared on this much of each answer."""


def first_chars(answer: str, limit: int = EQUAL_LENGTH) -> str:
    """The first ``limit`` characters of an answer (a sentence cut there counts as far as the cut)."""
    return answer[:limit]


def recall(found: Sequence[bool]) -> float:
    """Share of items found: ``Σ found / n`` (0 for no items)."""
    return sum(found) / len(found) if found else 0.0


# --------------------------------------------------------------------------------------------------
# Citations
# --------------------------------------------------------------------------------------------------


def citation_is_valid(quote: str, start: int, end: int, raw: str | None) -> bool:
    """Whether a quote is verbatim: ``quote == collapse(raw[start:end])`` with ``0 ≤ start < end ≤ len(raw)``.

    A citation of a document that cannot be read (``raw`` None) is invalid.
    """
    if raw is None or not 0 <= start < end <= len(raw):
        return False
    return quote == collapse(raw[start:end])


@dataclass(frozen=True)
class Statement:
    """A sentence or bullet of an answer, without markers, and the citation numbers it carries."""

    text: str
    cited: tuple[int, ...]


REFUSAL_OPENINGS = (REFUSAL, COVERAGE_HINT.split("{", 1)[0], *NOTICES)
"""Sentences starting with these are the refusal or a fallback notice, not statements to be supported."""


def split_statements(answer: str) -> list[Statement]:
    """Split an answer into its statements: the sentences of each line or bullet, with their markers.

    A group of markers always ends a statement. A sentence carries the ``[n]`` markers inside or
    right after it; a sentence without markers takes those of the next sentence in the same line
    that has some (a citation closes the run of text before it, as when one citation quotes two
    sentences). Sentences after the line's last marker carry none.
    Bullets and markers are removed from ``text``; the refusal, fallback notices and empty pieces are
    left out.
    """
    statements: list[Statement] = []
    for line in answer.splitlines():
        line = BULLET.sub("", line).strip()
        pending: list[str] = []
        for sentence in _split_line(line):
            cited = tuple(
                int(number) for group in MARKER.findall(sentence) for number in re.findall(r"\d+", group)
            )
            text = clean_statement(sentence)
            if text and re.search(r"\w", text) and not text.startswith(REFUSAL_OPENINGS):
                pending.append(text)
            if cited:
                statements.extend(Statement(item, cited) for item in pending)
                pending = []
        statements.extend(Statement(item, ()) for item in pending)
    return statements


def _split_line(line: str) -> list[str]:
    pieces, start = [], 0
    for match in STATEMENT_END.finditer(line):
        pieces.append(line[start : match.end()])
        start = match.end()
    pieces.append(line[start:])
    return [piece.strip() for piece in pieces if piece.strip()]


@dataclass(frozen=True)
class CitationSupport:
    """ALCE-style citation scores of one answer.

    Attributes:
        statements: Statements in the answer.
        supported_statements: Statements with at least one citation whose quote supports them.
        pairs: (statement, cited number) pairs.
        supported_pairs: Pairs whose cited quote supports the statement.
    """

    statements: int
    supported_statements: int
    pairs: int
    supported_pairs: int

    @property
    def recall(self) -> float | None:
        """``supported_statements / statements`` (None without statements)."""
        return self.supported_statements / self.statements if self.statements else None

    @property
    def precision(self) -> float | None:
        """``supported_pairs / pairs`` (None without citations)."""
        return self.supported_pairs / self.pairs if self.pairs else None


def citation_support(
    statements: Sequence[Statement], quotes: Mapping[int, str], supports: Callable[[str, str], bool]
) -> CitationSupport:
    """Score how well an answer's citations support its statements (after ALCE, Gao et al. 2023).

    Citation recall = share of statements with ≥ 1 cited quote that supports them. Citation
    precision = share of (statement, cited n) pairs whose quote supports the statement. A marker
    with no matching citation supports nothing.

    Args:
        statements: The answer's statements (``split_statements``), the refusal excluded.
        quotes: Citation number to quoted text.
        supports: ``supports(statement, quote)``, the support test.
    """
    supported_statements = pairs = supported_pairs = 0
    for statement in statements:
        verdicts = [
            number in quotes and supports(statement.text, quotes[number])
            for number in dict.fromkeys(statement.cited)
        ]
        pairs += len(verdicts)
        supported_pairs += sum(verdicts)
        supported_statements += any(verdicts)
    return CitationSupport(len(statements), supported_statements, pairs, supported_pairs)


# --------------------------------------------------------------------------------------------------
# Refusals, length and latency
# --------------------------------------------------------------------------------------------------


def rate(flags: Sequence[bool]) -> float | None:
    """Share of true flags, ``Σ flags / n``; None when there are none (nothing to measure).

    Correct-refusal rate = rate of ``abstained`` over out-of-scope cases; false-refusal rate = rate
    of ``abstained`` over in-scope cases.
    """
    return sum(flags) / len(flags) if flags else None


def mean(values: Sequence[float | None]) -> float | None:
    """Arithmetic mean of the values that are not None; None when there are none."""
    present = [value for value in values if value is not None]
    return sum(present) / len(present) if present else None


def median(values: Sequence[float]) -> float | None:
    """The middle value (mean of the two middle ones for an even count); None for no values."""
    return float(statistics.median(values)) if values else None


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile: the ``ceil(q/100 · n)``-th smallest value (1-based); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return float(ordered[rank - 1])
