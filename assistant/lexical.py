"""The lexical index kept beside Chroma: BM25 over chunks, and term statistics for overlap and coverage.

Chroma's embedded mode has no sparse index, so this one is built in memory from the chunks the
index holds (milliseconds for the seed corpus).
"""

from __future__ import annotations

import logging
import math
from collections import Counter
from collections.abc import Sequence

import bm25s
import numpy as np

from assistant.store import StoredChunk
from assistant.terms import content_terms

logging.getLogger("bm25s").setLevel(logging.WARNING)  # it sets itself to DEBUG on import


def searchable_text(chunk: StoredChunk) -> str:
    """What lexical search sees of a chunk: its section heading and its text."""
    return f"{chunk.section}\n{chunk.text}" if chunk.section else chunk.text


class LexicalIndex:
    """BM25 search over chunks plus inverse document frequencies of their terms."""

    def __init__(self, chunks: Sequence[StoredChunk]) -> None:
        """Tokenise and index the chunks."""
        self.chunks = {chunk.id: chunk for chunk in chunks}
        self.chunk_ids = list(self.chunks)
        tokenised = [content_terms(searchable_text(chunk)) for chunk in self.chunks.values()]
        frequencies: Counter[str] = Counter()
        for terms in tokenised:
            frequencies.update(set(terms))
        total = max(len(chunks), 1)
        self.idf = {term: math.log(1 + (total - df + 0.5) / (df + 0.5)) for term, df in frequencies.items()}
        self.unknown_idf = math.log(1 + (total + 0.5) / 0.5)
        self._bm25: bm25s.BM25 | None = None
        if chunks:
            self._bm25 = bm25s.BM25()
            self._bm25.index([terms or [""] for terms in tokenised], show_progress=False)

    def search(self, query: str, k: int) -> list[tuple[str, float]]:
        """Best chunks for a query by BM25, as (chunk id, score), zero scores left out."""
        terms = [term for term in content_terms(query) if term in self.idf]
        if self._bm25 is None or not terms or k <= 0:
            return []
        scores = self._bm25.get_scores(terms)
        top = np.argsort(-scores)[:k]
        return [(self.chunk_ids[i], float(scores[i])) for i in top if scores[i] > 0]

    def weight(self, term: str) -> float:
        """Inverse document frequency of a term (terms the corpus never uses weigh most)."""
        return self.idf.get(term, self.unknown_idf)

    def overlap(self, query_terms: Sequence[str], text: str) -> float:
        """IDF-weighted share (0-1) of the query's terms that a text contains."""
        wanted = set(query_terms)
        if not wanted:
            return 0.0
        present = set(content_terms(text)) & wanted
        return sum(self.weight(term) for term in present) / sum(self.weight(term) for term in wanted)

    def unknown_share(self, query_terms: Sequence[str]) -> float:
        """IDF-weighted share (0-1) of the query's terms that no indexed passage uses."""
        wanted = set(query_terms)
        if not wanted:
            return 0.0
        unknown = [term for term in wanted if term not in self.idf]
        return sum(self.weight(term) for term in unknown) / sum(self.weight(term) for term in wanted)
