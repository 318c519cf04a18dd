"""Training the review model from the labelled proposal sentences: the factor a sentence is about, its
stance, and the ambition (sum) a statement shows — each a multinomial logistic regression, with
figures measured on held-out writers' files."""

from __future__ import annotations

import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse
from scipy.optimize import minimize

from assistant.learning.data import TrainingSet
from assistant.learning.encoder import fine_tune
from assistant.learning.tuning import (
    CALIBRATION_FOLD,
    FOLDS,
    MIN_WORD_COUNT,
    REVIEW_DECAY,
    REVIEW_TOLERANCE,
    SEED,
)
from assistant.review.catalogue import Catalogue, load_catalogue
from assistant.review.encoder import TunedLayers, TunedReader
from assistant.review.model import (
    HANDLED,
    NO_FACTOR,
    OTHER_SUM,
    RISK,
    STANCES,
    ReviewModel,
    joint_labels,
    load_review_model,
    log_odds,
    model_features,
    polarity,
    sentence_scores,
    sentence_text,
    softmax,
    softmax_probabilities,
    with_reader,
    word_columns,
    word_features,
)
from assistant.review.tuning import DECISION_PROBABILITY


def fit_softmax(
    features: np.ndarray, labels: np.ndarray, classes: int, l2: float, start: np.ndarray | None = None
) -> np.ndarray:
    """Weights (one row per feature, then the intercepts) of a multinomial logistic regression with an
    L2 penalty ``l2`` on the feature weights, fitted by L-BFGS from ``start`` or zero (deterministic).
    The loss is strictly convex: from any start it reaches the same optimum, from a near one sooner.

    The embedding columns are dense and the word columns mostly zeros: the two are multiplied apart,
    the words as a sparse matrix (the same sums, a fraction of the work)."""
    rows, width = features.shape
    targets = np.eye(classes)[labels]
    dense = (features != 0).mean(axis=0) >= 0.5 if rows else np.zeros(width, dtype=bool)
    full = np.asarray(features[:, dense], dtype=np.float64)
    words = sparse.csr_matrix(features[:, ~dense], dtype=np.float64)

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        weights = theta.reshape(width + 1, classes)
        probabilities = softmax(full @ weights[:-1][dense] + words @ weights[:-1][~dense] + weights[-1])
        value = (
            -np.log(probabilities[np.arange(rows), labels] + 1e-12).mean() + l2 * (weights[:-1] ** 2).sum()
        )
        error = (probabilities - targets) / rows
        gradient = np.empty_like(weights)
        gradient[:-1][dense] = full.T @ error
        gradient[:-1][~dense] = np.asarray(words.T @ error)
        gradient[:-1] += 2 * l2 * weights[:-1]
        gradient[-1] = error.sum(axis=0)
        return float(value), gradient.ravel()

    initial = np.zeros((width + 1) * classes) if start is None else start.astype(np.float64).ravel()
    options = {"maxiter": 500, "ftol": REVIEW_TOLERANCE}
    result = minimize(loss, initial, jac=True, method="L-BFGS-B", options=options)
    return result.x.reshape(width + 1, classes).astype(np.float32)


def out_of_fold(
    features: np.ndarray,
    labels: np.ndarray,
    classes: int,
    folds: np.ndarray,
    always: tuple[np.ndarray, np.ndarray] | None = None,
    start: np.ndarray | None = None,
) -> np.ndarray:
    """Class probabilities of every row from a model fitted without its fold (``folds``: one fold label
    per row); ``always`` (features, labels) are extra rows in every fold's training, never predicted.
    Each fit starts from ``start`` (the weights fitted on every row: near each fold's optimum)."""
    predicted = np.zeros((len(labels), classes))
    for fold in np.unique(folds):
        train = folds != fold
        weights = _fit(features[train], labels[train], classes, always, start)
        predicted[~train] = softmax_probabilities(weights, features[~train])
    return predicted


