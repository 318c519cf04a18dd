"""Hybrid retrieval: dense chunk and sentence search in Chroma plus BM25, fused by reciprocal rank.

A greedy diversity pass then keeps near-duplicate passages, and a pile of passages from one
document, from crowding out the rest. Exposed as a LangChain retriever.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any, Literal

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from assistant.answering.ranking import Ranker, candidate_features, unasked
from assistant.answering.tuning import NEAR_DUPLICATE, RRF_K, SAME_DOCUMENT_DECAY
from assistant.index.protocols import Embedder, Index
from assistant.text.terms import content_terms

Mode = Literal["hybrid", "dense", "lexical"]
Scored = list[tuple[str, float]]


def fuse_rankings(rankings: list[list[str]], k: int = RRF_K) -> dict[str, float]:
    """Reciprocal rank fusion: ``score(d) = sum over rankings of 1 / (k + rank(d))``, rank from 1."""
    scores: dict[str, float] = defaultdict(float)
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] += 1.0 / (k + rank)
    return dict(scores)


def diversify(
    candidates: list[tuple[str, float]],
    texts: dict[str, str],
    docs: dict[str, str],
    k: int,
    decay: float = SAME_DOCUMENT_DECAY,
) -> list[tuple[str, float]]:
    """Greedy pick of ``k`` passages: skip near-duplicates, damp repeats from one document.

    Args:
        candidates: (chunk id, fused score), best first.
        texts: Chunk id to text, for near-duplicate detection.
        docs: Chunk id to document, for the same-document damping.
        k: How many to keep.
        decay: Score multiplier per passage already taken from the same document.
    """
    remaining = list(candidates)
    chosen: list[tuple[str, float]] = []
    chosen_words: list[set[str]] = []
    per_doc: dict[str, int] = defaultdict(int)
    while remaining and len(chosen) < k:
        best_index = max(
            range(len(remaining)),
            key=lambda i: remaining[i][1] * decay ** per_doc[docs[remaining[i][0]]],
        )
        chunk_id, score = remaining.pop(best_index)
        words = set(texts[chunk_id].lower().split())
        if any(_jaccard(words, other) > NEAR_DUPLICATE for other in chosen_words):
            continue
        chosen.append((chunk_id, score))
        chosen_words.append(words)
        per_doc[docs[chunk_id]] += 1
    return chosen


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


class GuidanceRetriever(BaseRetriever):
    """Hybrid retriever over a ``GuidanceIndex`` and its ``LexicalIndex``.

    Each returned ``Document`` carries the chunk's metadata plus ``id``, ``score`` (fused) and
    ``similarity`` (best dense cosine of the chunk or one of its sentences; 0 when not seen densely).
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    index: Index
    lexical: Any
    embeddings: Embedder
    k: int = 6
    mode: Mode = "hybrid"
    ranker: Ranker | None = None
    """The learned weights of the signals (``assistant train``); None: reciprocal rank fusion."""
    hubs: dict[str, float] = {}
    """Per chunk, the hubness the learned query adapter measured (``QueryAdapter.hubness``), taken off
    its dense similarity when ranking: passages the training questions crowd around lose their pull."""

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun, k: int | None = None
    ) -> list[Document]:
        chunks = self.lexical.chunks
        k = self.k if k is None else k
        pool = max(k, self.k) * 3
        if self.ranker is not None and self.mode == "hybrid":
            (scored, similarity), decay = self._learned(self.ranker, query, pool), 1.0
        else:
            (scored, similarity), decay = self._fused(query, pool), SAME_DOCUMENT_DECAY
        scored = [(chunk_id, score) for chunk_id, score in scored if chunk_id in chunks]
        picked = diversify(
            scored,
            {chunk_id: chunks[chunk_id].text for chunk_id, _ in scored},
            {chunk_id: chunks[chunk_id].doc for chunk_id, _ in scored},
            k,
            decay,
        )
        return [
            Document(
                page_content=chunks[chunk_id].text,
                metadata={
                    "id": chunk_id,
                    "doc": chunks[chunk_id].doc,
                    "title": chunks[chunk_id].title,
                    "section": chunks[chunk_id].section,
                    "start": chunks[chunk_id].start,
                    "end": chunks[chunk_id].end,
                    "rank": rank,
                    "score": score,
                    "similarity": similarity.get(chunk_id, 0.0),
                },
            )
            for rank, (chunk_id, score) in enumerate(picked)
        ]

    def _learned(self, ranker: Ranker, query: str, pool: int) -> tuple[Scored, dict[str, float]]:
        """Candidates scored by the learned ranker, best first, and their best dense cosines."""
        vector = self.embeddings.query_vector(query)
        adapter = getattr(self.embeddings, "adapter", None)
        ids, features, similarity = candidate_features(
            query, vector, self.index, self.lexical, self.hubs, adapter, pool
        )
        scores = ranker.score(features, unasked(ids, self.lexical.chunks, adapter)).tolist() if ids else []
        return sorted(zip(ids, scores, strict=True), key=lambda item: -item[1]), similarity

    def _fused(self, query: str, pool: int) -> tuple[Scored, dict[str, float]]:
        """Candidates by reciprocal rank fusion of the dense, sentence and BM25 rankings, best first."""
        rankings: list[list[str]] = []
        similarity: dict[str, float] = defaultdict(float)
        if self.mode in ("hybrid", "dense"):
            vector = self.embeddings.query_vector(query)
            dense = self.index.query_chunks(vector, pool)
            ranked = sorted(dense, key=lambda item: self.hubs.get(item[0], 0.0) - item[1])
            rankings.append([chunk_id for chunk_id, _ in ranked])
            by_sentence: list[str] = []
            for _, chunk_id, sim in self.index.query_sentences(vector, pool * 2):
                similarity[chunk_id] = max(similarity[chunk_id], sim)
                if chunk_id not in by_sentence:
                    by_sentence.append(chunk_id)
            rankings.append(by_sentence)
            for chunk_id, sim in dense:
                similarity[chunk_id] = max(similarity[chunk_id], sim)
        if self.mode in ("hybrid", "lexical") and content_terms(query):
            rankings.append([chunk_id for chunk_id, _ in self.lexical.search(query, pool)])
        return sorted(fuse_rankings(rankings).items(), key=lambda item: -item[1]), dict(similarity)
