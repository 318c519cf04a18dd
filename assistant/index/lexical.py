"""The lexical index kept beside Chroma: BM25 over chunks, and term statistics for overlap and coverage.

Chroma's embedded mode has no sparse index, so this one is built in memory from the chunks the
index holds (milliseconds for the seed corpus). For a big corpus it can be kept on disk, keyed by
the content of the index, so that a new process loads it instead of tokenising every chunk again.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import os
import shutil
import tempfile
import threading
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from assistant.records import Chunk
from assistant.text.terms import content_terms

CACHE_FORMAT = "1"
"""Bump when tokenising or the saved files change, so that old caches are not read."""

CACHE_MIN_CHUNKS = 2000
"""Smaller indexes are built in memory every time (faster than reading a cache)."""

TERM_MEMO_SIZE = 50_000
"""Most sentence texts whose terms are remembered for ``overlap`` (answers score the same ones often)."""


def searchable_text(chunk: Chunk) -> str:
    """What lexical search sees of a chunk: its section heading and its text."""
    return f"{chunk.section}\n{chunk.text}" if chunk.section else chunk.text


def _bm25() -> Any:
    import bm25s

    logging.getLogger("bm25s").setLevel(logging.WARNING)  # it sets itself to DEBUG on import
    return bm25s


def cache_key(chunks: Sequence[Chunk]) -> str:
    """A key of what the lexical index is built from: every chunk's id (a hash of its text) and section."""
    digest = hashlib.sha256(CACHE_FORMAT.encode())
    for chunk in chunks:
        digest.update(f"\0{chunk.id}\0{chunk.section or ''}".encode("utf-8", "surrogatepass"))
    return digest.hexdigest()[:32]


class LexicalIndex:
    """BM25 search over chunks plus inverse document frequencies of their terms."""

    def __init__(self, chunks: Sequence[Chunk], cache_dir: Path | None = None) -> None:
        """Tokenise and index the chunks.

        Args:
            chunks: The indexed chunks.
            cache_dir: A folder to keep the index in between processes; used for
                ``CACHE_MIN_CHUNKS`` chunks or more (None: always build in memory).
        """
        self.chunks = {chunk.id: chunk for chunk in chunks}
        self.chunk_ids = list(self.chunks)
        self._terms: dict[str, frozenset[str]] = {}
        self._terms_lock = threading.Lock()
        self._bm25: Any = None
        use_cache = cache_dir is not None and len(chunks) >= CACHE_MIN_CHUNKS
        folder = Path(cache_dir) / cache_key(chunks) if cache_dir is not None and use_cache else None
        if folder is not None and self._load(folder):
            return
        tokenised = [content_terms(searchable_text(chunk)) for chunk in self.chunks.values()]
        frequencies: Counter[str] = Counter()
        for terms in tokenised:
            frequencies.update(set(terms))
        total = max(len(chunks), 1)
        self.idf = {term: math.log(1 + (total - df + 0.5) / (df + 0.5)) for term, df in frequencies.items()}
        self.unknown_idf = math.log(1 + (total + 0.5) / 0.5)
        if chunks:
            self._bm25 = _bm25().BM25()
            self._bm25.index([terms or [""] for terms in tokenised], show_progress=False)
        if folder is not None:
            self._save(folder)

    def _load(self, folder: Path) -> bool:
        """Read a saved index; False when there is none (or it cannot be read)."""
        try:
            saved = json.loads((folder / "idf.json").read_text(encoding="utf-8"))
            self._bm25 = _bm25().BM25.load(folder / "bm25", show_progress=False)
        except (OSError, ValueError, KeyError):
            return False
        self.idf, self.unknown_idf = saved["idf"], saved["unknown_idf"]
        return True

    def _save(self, folder: Path) -> None:
        """Write the index next to older ones atomically, then remove the older ones (best effort)."""
        try:
            folder.parent.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=".lexical-", dir=folder.parent))
            self._bm25.save(staging / "bm25", show_progress=False)
            saved = {"idf": self.idf, "unknown_idf": self.unknown_idf}
            (staging / "idf.json").write_text(json.dumps(saved), encoding="utf-8")
            os.replace(staging, folder)
        except OSError:
            return
        for other in folder.parent.iterdir():
            if other != folder and other.is_dir():
                shutil.rmtree(other, ignore_errors=True)

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

    def terms_of(self, text: str) -> frozenset[str]:
        """The content terms of a text, remembered (answers score the same sentences again and again)."""
        terms = self._terms.get(text)
        if terms is None:
            terms = frozenset(content_terms(text))
            with self._terms_lock:
                if len(self._terms) >= TERM_MEMO_SIZE:
                    self._terms.clear()
                self._terms[text] = terms
        return terms

    def overlap(self, query_terms: Sequence[str], text: str) -> float:
        """IDF-weighted share (0-1) of the query's terms that a text contains."""
        wanted = set(query_terms)
        if not wanted:
            return 0.0
        present = self.terms_of(text) & wanted
        return sum(self.weight(term) for term in present) / sum(self.weight(term) for term in wanted)

    def unknown_share(self, query_terms: Sequence[str]) -> float:
        """IDF-weighted share (0-1) of the query's terms that no indexed passage uses."""
        wanted = set(query_terms)
        if not wanted:
            return 0.0
        unknown = [term for term in wanted if term not in self.idf]
        return sum(self.weight(term) for term in unknown) / sum(self.weight(term) for term in wanted)