def _fit(
    features: np.ndarray,
    labels: np.ndarray,
    classes: int,
    always: tuple[np.ndarray, np.ndarray] | None = None,
    start: np.ndarray | None = None,
) -> np.ndarray:
    """Weights fitted on every row and on the ``always`` rows (features, labels), from ``start``."""
    extra_features, extra_labels = always or (features[:0], labels[:0])
    return fit_softmax(
        np.vstack([features, extra_features]),
        np.concatenate([labels, extra_labels]),
        classes,
        REVIEW_DECAY,
        start,
    )


def writer_folds(sources: list[str]) -> np.ndarray:
    """Per sentence, its fold: the training files (writers) dealt in a seeded order into ``FOLDS`` folds,
    so that no file is judged by a model trained on any of its own sentences."""
    files = sorted(set(sources))
    order = np.random.default_rng(SEED).permutation(len(files))
    fold_of = {files[index]: position % FOLDS for position, index in enumerate(order)}
    return np.array([fold_of[source] for source in sources])


@dataclass(frozen=True)
class ReviewTraining:
    """What training the review model measured on held-out data and what it wrote."""

    model: ReviewModel
    figures: dict[str, float]

    def summary(self) -> str:
        return ", ".join(f"{name} {value:.3f}" for name, value in self.figures.items())


def train_review(
    data: TrainingSet,
    catalogue: Catalogue,
    embeddings: Any,
    progress: Callable[[str], None] | None = None,
    base: str | None = None,
) -> ReviewTraining:
    """Train the factor, stance, joint and sum classifiers on the labelled sentences (and the catalogue's
    cue phrases, as extra examples of their factor and polarity) and, given the embedding model ``base``,
    the fine-tuned reader averaged with them. Each training file (one writer) is also judged by models
    trained without its fold of files (``writer_folds``; the reader: only the files of
    ``CALIBRATION_FOLD``): that calibrates the scores and gives the report's figures."""
    say = progress or (lambda _message: None)
    factor_ids = (*(factor.id for factor in catalogue.factors), NO_FACTOR)
    sum_labels = (*(total.label for total in catalogue.sums), OTHER_SUM)
    texts = [sentence_text(row.text, row.heading) for row in data.review]
    cues = [
        (cue, factor.id, polarity)
        for factor in catalogue.factors
        for polarity, phrases in enumerate((factor.risk_cues, factor.addressed_cues))
        for cue in phrases
    ]
    statements = [statement.text for statement in data.sums]
    every = texts + [cue for cue, _, _ in cues] + statements
    vocabulary = _vocabulary(every)
    columns = word_columns(vocabulary)
    say("embedding the labelled sentences")
    features = model_features(embeddings.encode(every), every, columns)
    sentences, cue_rows = features[: len(texts)], features[len(texts) : len(texts) + len(cues)]

    labels = _Labels.of(data, factor_ids, cues)
    cue_examples = (cue_rows, labels.cue_factor)
    joint_cues = (cue_rows, labels.cue_joint)
    stance_features = model_features(None, [row.text for row in data.review], columns)
    say("factor, stance and joint classifiers")
    weights = (
        _fit(sentences, labels.factor, len(factor_ids), cue_examples),
        _fit(stance_features, labels.stance, len(STANCES)),
        _fit(sentences, labels.joint, 2 * len(factor_ids) - 1, joint_cues),
    )
    say("each training file's sentences judged by models trained without its writer")
    writers = writer_folds([row.source for row in data.review])
    judged: tuple[np.ndarray, ...] = (
        out_of_fold(sentences, labels.factor, len(factor_ids), writers, cue_examples, weights[0]),
        out_of_fold(stance_features, labels.stance, len(STANCES), writers, None, weights[1]),
        out_of_fold(sentences, labels.joint, 2 * len(factor_ids) - 1, writers, joint_cues, weights[2]),
    )
    tuned, held = None, np.ones(len(texts), dtype=bool)
    if base is not None:
        held = writers == CALIBRATION_FOLD
        tuned, judged = _with_reader(_Tuning(base, texts, cues, labels), judged, held, say)
    about, stances, joints = judged
    factor_labels, stance_labels = labels.factor[held], labels.stance[held]
    calibration = _calibration(about[:, :-1], stances, joints[:, :-1], factor_labels, stance_labels)
    say("sum classifier")
    rows = np.vstack([features[len(texts) + len(cues) :], sentences])
    totals = np.array([sum_labels.index(s.sum) for s in data.sums] + [len(sum_labels) - 1] * len(texts))
    folds = np.random.default_rng(SEED).permutation(len(totals)) % FOLDS
    sums = out_of_fold(rows, totals, len(sum_labels), folds)
    model = ReviewModel(
        factor_ids,
        sum_labels,
        vocabulary,
        weights[0],
        weights[1],
        _fit(rows, totals, len(sum_labels)),
        weights[2],
        calibration,
        tuned,
    )
    scores = model.calibrated_scores(about[:, :-1], stances, joints[:, :-1])
    figures = _figures((about, factor_labels), (stances, stance_labels), (sums, totals), scores)
    return ReviewTraining(model, figures)


