"""From the learned model's probabilities to each factor's status, confidence and evidence, and to the
proposal's sum.

A sentence shows a factor as a risk with the chance its score (the geometric mean of P(about the factor)
x P(risk or unclear) and the joint model's P(risk to the factor)) was right for other writers' sentences
in training (``ReviewModel.calibrated_scores``), and handles it with that of the handled scores. A
factor is a risk when some sentence more likely than not shows it as one, addressed when some sentence
more likely than not handles it and none shows it as a risk, and otherwise not covered; its confidence
is its strongest sentence's. A deferral, a condition or an intention ("unclear") is never handled.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assistant.review.model import RISK, UNCLEAR, ReviewModel, joint_columns
from assistant.review.records import Evidence, Passage, Status
from assistant.review.tuning import DECISION_PROBABILITY, EVIDENCE_PER_FACTOR, SUM_EVIDENCE


@dataclass(frozen=True)
class Decision:
    """One factor's status, the model's probability for it, its evidence and whether the risk is a
    deferral or hedge ("unclear — ask") rather than a stated problem."""

    status: Status
    confidence: float
    evidence: list[Evidence]
    unclear: bool = False


@dataclass(frozen=True)
class Probabilities:
    """Per sentence (rows): P(about each factor) (columns in catalogue order), P(each stance), and the
    calibrated chances that it shows each factor at risk (``scores[0]``) and handles it (``scores[1]``)."""

    about: np.ndarray
    stance: np.ndarray
    scores: np.ndarray

    @classmethod
    def of(
        cls,
        model: ReviewModel,
        features: np.ndarray,
        tuned: np.ndarray | None,
        sentences: Sequence[str],
        factor_ids: Sequence[str],
    ) -> Probabilities:
        """The model's probabilities, columns in the order of ``factor_ids``: ``features`` are
        ``model.features`` of the sentences with their headings, ``tuned`` their embeddings by the
        model's reader (None: it has none); ``sentences`` are the sentences alone."""
        columns = [model.factors.index(factor_id) for factor_id in factor_ids]
        if not sentences:
            about, joint = np.zeros((0, len(columns))), np.zeros((0, 2 * len(columns)))
            stance = model.stance_probabilities(sentences)
        else:
            about, stance, joint = model.judge(features, tuned, sentences)
            about, joint = about[:, columns], joint[:, joint_columns(columns)]
        return cls(about, stance, model.calibrated_scores(about, stance, joint))


def decide_factor(column: int, probabilities: Probabilities, passages: Sequence[Passage]) -> Decision:
    """The status of one factor (a column of the probabilities), with its evidence."""
    about = probabilities.about[:, column]
    if not len(about):
        return Decision("not_covered", 1.0, [])
    stance = probabilities.stance
    risk, handled = probabilities.scores[:, :, column]
    at_risk = float(risk.max())
    if at_risk >= DECISION_PROBABILITY:
        rows = _strongest(risk)
        unclear = bool(stance[rows[0], UNCLEAR] > stance[rows[0], RISK])
        return Decision("risk", at_risk, [passages[row].as_evidence() for row in rows], unclear)
    addressed = float(handled.max())
    if addressed >= DECISION_PROBABILITY:
        rows = _strongest(handled)
        return Decision("addressed", addressed, [passages[row].as_evidence() for row in rows])
    return Decision("not_covered", float(1 - about.max()), [])


def _strongest(scores: np.ndarray) -> list[int]:
    """The strongest rows (at most ``EVIDENCE_PER_FACTOR``), the second only when half as strong."""
    order = [int(row) for row in np.argsort(-scores, kind="stable")][:EVIDENCE_PER_FACTOR]
    return [row for row in order if scores[row] >= scores[order[0]] / 2]


def decide_sum(
    model: ReviewModel, features: np.ndarray, passages: Sequence[Passage]
) -> tuple[str, dict[str, float], list[Evidence]]:
    """The sum the proposal's statements of ambition show most (the sum of their probabilities), every
    sum's share and the sentences that state it (those the model finds most likely to state that sum)."""
    labels = model.sums[:-1]
    if not passages:
        return labels[0], {label: 0.0 for label in labels}, []
    every = model.sum_probabilities(features)
    probabilities = every[:, : len(labels)]
    totals = probabilities.sum(axis=0)
    shares = totals / totals.sum() if totals.sum() > 0 else totals
    best = int(np.argmax(totals))
    rows = [int(row) for row in np.argsort(-probabilities[:, best], kind="stable")[:SUM_EVIDENCE]]
    evidence = [passages[row].as_evidence() for row in rows if int(np.argmax(every[row])) == best]
    return (
        labels[best],
        {label: round(float(share), 4) for label, share in zip(labels, shares, strict=True)},
        evidence,
    )
