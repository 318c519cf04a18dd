"""Learned ranking of passages: a linear score over a few signals, its weights fitted by
``assistant train`` on written questions (``Ranker``); without them, reciprocal rank fusion."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.answering.weights import read_weights, write_weights
from assistant.index.adapter import QueryAdapter
from assistant.index.lexical import LexicalIndex
from assistant.index.protocols import Index
from assistant.records import Chunk
from assistant.text.terms import content_terms, named_terms

FEATURES = ("dense", "sentence", "lexical", "heading", "names", "neighbours", "votes")
"""The signals, per candidate passage: its (hub-corrected) cosine to the question; the best cosine of
one of its sentences; its BM25 score over the best one's; the share of the question's words in its
document title and section heading; the share of the question's names (acronyms, numbers, proper
names) it contains; how much nearer the question is to the nearest training question it answers than
other passages' training questions usually are (``QueryAdapter.neighbours``); its share of the votes of
the nearest training questions (``QueryAdapter.votes``)."""


VOTES = FEATURES.index("votes")


@dataclass(frozen=True)
class Ranker:
    """The weights of the signals (in ``FEATURES`` order), and the least-squares prediction of a
    passage's votes from its other signals (their coefficients, then the intercept)."""

    weights: tuple[float, ...]
    imputed_votes: tuple[float, ...] = ()

    def score(self, features: np.ndarray, unasked: np.ndarray | None = None) -> np.ndarray:
        """The candidates' scores; ``unasked`` marks those in documents none of the written training
        questions is about (``impute_votes``)."""
        features = impute_votes(features, unasked, self.imputed_votes)
        return features @ np.asarray(self.weights, dtype=np.float32)

    def save(self, path: Path) -> None:
        write_weights(path, FEATURES, weights=list(self.weights), imputed_votes=list(self.imputed_votes))

    @classmethod
    def load(cls, path: Path | None) -> Ranker | None:
        """The ranker saved at ``path`` (None when there is none, or for other signals)."""
        data = read_weights(path, FEATURES)
        if data is None:
            return None
        imputed = tuple(float(w) for w in data.get("imputed_votes", ()))
        return cls(tuple(float(w) for w in data["weights"]), imputed)


def impute_votes(
    features: np.ndarray, unasked: np.ndarray | None, coefficients: Sequence[float]
) -> np.ndarray:
    """The candidates' signals, where those ``unasked`` (in a document none of the written training
    questions is about, such as a council's own) have the votes their other signals predict
    (``coefficients`` of the least-squares fit, then its intercept) instead of none: no question could
    vote for them."""
    if unasked is None or not unasked.any() or not len(coefficients):
        return features
    weights = np.asarray(coefficients, dtype=np.float32)
    imputed = features.copy()
    others = np.delete(features[unasked], VOTES, axis=1)
    imputed[unasked, VOTES] = np.clip(others @ weights[:-1] + weights[-1], 0.0, 1.0)
    return imputed


def unasked(ids: list[str], chunks: Mapping[str, Chunk], adapter: QueryAdapter | None) -> np.ndarray:
    """Per candidate passage: whether none of its document's passages answers a written training question
    of the adapter."""
    if adapter is None:
        return np.zeros(len(ids), dtype=bool)
    asked = {chunks[chunk_id].doc for chunk_id in adapter.answered if chunk_id in chunks}
    return np.array([chunks[chunk_id].doc not in asked for chunk_id in ids], dtype=bool)


def candidate_features(
    query: str,
    vector: np.ndarray,
    index: Index,
    lexical: LexicalIndex,
    hubs: dict[str, float],
    adapter: QueryAdapter | None,
    pool: int,
) -> tuple[list[str], np.ndarray, dict[str, float]]:
    """The candidate passages of a question (the best of each search), their signals, and each one's best
    dense cosine (chunk or sentence, for the refusal); ``adapter``: the learned one the vector went
    through (its training questions give the neighbour and vote signals)."""
    neighbours = adapter.neighbours(vector) if adapter is not None else {}
    votes = adapter.votes(vector) if adapter is not None else {}
    dense = {chunk_id: sim for chunk_id, sim in index.query_chunks(vector, pool)}
    sentence: dict[str, float] = {}
    for _, chunk_id, sim in index.query_sentences(vector, pool * 2):
        sentence[chunk_id] = max(sentence.get(chunk_id, -1.0), sim)
    terms = content_terms(query)
    found = lexical.search(query, pool) if terms else []
    top = found[0][1] if found else 1.0
    bm25 = {chunk_id: score / top for chunk_id, score in found}
    chunks = lexical.chunks
    ids = [chunk_id for chunk_id in dict.fromkeys([*dense, *sentence, *bm25]) if chunk_id in chunks]
    floor_dense = min(dense.values(), default=0.0)
    floor_sentence = min(sentence.values(), default=0.0)
    floor_neighbour = min(neighbours.values(), default=0.0)
    names = set(named_terms(query))
    rows = []
    for chunk_id in ids:
        chunk = chunks[chunk_id]
        heading = f"{chunk.title} {chunk.section or ''}"
        rows.append(
            (
                dense.get(chunk_id, floor_dense) - hubs.get(chunk_id, 0.0),
                sentence.get(chunk_id, floor_sentence),
                bm25.get(chunk_id, 0.0),
                lexical.overlap(terms, heading) if terms else 0.0,
                len(names & lexical.terms_of(chunk.text)) / len(names) if names else 0.0,
                neighbours.get(chunk_id, floor_neighbour),
                votes.get(chunk_id, 0.0),
            )
        )
    similarity = {i: max(dense.get(i, -1.0), sentence.get(i, -1.0), 0.0) for i in ids}
    return ids, np.asarray(rows, dtype=np.float32).reshape(len(ids), len(FEATURES)), similarity