@dataclass(frozen=True)
class _Labels:
    """The classes of the labelled sentences (factor, stance, joint) and of the catalogue's cue phrases
    (factor, joint; a risk cue's stance is risk, an addressed cue's handled)."""

    factor: np.ndarray
    stance: np.ndarray
    joint: np.ndarray
    cue_factor: np.ndarray
    cue_stance: np.ndarray
    cue_joint: np.ndarray

    @classmethod
    def of(cls, data: TrainingSet, factor_ids: tuple[str, ...], cues: list[tuple[str, str, int]]) -> _Labels:
        factor = np.array([factor_ids.index(row.factor or NO_FACTOR) for row in data.review])
        stance = np.array([STANCES.index(row.stance) for row in data.review])
        cue_factor = np.array([factor_ids.index(owner) for _, owner, _ in cues])
        cue_polarity = np.array([polarity for _, _, polarity in cues])
        cue_stance = np.where(cue_polarity == 0, RISK, HANDLED)
        return cls(
            factor,
            stance,
            joint_labels(factor, stance, len(factor_ids) - 1),
            cue_factor,
            cue_stance,
            2 * cue_factor + cue_polarity,
        )


@dataclass(frozen=True)
class _Tuning:
    """What tuning the reader reads: the embedding model, the labelled sentences (with their headings),
    the catalogue's cue phrases and their classes."""

    base: str
    texts: list[str]
    cues: list[tuple[str, str, int]]
    labels: _Labels

    def tune(self, rows: np.ndarray, classes: tuple[int, ...]) -> TunedLayers:
        """The reader tuned on the sentences at ``rows`` (a mask) and every cue phrase; ``classes``: how
        many the factor, stance and joint heads have."""
        chosen = [self.texts[row] for row in np.flatnonzero(rows)] + [cue for cue, _, _ in self.cues]
        labels = self.labels
        targets = [
            np.concatenate([labels.factor[rows], labels.cue_factor]),
            np.concatenate([labels.stance[rows], labels.cue_stance]),
            np.concatenate([labels.joint[rows], labels.cue_joint]),
        ]
        return fine_tune(self.base, chosen, targets, classes)


def _with_reader(
    tuning: _Tuning, judged: tuple[np.ndarray, ...], held: np.ndarray, say: Callable[[str], None]
) -> tuple[TunedLayers, tuple[np.ndarray, ...]]:
    """The reader tuned on every sentence, and the held-out sentences' (``held``) out-of-fold
    probabilities (``judged``: the factor, stance and joint classifiers') averaged with those of a
    reader tuned without them, as ``ReviewModel.judge`` averages them."""
    classes = tuple(probabilities.shape[1] for probabilities in judged)
    say("tuning the reader without one fold of writers")
    reader = TunedReader(tuning.tune(~held, classes))
    _own, vectors = reader.embed([tuning.texts[row] for row in np.flatnonzero(held)])
    averaged = with_reader([own[held] for own in judged], reader.tuned, vectors)
    say("tuning the reader on every sentence")
    return tuning.tune(np.ones(len(held), dtype=bool), classes), averaged


