"""The catalogue's cue phrases: how a sentence matches one, and all of them embedded once per process."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from assistant.review.catalogue import Catalogue
from assistant.review.tuning import CUE_MIN_SHARE, CUE_MIN_TERMS, DEFERRAL, GENERIC_TERM_FACTORS, NEGATION
from assistant.review.wording import Wording, strip_markers
from assistant.text.terms import content_terms


@dataclass(frozen=True)
class Cue:
    """A cue phrase: the stems it is about, whether it is itself negated, and its polarity (+1, -1)."""

    text: str
    polarity: int
    concept: frozenset[str]
    negated: bool

    @classmethod
    def read(cls, text: str, polarity: int) -> Cue:
        """A cue of the catalogue: ``polarity`` +1 for an addressed cue, -1 for a risk cue."""
        negated = bool(NEGATION.search(text) or DEFERRAL.search(text))
        return cls(text, polarity, frozenset(content_terms(strip_markers(text))), negated)

    def match(self, wording: Wording, generic: frozenset[str] = frozenset()) -> tuple[float, int]:
        """How much of the cue the sentence contains (0-1) and the polarity it then has there.

        A cue matched in a negated clause, or a negated cue matched in a plain one, flips polarity.
        Words in ``generic`` count towards the share but cannot make a match on their own.
        """
        if not self.concept:
            return 0.0, 0
        found = self.concept & wording.stems
        specific = self.concept - generic or self.concept
        if len(found & specific) < min(CUE_MIN_TERMS, len(specific)):
            return 0.0, 0
        if len(found) < CUE_MIN_SHARE * len(self.concept):
            return 0.0, 0
        undermined = len(found & wording.undermined) >= len(found & wording.affirmed)
        polarity = -self.polarity if undermined != self.negated else self.polarity
        return len(found) / len(self.concept), polarity


@dataclass
class CueBook:
    """Every cue of the catalogue with its embedding; rows of ``vectors`` follow ``cues``."""

    catalogue: Catalogue
    cues: list[Cue]
    owners: list[str]
    """Factor id or sum label of each cue."""
    vectors: np.ndarray
    generic: frozenset[str]
    """Words found in the cues of ``GENERIC_TERM_FACTORS`` factors or more."""

    def rows(self, owner: str, polarity: int | None = None) -> list[int]:
        """Rows of one factor's (or sum's) cues, optionally of one polarity."""
        return [
            row
            for row, (cue, cue_owner) in enumerate(zip(self.cues, self.owners, strict=True))
            if cue_owner == owner and (polarity is None or cue.polarity == polarity)
        ]


_CUE_BOOKS: dict[tuple[str, int, tuple[str, ...]], CueBook] = {}
_CUE_BOOKS_LOCK = threading.Lock()


def cue_book(catalogue: Catalogue, embeddings: Any) -> CueBook:
    """The catalogue's cues and their embeddings, computed once per process and embedding model."""
    cues: list[Cue] = []
    owners: list[str] = []
    for factor in catalogue.factors:
        for text in factor.risk_cues:
            cues.append(Cue.read(text, -1))
            owners.append(factor.id)
        for text in factor.addressed_cues:
            cues.append(Cue.read(text, +1))
            owners.append(factor.id)
    for total in catalogue.sums:
        for text in total.cues:
            cues.append(Cue.read(text, +1))
            owners.append(total.label)
    texts = tuple(cue.text for cue in cues)
    key = (str(getattr(embeddings, "model_name", type(embeddings).__name__)), id(embeddings), texts)
    with _CUE_BOOKS_LOCK:
        book = _CUE_BOOKS.get(key)
        if book is None:
            vectors = np.asarray(embeddings.encode(list(texts)), dtype=np.float32)
            book = CueBook(catalogue, cues, owners, vectors, _generic_terms(cues, owners, catalogue))
            _CUE_BOOKS.clear()
            _CUE_BOOKS[key] = book
    return book


def _generic_terms(cues: Sequence[Cue], owners: Sequence[str], catalogue: Catalogue) -> frozenset[str]:
    factor_ids = {factor.id for factor in catalogue.factors}
    holders: dict[str, set[str]] = {}
    for cue, owner in zip(cues, owners, strict=True):
        if owner in factor_ids:
            for term in cue.concept:
                holders.setdefault(term, set()).add(owner)
    return frozenset(term for term, found in holders.items() if len(found) >= GENERIC_TERM_FACTORS)


def lexical_match(book: CueBook, rows: Sequence[int], wording: Wording) -> tuple[float, float]:
    """Best word overlap with the cues (0-1) and the lexical polarity (-1..1) it points to."""
    best = {+1: 0.0, -1: 0.0}
    for row in rows:
        overlap, polarity = book.cues[row].match(wording, book.generic)
        if overlap:
            best[polarity] = max(best[polarity], overlap)
    return max(best.values()), best[+1] - best[-1]
