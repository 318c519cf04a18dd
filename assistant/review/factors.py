"""Judging the proposal's sentences against each factor: relevance, polarity, and the factor's status."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assistant.review.cues import CueBook, lexical_match
from assistant.review.records import Evidence, Passage, Status
from assistant.review.tuning import (
    ADDRESSED_MIN,
    EVIDENCE_PER_FACTOR,
    FACTORS_PER_SENTENCE,
    LEXICAL_BONUS,
    LEXICAL_POLARITY_WEIGHT,
    RELEVANCE_MIN,
    RISK_MIN,
    RISK_OVER_ADDRESSED,
    SEMANTIC_MIN,
    SEMANTIC_POLARITY_SPAN,
    SEMANTIC_POLARITY_WEIGHT,
    SEMANTIC_TOP_CUES,
    TONE_WEIGHT,
)
from assistant.review.wording import read_wording


@dataclass
class Judgement:
    """The signals of every sentence (rows) for every factor (columns), and what they add up to.

    ``semantic`` is the similarity in standard deviations above the sentence's mean over all factors;
    ``lexical`` the share of the best cue's words found; the polarities are -1 (risk) .. +1 (addressed).
    """

    semantic: np.ndarray
    lexical: np.ndarray
    lexical_polarity: np.ndarray
    semantic_polarity: np.ndarray
    tone: np.ndarray

    @property
    def relevance(self) -> np.ndarray:
        """How much each sentence is about each factor; zero beyond its ``FACTORS_PER_SENTENCE`` best."""
        relevance = self.semantic + LEXICAL_BONUS * self.lexical
        if relevance.shape[1] > FACTORS_PER_SENTENCE:
            cut = np.sort(relevance, axis=1)[:, -FACTORS_PER_SENTENCE][:, None]
            relevance = np.where(relevance >= cut, relevance, 0.0)
        return relevance

    @property
    def polarity(self) -> np.ndarray:
        """Whether each sentence shows each factor as a risk (-1) or addressed (+1)."""
        polarity = (
            LEXICAL_POLARITY_WEIGHT * self.lexical_polarity
            + SEMANTIC_POLARITY_WEIGHT * np.clip(self.semantic_polarity / SEMANTIC_POLARITY_SPAN, -1, 1)
            + TONE_WEIGHT * self.tone[:, None]
        )
        # Embeddings cannot tell "a pilot" from "no pilot": only words can make a sentence a risk.
        worded_risk = (self.lexical_polarity < 0) | (self.tone[:, None] < 0)
        return np.clip(np.where(worded_risk, polarity, np.maximum(polarity, 0)), -1, 1)


def judge_passages(passages: Sequence[Passage], vectors: np.ndarray, book: CueBook) -> Judgement:
    """The signals of every sentence for every factor of the catalogue."""
    factors = book.catalogue.factors
    shape = (len(passages), len(factors))
    semantic, lexical, lexical_polarity, semantic_polarity = (np.zeros(shape, np.float32) for _ in range(4))
    wordings = [read_wording(passage.text) for passage in passages]
    similarity = vectors @ book.vectors.T if len(passages) else np.zeros((0, len(book.cues)))
    for column, factor in enumerate(factors):
        risk_rows, addressed_rows = book.rows(factor.id, -1), book.rows(factor.id, +1)
        closest = np.sort(similarity[:, risk_rows + addressed_rows], axis=1)[:, -SEMANTIC_TOP_CUES:]
        semantic[:, column] = closest.mean(axis=1)
        semantic_polarity[:, column] = similarity[:, addressed_rows].max(axis=1) - similarity[
            :, risk_rows
        ].max(axis=1)
        for row, wording in enumerate(wordings):
            lexical[row, column], lexical_polarity[row, column] = lexical_match(
                book, risk_rows + addressed_rows, wording
            )
    if len(passages):
        unrelated = (semantic < SEMANTIC_MIN) & (lexical == 0)
        spread = semantic.std(axis=1, keepdims=True)
        semantic = (semantic - semantic.mean(axis=1, keepdims=True)) / np.where(spread > 0, spread, 1)
        semantic = np.where(unrelated, 0.0, semantic).astype(np.float32)
    tone = np.array([wording.tone for wording in wordings], dtype=np.float32)
    return Judgement(semantic, lexical, lexical_polarity, semantic_polarity, tone)


def decide_factor(
    column: int, judgement: Judgement, passages: Sequence[Passage]
) -> tuple[Status, float, list[Evidence]]:
    """The status of one factor (a column of the judgement), its confidence (0-1) and its evidence."""
    relevance = judgement.relevance[:, column]
    polarity = judgement.polarity[:, column]
    relevant = [int(row) for row in np.argsort(-relevance) if relevance[row] >= RELEVANCE_MIN]
    best = float(relevance.max()) if len(relevance) else 0.0
    if not relevant:
        return "not_covered", _confidence(RELEVANCE_MIN - best, 1.0), []
    risk_weight = sum(float(relevance[row]) * max(0.0, -float(polarity[row])) for row in relevant)
    addressed_weight = sum(float(relevance[row]) * max(0.0, float(polarity[row])) for row in relevant)
    if risk_weight >= RISK_MIN and risk_weight > addressed_weight * RISK_OVER_ADDRESSED:
        margin = risk_weight - max(RISK_MIN, addressed_weight * RISK_OVER_ADDRESSED)
        rows = sorted(
            (row for row in relevant if polarity[row] < 0), key=lambda row: relevance[row] * polarity[row]
        )
        return (
            "risk",
            _confidence(margin, 1.0),
            [passages[row].as_evidence() for row in rows[:EVIDENCE_PER_FACTOR]],
        )
    if best >= ADDRESSED_MIN:
        rows = sorted(relevant, key=lambda row: -relevance[row] * (1 + polarity[row]))
        margin = best - ADDRESSED_MIN + addressed_weight - risk_weight
        return (
            "addressed",
            _confidence(margin, 1.0),
            [passages[row].as_evidence() for row in rows[:EVIDENCE_PER_FACTOR]],
        )
    return "not_covered", _confidence(ADDRESSED_MIN - best, 1.0), []


def _confidence(margin: float, scale: float) -> float:
    """A confidence in 0.5-1 from how far a score lies past the threshold it was judged against."""
    return 0.5 + 0.5 * math.tanh(max(margin, 0.0) / scale)
