"""Which sentences of the retrieved passages answer a question: a logistic model over a few signals of
each candidate sentence, fitted by ``assistant train`` on the training questions' quotes (the sentences
people named as answers), with signals from adapters cross-fitted without those questions."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.answering.weights import read_weights, write_weights
from assistant.records import Chunk, Sentence

SELECTION_SIGNALS = (
    "similarity",
    "below_best",
    "words_and_section",
    "best_scored",
    "passage_1",
    "passage_2",
    "passage_3_4",
    "passage_5_on",
    "not_retrieved",
    "opens_passage",
    "log_position",
    "list_item",
    "log_length",
    "best_section",
)
"""A sentence's cosine to the question; how far below the best candidate's; what its score adds to the
cosine (shared words, the best sentence's section); whether it scores best; the rank of its passage
among the retrieved ones (or that it was found by sentence search alone); whether it opens its
passage and its place in it (log); whether it is a list item; its length (log); whether it is in the
best-scoring sentence's section."""


@dataclass(frozen=True)
class Candidate:
    """A sentence that may go into the answer, scored against the question."""

    sentence: Sentence
    chunk: Chunk
    score: float
    similarity: float


UNRETRIEVED = 99
"""The rank given to a sentence found by sentence search whose passage was not retrieved."""


def selection_features(candidates: Sequence[Candidate], passage_ranks: Mapping[str, int]) -> np.ndarray:
    """One row of ``SELECTION_SIGNALS`` per candidate (candidates best-scoring first)."""
    if not candidates:
        return np.zeros((0, len(SELECTION_SIGNALS)))
    best = max(candidate.similarity for candidate in candidates)
    top = candidates[0].chunk
    rows = []
    for i, candidate in enumerate(candidates):
        rank = passage_ranks.get(candidate.chunk.id, UNRETRIEVED)
        position = candidate.sentence.position
        rows.append(
            [
                candidate.similarity,
                best - candidate.similarity,
                candidate.score - candidate.similarity,
                float(i == 0),
                float(rank == 0),
                float(rank == 1),
                float(rank in (2, 3)),
                float(4 <= rank < UNRETRIEVED),
                float(rank == UNRETRIEVED),
                float(position == 0),
                math.log1p(position),
                float(candidate.sentence.kind == "list_item"),
                math.log(max(len(candidate.sentence.text), 1)),
                float((candidate.chunk.doc, candidate.chunk.section) == (top.doc, top.section)),
            ]
        )
    return np.asarray(rows, dtype=np.float64)


@dataclass(frozen=True)
class SentenceSelector:
    """Weights (in ``SELECTION_SIGNALS`` order) and bias of the logistic model."""

    weights: tuple[float, ...]
    bias: float

    def probabilities(self, features: np.ndarray) -> np.ndarray:
        """How likely each candidate (a row of ``selection_features``) is a sentence that answers."""
        if not len(features):
            return np.zeros(0)
        z = features @ np.asarray(self.weights) + self.bias
        return 1.0 / (1.0 + np.exp(-np.clip(z, -30.0, 30.0)))

    def order(self, candidates: Sequence[Candidate], passage_ranks: Mapping[str, int]) -> list[Candidate]:
        """The candidates, most likely to answer first."""
        probabilities = self.probabilities(selection_features(candidates, passage_ranks))
        return [candidates[i] for i in np.argsort(-probabilities, kind="stable")]

    def save(self, path: Path) -> None:
        write_weights(path, SELECTION_SIGNALS, weights=list(self.weights), bias=self.bias)

    @classmethod
    def load(cls, path: Path | None) -> SentenceSelector | None:
        """The model saved at ``path`` (None when there is none, or for other signals)."""
        data = read_weights(path, SELECTION_SIGNALS)
        if data is None:
            return None
        return cls(tuple(float(w) for w in data["weights"]), float(data["bias"]))
