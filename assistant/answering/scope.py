"""Whether the guidance covers a question: a logistic model over a few signals, fitted by
``assistant train`` on answerable and out-of-scope training questions."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from assistant.answering.weights import read_weights, write_weights

SCOPE_SIGNALS = (
    "best_sentence",
    "unknown_share",
    "names_unknown",
    "top_passage",
    "neighbour_margin",
    "in_scope",
)
"""The best cosine of a candidate sentence; the IDF-weighted share of the question's words no passage
uses; whether it names things the guidance never mentions; the best passage's cosine; how much nearer
the question is to an answerable training question than to an out-of-scope one; the adapter's
learned log-odds that it is answerable (``QueryAdapter.in_scope``)."""


@dataclass(frozen=True)
class ScopeModel:
    """Weights (in ``SCOPE_SIGNALS`` order) and bias of the logistic model."""

    weights: tuple[float, ...]
    bias: float
    threshold: float = 0.5
    """Least probability to answer: the one that best separated the training questions."""

    def probability(self, signals: Sequence[float]) -> float:
        """How likely the guidance covers the question (0-1)."""
        z = self.bias + sum(w * s for w, s in zip(self.weights, signals, strict=True))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def save(self, path: Path) -> None:
        write_weights(
            path, SCOPE_SIGNALS, weights=list(self.weights), bias=self.bias, threshold=self.threshold
        )

    @classmethod
    def load(cls, path: Path | None) -> ScopeModel | None:
        """The model saved at ``path`` (None when there is none, or for other signals)."""
        data = read_weights(path, SCOPE_SIGNALS)
        if data is None:
            return None
        return cls(tuple(float(w) for w in data["weights"]), float(data["bias"]), float(data["threshold"]))
