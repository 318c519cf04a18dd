"""Training the review model: it learns factor and stance from labelled sentences, is reproducible, and
its scores are calibrated on each file's sentences by models trained on the other files."""

from __future__ import annotations

import numpy as np

from assistant.learning.data import ReviewSentence, SumStatement, TrainingSet
from assistant.learning.review import train_review
from assistant.review.catalogue import load_catalogue
from assistant.review.model import (
    STANCES,
    UNCALIBRATED,
    ReviewModel,
    joint_columns,
    joint_labels,
    sentence_scores,
)
from tests.conftest import FakeEmbeddings

TEMPLATES = {
    ("F01", "risk"): "nobody has costed the {x} business case savings figure",
    ("F01", "handled"): "the {x} business case savings figure was signed off by cabinet",
    ("F14", "risk"): "{x} staff have not been told anything about the move",
    ("F14", "handled"): "{x} staff were briefed in person and a union forum meets monthly",
}
PLACES = ["Northby", "Southby", "Eastham", "Westfold", "Upton", "Downley"]


def training_set() -> TrainingSet:
    """Two files (writers) of sentences for two factors, both stances, plus sentences about nothing."""
    review = [
        ReviewSentence(text=template.format(x=place), factor=factor, stance=stance, source=f"review_{n % 2}")
        for (factor, stance), template in TEMPLATES.items()
        for n, place in enumerate(PLACES)
    ] + [
        ReviewSentence(text=f"the {place} office opens daily", factor=None, stance="neutral", source=file)
        for place in PLACES
        for file in ("review_0", "review_1")
    ]
    sums = [SumStatement(text=f"{place} will save money by sharing", sum="1+1=1½") for place in PLACES]
    return TrainingSet(questions=(), out_of_scope=(), review=tuple(review), sums=tuple(sums))


def test_the_review_model_learns_factor_and_stance_reproducibly() -> None:
    first = train_review(training_set(), load_catalogue(), FakeEmbeddings()).model
    second = train_review(training_set(), load_catalogue(), FakeEmbeddings()).model
    assert np.array_equal(first.factor_weights, second.factor_weights)
    assert np.array_equal(first.calibration, second.calibration)
    texts = ["Kingsford staff have not been told anything about the move"]
    about = first.factor_probabilities(first.features(FakeEmbeddings().encode(texts), texts))
    assert first.factors[int(about.argmax())] == "F14"
    assert STANCES[int(first.stance_probabilities(texts).argmax())] == "risk"
    joint = first.joint_probabilities(first.features(FakeEmbeddings().encode(texts), texts))
    assert int(joint.argmax()) == 2 * first.factors.index("F14"), "F14 at risk"
    assert np.array_equal(first.joint_weights, second.joint_weights)
    assert first.calibration.shape == (2, 2) and np.all(first.calibration[:, 0] > 0)


def test_calibration_maps_scores_monotonically_and_identity_leaves_them() -> None:
    about = np.array([[0.9, 0.1], [0.4, 0.6], [0.05, 0.05]])
    stance = np.array([[0.7, 0.1, 0.1, 0.1], [0.2, 0.6, 0.1, 0.1], [0.25, 0.25, 0.25, 0.25]])
    joint = np.array([[0.6, 0.1, 0.05, 0.05], [0.1, 0.2, 0.3, 0.2], [0.05, 0.05, 0.05, 0.05]])
    empty = np.zeros((1, 1), np.float32)
    plain = ReviewModel(("F01", "F02", "none"), ("1+1=2", "other"), (), *[empty] * 4, UNCALIBRATED)
    raw = sentence_scores(about, stance, joint)
    assert np.allclose(plain.calibrated_scores(about, stance, joint), raw, atol=1e-6)
    platt = np.array([[1.4, 1.0], [1.4, 1.0]])
    raised = ReviewModel(plain.factors, plain.sums, (), *[empty] * 4, platt)
    calibrated = raised.calibrated_scores(about, stance, joint)
    assert np.all(calibrated[raw >= 0.1] > raw[raw >= 0.1])  # under-confident mid scores are raised
    order = np.argsort(raw.ravel(), kind="stable")
    assert np.all(np.diff(calibrated.ravel()[order]) >= -1e-9)


def test_the_joint_model_numbers_its_classes_by_factor_and_polarity_and_is_averaged_in() -> None:
    factors = np.array([0, 1, 1, 2, 0])  # 2: about no factor
    stances = np.array([STANCES.index(name) for name in ("risk", "handled", "unclear", "risk", "neutral")])
    assert joint_labels(factors, stances, 2).tolist() == [0, 3, 2, 4, 4]
    assert joint_columns([1, 0]) == [2, 3, 0, 1]
    about = np.array([[0.8, 0.2]])
    stance = np.array([[0.5, 0.5, 0.0, 0.0]])
    joint = np.array([[0.1, 0.1, 0.4, 0.4]])  # risk F01, handled F01, risk F02, handled F02
    scores = sentence_scores(about, stance, joint)
    assert np.allclose(scores[0], np.sqrt([[0.4 * 0.1, 0.1 * 0.4]]))
    assert np.allclose(scores[1], np.sqrt([[0.4 * 0.1, 0.1 * 0.4]]))
