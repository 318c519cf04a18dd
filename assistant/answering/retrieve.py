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

from assistant.answering.tuning import NEAR_DUPLICATE, RRF_K, SAME_DOCUMENT_DECAY
from assistant.index.protocols import Embedder, Index
from assistant.text.terms import content_terms

Mode = Literal["hybrid", "dense", "lexical"]


def fuse_rankings(rankings: list[list[str]], k: int = RRF_K) -> dict[str, float]:
    """Reciprocal rank fusion: ``score(d) = sum over rankings of 1 / (k + rank(d))``, rank from 1."""
    scores: dict[str, float] = defaultdict(float)
    for ranking in rankings:
        for rank, item in enumerate(ranking, start=1):
            scores[item] += 1.0 / (k + rank)
    return dict(scores)


def diversify(
    candidates: list[tuple[str, float]], texts: dict[str, str], docs: dict[str, str], k: int
) -> list[tuple[str, float]]:
    """Greedy pick of ``k`` passages: skip near-duplicates, damp repeats from one document.

    Args:
        candidates: (chunk id, fused score), best first.
        texts: Chunk id to text, for near-duplicate detection.
        docs: Chunk id to document, for the same-document damping.
        k: How many to keep.
    """
    remaining = list(candidates)
    chosen: list[tuple[str, float]] = []
    chosen_words: list[set[str]] = []
    per_doc: dict[str, int] = defaultdict(int)
    while remaining and len(chosen) < k:
        best_index = max(
            range(len(remaining)),
            key=lambda i: remaining[i][1] * SAME_DOCUMENT_DECAY ** per_doc[docs[remaining[i][0]]],
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

    def _get_relevant_documents(
        self, query: str, *, run_manager: CallbackManagerForRetrieverRun
    ) -> list[Document]:
        chunks = self.lexical.chunks
        pool = self.k * 3
        rankings: list[list[str]] = []
        similarity: dict[str, float] = defaultdict(float)
        if self.mode in ("hybrid", "dense"):
            vector = self.embeddings.query_vector(query)
            dense = self.index.query_chunks(vector, pool)
            rankings.append([chunk_id for chunk_id, _ in dense])
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
        fused = sorted(fuse_rankings(rankings).items(), key=lambda item: -item[1])
        fused = [(chunk_id, score) for chunk_id, score in fused if chunk_id in chunks]
        picked = diversify(
            fused,
            {chunk_id: chunks[chunk_id].text for chunk_id, _ in fused},
            {chunk_id: chunks[chunk_id].doc for chunk_id, _ in fused},
            self.k,
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
