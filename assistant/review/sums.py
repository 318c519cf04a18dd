"""Placing the proposal's ambition among the three sums (1+1=1½, 1+1=2, 1+1=3)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from assistant.review.cues import CueBook, lexical_match
from assistant.review.records import Evidence, Passage
from assistant.review.tuning import SEMANTIC_TOP_CUES, SUM_EVIDENCE, SUM_LEXICAL_BONUS, SUM_TOP_SENTENCES
from assistant.review.wording import read_wording


def classify_sum(
    passages: Sequence[Passage], vectors: np.ndarray, book: CueBook
) -> tuple[str, dict[str, float], list[Evidence]]:
    """The sum the proposal's ambition matches best, every sum's score and the sentences that show it.

    A sentence's score for a sum is its mean similarity to the sum's closest cues plus a bonus for the
    share of a cue's words it contains; a sum's score is the mean of its best sentences' scores.
    """
    wordings = [read_wording(passage.text) for passage in passages]
    scores: dict[str, float] = {}
    best_rows: dict[str, list[int]] = {}
    for total in book.catalogue.sums:
        rows = book.rows(total.label)
        if not passages:
            scores[total.label], best_rows[total.label] = 0.0, []
            continue
        closest = np.sort(vectors @ book.vectors[rows].T, axis=1)[:, -SEMANTIC_TOP_CUES:].mean(axis=1)
        lexical = np.array([lexical_match(book, rows, wording)[0] for wording in wordings])
        relevance = closest + SUM_LEXICAL_BONUS * lexical
        order = [int(row) for row in np.argsort(-relevance)[:SUM_TOP_SENTENCES]]
        scores[total.label] = round(float(np.mean(relevance[order])), 4)
        best_rows[total.label] = order
    label = max(scores, key=lambda key: scores[key])
    evidence = [passages[row].as_evidence() for row in best_rows[label][:SUM_EVIDENCE]]
    return label, scores, evidence
