"""The learned query adapter: questions as people word them, moved towards the passages that answer them.

``q' = normalise(q + q·U·V)`` with a low-rank ``U·V`` learned from written questions
(``assistant train``); passage vectors are the embedding model's own, so the index needs no rebuild.
Its ``pool`` (the adapted training questions) measures each passage's hubness: how much the training
questions crowd around it, which the retriever subtracts so that passages nobody wrote questions for
(a council's own documents) are not pushed aside.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from assistant.index.protocols import Embedder
from assistant.index.tuning import MARGIN_NEIGHBOURS, VOTE_NEIGHBOURS, VOTE_TEMPERATURE


def normalise(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (zero rows stay zero)."""
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.where(norms == 0, 1.0, norms)


@dataclass(frozen=True)
class QueryAdapter:
    """A low-rank map of question vectors, the training questions it was fitted on, and how it is used."""

    model_name: str
    u: np.ndarray
    v: np.ndarray
    pool: np.ndarray
    hub_neighbours: int
    hub_weight: float
    outside: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    """The adapted out-of-scope training questions."""
    answers: tuple[tuple[str, ...], ...] = ()
    """Per row of ``pool``, the ids of the passages that answer that training question."""
    own: np.ndarray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.float32))
    """The adapted self-supervised questions: every passage's own sentences and heading."""
    own_ids: tuple[str, ...] = ()
    """Per row of ``own``, the id of its passage."""
    scope: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.float32))
    """Weights and bias (last) of a logistic regression of the adapted training questions: answerable
    (1) against out-of-scope (0); empty when it was not fitted."""

    def adapt(self, vectors: np.ndarray) -> np.ndarray:
        """Adapted, normalised question vectors (one row or a matrix)."""
        vectors = np.asarray(vectors, dtype=np.float32)
        return normalise(vectors + (vectors @ self.u) @ self.v)

    def hubness(self, passages: np.ndarray) -> np.ndarray:
        """Per passage: ``hub_weight`` × its mean cosine to its nearest adapted training questions."""
        if len(passages) == 0 or len(self.pool) == 0:
            return np.zeros(len(passages), dtype=np.float32)
        similarity = np.asarray(passages, dtype=np.float32) @ self.pool.T
        k = min(self.hub_neighbours, similarity.shape[1])
        nearest = np.partition(similarity, similarity.shape[1] - k, axis=1)[:, -k:]
        return self.hub_weight * nearest.mean(axis=1)

    def margin(self, vector: np.ndarray) -> float:
        """How much nearer an adapted question is to its nearest answerable training questions than to
        its nearest out-of-scope ones (a training question itself, cosine 1, is not its own neighbour)."""
        if len(self.pool) == 0 or len(self.outside) == 0:
            return 0.0
        return _nearest(self.pool, vector) - _nearest(self.outside, vector)

    def in_scope(self, vector: np.ndarray) -> float:
        """The log-odds that an adapted question is answerable, by the learned ``scope`` direction (0
        without one)."""
        if not len(self.scope):
            return 0.0
        return float(np.asarray(vector, dtype=np.float32) @ self.scope[:-1] + self.scope[-1])

    def neighbours(self, vector: np.ndarray) -> dict[str, float]:
        """Per passage, how much nearer an adapted question is to the nearest training question that
        the passage answers (a written one, or one of its own sentences or its heading, so that a
        passage nobody wrote questions for has one too) than training questions about other passages
        usually are. A training question is not its own neighbour."""
        ids = self._neighbour_table[3]
        if not ids:
            return {}
        nearest = self._nearest_answered(np.asarray(vector, dtype=np.float32)[None, :])[0]
        return dict(zip(ids, (nearest - self._usual_nearness).tolist(), strict=True))

    @cached_property
    def answered(self) -> frozenset[str]:
        """The ids of the passages that answer some written training question."""
        return frozenset(chunk_id for ids in self.answers for chunk_id in ids)

    def votes(self, vector: np.ndarray) -> dict[str, float]:
        """Per passage, its share of the votes of the ``VOTE_NEIGHBOURS`` written training questions
        nearest an adapted question: each votes for the passages that answer it with the weight
        softmax(cosine / ``VOTE_TEMPERATURE``) over those neighbours. A training question is not its own
        neighbour."""
        if not len(self.pool):
            return {}
        similarity = self.pool @ np.asarray(vector, dtype=np.float32)
        similarity[similarity >= SELF] = -1.0
        nearest = np.argsort(-similarity)[:VOTE_NEIGHBOURS]
        weights = np.exp((similarity[nearest] - similarity[nearest].max()) / VOTE_TEMPERATURE)
        votes: dict[str, float] = {}
        for row, weight in zip(nearest.tolist(), (weights / weights.sum()).tolist(), strict=True):
            for chunk_id in self.answers[row]:
                votes[chunk_id] = votes.get(chunk_id, 0.0) + weight
        return votes

    def _nearest_answered(self, vectors: np.ndarray) -> np.ndarray:
        """Per vector (rows) and passage (columns): the cosine to the nearest training question it answers."""
        rows, owners, starts, _ = self._neighbour_table
        similarity = vectors @ rows.T
        similarity[similarity >= SELF] = -1.0
        return np.maximum.reduceat(similarity[:, owners[:, 0]], starts, axis=1)

    @cached_property
    def _usual_nearness(self) -> np.ndarray:
        """Per passage, the mean of ``_nearest_answered`` over the written training questions it does not
        answer: the nearness a passage with many (or long) training questions has by chance."""
        _, owners, _, ids = self._neighbour_table
        if not len(self.pool):
            return np.zeros(len(ids), dtype=np.float32)
        nearest = self._nearest_answered(self.pool)
        answered = np.zeros_like(nearest, dtype=bool)
        written = owners[owners[:, 0] < len(self.pool)]
        answered[written[:, 0], written[:, 1]] = True
        counts = np.maximum((~answered).sum(axis=0), 1)
        return np.where(answered, 0.0, nearest).sum(axis=0) / counts

    @cached_property
    def _neighbour_table(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
        """The written and own questions' vectors; the (row, passage) pairs of who answers whom, sorted
        by passage; where each passage's pairs start; and the passages' ids."""
        answers = (*self.answers, *((chunk_id,) for chunk_id in self.own_ids))
        ids = list(dict.fromkeys(chunk_id for row in answers for chunk_id in row))
        column = {chunk_id: index for index, chunk_id in enumerate(ids)}
        pairs = sorted(
            ((row, column[chunk_id]) for row, chunk_ids in enumerate(answers) for chunk_id in chunk_ids),
            key=lambda pair: pair[1],
        )
        owners = np.array(pairs, dtype=np.int64).reshape(-1, 2)
        starts = np.searchsorted(owners[:, 1], np.arange(len(ids)))
        rows = np.vstack([self.pool, self.own]) if len(self.own) else self.pool
        return rows, owners, starts, ids

    def save(self, path: Path) -> None:
        """Write the adapter as one ``.npz`` file (the pool as float16: it only ranks)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(
            path,
            model_name=np.array(self.model_name),
            u=self.u.astype(np.float32),
            v=self.v.astype(np.float32),
            pool=self.pool.astype(np.float16),
            outside=self.outside.astype(np.float16),
            hub=np.array([self.hub_neighbours, self.hub_weight], dtype=np.float32),
            answers=np.array(["\n".join(ids) for ids in self.answers]),
            own=self.own.astype(np.float16),
            own_ids=np.array(self.own_ids),
            scope=self.scope.astype(np.float32),
        )

    @classmethod
    def load(cls, path: Path) -> QueryAdapter | None:
        """The adapter saved at ``path``, or None when there is none."""
        if not path.is_file():
            return None
        with np.load(path) as data:
            return cls(
                model_name=str(data["model_name"]),
                u=data["u"].astype(np.float32),
                v=data["v"].astype(np.float32),
                pool=data["pool"].astype(np.float32),
                hub_neighbours=int(data["hub"][0]),
                hub_weight=float(data["hub"][1]),
                outside=data["outside"].astype(np.float32)
                if "outside" in data
                else np.zeros((0, 0), np.float32),
                answers=tuple(tuple(str(row).split("\n")) for row in data["answers"])
                if "answers" in data
                else (),
                own=data["own"].astype(np.float32) if "own" in data else np.zeros((0, 0), np.float32),
                own_ids=tuple(str(chunk_id) for chunk_id in data["own_ids"]) if "own_ids" in data else (),
                scope=data["scope"].astype(np.float32) if "scope" in data else np.zeros(0, np.float32),
            )


def _nearest(pool: np.ndarray, vector: np.ndarray) -> float:
    """The mean cosine of the ``MARGIN_NEIGHBOURS`` training questions of ``pool`` nearest the vector."""
    similarity = pool @ np.asarray(vector, dtype=np.float32)
    similarity = similarity[similarity < SELF]
    return float(np.sort(similarity)[-MARGIN_NEIGHBOURS:].mean()) if len(similarity) else 0.0


SELF = 0.9999
"""A cosine this high is the question itself (in training), not a neighbour."""


class AdaptedEmbeddings:
    """An ``Embedder`` whose questions go through the adapter; passages are embedded as the model does."""

    def __init__(self, base: Embedder, adapter: QueryAdapter) -> None:
        self.base = base
        self.adapter = adapter
        self.model_name = base.model_name

    def encode(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        """Passages (and anything but questions): the model's own vectors."""
        return self.base.encode(texts, show_progress=show_progress)

    def query_vector(self, text: str) -> np.ndarray:
        """A question's adapted vector."""
        return self.adapter.adapt(self.base.query_vector(text))

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """LangChain's interface: passages."""
        return self.encode(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        """LangChain's interface: a question."""
        return self.query_vector(text).tolist()


def with_adapter(embeddings: Embedder, path: Path | None) -> Embedder:
    """``embeddings`` with the adapter at ``path`` when one was trained for this model; else unchanged."""
    adapter = QueryAdapter.load(path) if path else None
    if adapter is None or adapter.model_name != embeddings.model_name:
        return embeddings
    return AdaptedEmbeddings(embeddings, adapter)
