"""Fitting the scope model (does the guidance cover a question?) on the training questions: answerable
ones against out-of-scope near-misses, with its threshold chosen by cross-validation."""

from __future__ import annotations

import random
from collections.abc import Sequence

import numpy as np

from assistant.answering.scope import SCOPE_SIGNALS, ScopeModel
from assistant.learning import tuning


def logistic_weights(signals: np.ndarray, labels: np.ndarray, decay: float) -> np.ndarray:
    """L2-regularised logistic regression by Newton's method (a few hundred weights at most: a few
    steps): the weights, then the bias (not penalised)."""
    x = np.hstack([signals, np.ones((len(signals), 1))])
    w = np.zeros(x.shape[1])
    ridge = decay * np.eye(x.shape[1])
    ridge[-1, -1] = 0.0
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-np.clip(x @ w, -30, 30)))
        gradient = x.T @ (p - labels) + ridge @ w
        hessian = (x * (p * (1 - p))[:, None]).T @ x + ridge + 1e-9 * np.eye(x.shape[1])
        step = np.linalg.solve(hessian, gradient)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return w


def fit_logistic(signals: np.ndarray, labels: np.ndarray) -> ScopeModel:
    """The scope model's weights and bias on these signals (no threshold yet)."""
    w = logistic_weights(signals, labels, tuning.SCOPE_DECAY)
    return ScopeModel(tuple(float(v) for v in w[:-1]), float(w[-1]))


def train_scope(
    answerable: Sequence[Sequence[float]], out_of_scope: Sequence[Sequence[float]]
) -> tuple[ScopeModel, str]:
    """The scope model on every question, its threshold the best (Youden's J) on out-of-fold
    probabilities; and a line with the cross-validated shares answered and refused."""
    signals = np.asarray([*answerable, *out_of_scope], dtype=np.float64).reshape(-1, len(SCOPE_SIGNALS))
    labels = np.asarray([1.0] * len(answerable) + [0.0] * len(out_of_scope))
    rows = list(range(len(labels)))
    random.Random(tuning.SEED).shuffle(rows)
    held_out = np.zeros(len(labels))
    for fold in range(tuning.FOLDS):
        test = rows[fold :: tuning.FOLDS]
        train = sorted(set(rows) - set(test))
        model = fit_logistic(signals[train], labels[train])
        held_out[test] = [model.probability(signals[i]) for i in test]
    positive, negative = held_out[labels == 1], held_out[labels == 0]
    threshold = best_threshold(positive.tolist(), negative.tolist())
    model = fit_logistic(signals, labels)
    summary = (
        f"scope: answers {np.mean(positive >= threshold):.1%} of answerable and refuses "
        f"{np.mean(negative < threshold):.1%} of out-of-scope training questions (5-fold cross-validated)"
    )
    return ScopeModel(model.weights, model.bias, threshold), summary


def best_threshold(answered: Sequence[float], refused: Sequence[float]) -> float:
    """The threshold maximising Youden's J (share answered + share refused - 1): the midpoint between
    the two relevances where it is best, so neither side sits on the edge."""
    values = sorted(set(answered) | set(refused))
    best, best_j = 0.0, -1.0
    for low, high in zip(values, values[1:], strict=False):
        threshold = (low + high) / 2
        j = sum(r >= threshold for r in answered) / len(answered) + sum(r < threshold for r in refused) / len(
            refused
        )
        if j > best_j:
            best, best_j = threshold, j
    return round(best, 4)