def _calibration(
    about: np.ndarray,
    stances: np.ndarray,
    joint: np.ndarray,
    factor_labels: np.ndarray,
    stance_labels: np.ndarray,
) -> np.ndarray:
    """Platt scaling (``ReviewModel.calibrated_scores``) of the sentence scores (``sentence_scores``),
    fitted on other writers' sentences: ``about`` (factor columns), ``stances`` and ``joint`` (its
    factors' columns) are each training file's sentences as judged by models trained without its fold
    of files. Row 0: risk; row 1: handled."""
    score = sentence_scores(about, stances, joint)
    shown = np.eye(about.shape[1] + 1)[factor_labels][:, :-1]
    risky, handled = (mask[:, None] for mask in polarity(factor_labels, stance_labels, about.shape[1]))
    truth = np.stack([shown * risky, shown * handled])
    return np.array([_platt(score[kind].ravel(), truth[kind].ravel()) for kind in range(2)], np.float32)


def _platt(scores: np.ndarray, truth: np.ndarray) -> tuple[float, float]:
    """Slope and intercept of the logistic regression of ``truth`` on the log-odds of ``scores``."""
    weights = fit_softmax(log_odds(scores)[:, None], truth.astype(int), 2, 0.0)
    return float(weights[0, 1] - weights[0, 0]), float(weights[1, 1] - weights[1, 0])


def _vocabulary(texts: list[str]) -> tuple[str, ...]:
    """The words and word pairs found in at least ``MIN_WORD_COUNT`` of the texts, sorted."""
    counts = Counter(word for text in texts for word in word_features(text))
    return tuple(sorted(word for word, count in counts.items() if count >= MIN_WORD_COUNT))


def _figures(
    factor: tuple[np.ndarray, np.ndarray],
    stance: tuple[np.ndarray, np.ndarray],
    sums: tuple[np.ndarray, np.ndarray],
    scores: np.ndarray,
) -> dict[str, float]:
    """Accuracies of out-of-fold predictions (rows: probabilities, labels): factor and stance on other
    writers' files, sums over random folds; and, by the calibrated scores of other writers' sentences
    (``scores``, as ``ReviewModel.calibrated_scores``), the shares of risk (or unclear) and handled
    sentences that show their factor so, and of risk sentences that would be taken as handling it."""
    (factors, factor_labels), (stances, stance_labels), (totals, sum_labels) = factor, stance, sums
    own = scores[:, np.arange(len(factor_labels)), np.minimum(factor_labels, scores.shape[2] - 1)]
    shown = own >= DECISION_PROBABILITY
    risky, handled = polarity(factor_labels, stance_labels, scores.shape[2])
    statements = sum_labels != totals.shape[1] - 1
    return {
        "factor accuracy": _accuracy(factors, factor_labels),
        "stance accuracy": _accuracy(stances, stance_labels),
        "risk sentences found": float(shown[0][risky].mean()),
        "handled found": float(shown[1][handled].mean()),
        "risk taken as handled": float(shown[1][risky].mean()),
        "sum accuracy": _accuracy(totals[statements], sum_labels[statements]),
    }


def _accuracy(probabilities: np.ndarray, labels: np.ndarray) -> float:
    """The share of rows whose most probable class is their label."""
    return float((probabilities.argmax(axis=1) == labels).mean())


def write_review_model(data: TrainingSet, embeddings: Any, path: Path, base: str) -> str:
    """Train the review model (its reader tuned from the embedding model ``base``) on the catalogue
    shipped with the assistant, write it to ``path`` and say what cross-validation measured."""
    started = time.perf_counter()
    training = train_review(
        data, load_catalogue(), embeddings, lambda step: print(f"review: {step}", file=sys.stderr), base
    )
    training.model.save(path)
    load_review_model.cache_clear()
    return (
        f"review model: {training.summary()} (factor and stance on held-out writers' files, sums over "
        f"{FOLDS} random folds); "
        f"{time.perf_counter() - started:.0f} s; wrote {path}"
    )
