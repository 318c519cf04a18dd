"""A sentence's words: their stems, which of them a negation or deferral undermines, and its tone."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.review.tuning import ASSURANCE, CLAUSE_BREAK, CONCERN, DEFERRAL, NEGATION
from assistant.text.terms import content_terms


@dataclass(frozen=True)
class Wording:
    """A sentence as word stems, the stems in negated or deferred clauses, and its tone (-1..1)."""

    stems: frozenset[str]
    undermined: frozenset[str]
    affirmed: frozenset[str]
    tone: float


def read_wording(text: str) -> Wording:
    """Stems of a sentence, split by whether their clause is negated or deferred, and its tone."""
    undermined: set[str] = set()
    affirmed: set[str] = set()
    for clause in CLAUSE_BREAK.split(text):
        stems = set(content_terms(strip_markers(clause)))
        if NEGATION.search(clause) or DEFERRAL.search(clause):
            undermined |= stems
        else:
            affirmed |= stems
    warnings = len(CONCERN.findall(text)) + len(DEFERRAL.findall(text))
    assurances = len(ASSURANCE.findall(text))
    tone = (assurances - warnings) / (assurances + warnings) if assurances + warnings else 0.0
    return Wording(frozenset(undermined | affirmed), frozenset(undermined), frozenset(affirmed), tone)


def strip_markers(text: str) -> str:
    """A text without its negation and deferral words (what is left is what the clause is about)."""
    return DEFERRAL.sub(" ", NEGATION.sub(" ", text))
