"""The Chroma index: one collection of chunks (passages) and one of their sentences, with vectors.

``GuidanceIndex`` keeps the two collections of one corpus in step and remembers, for a short while, what
answering asks of them again and again. Opening Chroma is in ``client``, the reads of a collection in
``reads``, the writes in ``writes``, and their batch sizes and memory limits in ``tuning``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from assistant.index.client import IndexMismatchError, IndexUnreadableError, open_client, open_collection
from assistant.index.reads import (
    document_states,
    fetch_sentences,
    nearest_chunks,
    nearest_sentences,
    orphan_sentences,
    read_all,
    sentence_counts,
    stored_chunks,
)
from assistant.index.tuning import NEAREST_FETCH, NEAREST_MEMO_SECONDS, SENTENCE_CACHE_SIZE
from assistant.index.writes import Document, delete_documents, delete_ids, ids_of_documents, write_documents
from assistant.records import Chunk, Sentence

__all__ = ["GuidanceIndex", "IndexMismatchError", "IndexUnreadableError", "open_client"]


class GuidanceIndex:
    """The chunk and sentence collections of one corpus."""

    def __init__(
        self, client: Any, prefix: str, embedding_model: str, allow_other_model: bool = False
    ) -> None:
        """Open (or create) the collections ``{prefix}_chunks`` and ``{prefix}_sentences``.

        ``allow_other_model`` opens an index built with another embedding model (for
        ``ingest --rebuild``, which then starts it afresh); ``built_with_other_model`` tells.

        Raises:
            IndexMismatchError: when the index was built with another embedding model (and that is
                not allowed).
        """
        self.client = client
        self.prefix = prefix
        self.embedding_model = embedding_model
        self.chunks = self._collection("chunks")
        self.sentences = self._collection("sentences")
        self._sentence_counts: dict[str, int] = {}
        self._sentence_cache: dict[str, Sentence] = {}
        self._nearest: dict[bytes, tuple[float, int, list[tuple[str, str, float]]]] = {}
        self._memo_lock = threading.Lock()
        built_with = (self.chunks.metadata or {}).get("embedding_model")
        self.built_with_other_model = bool(built_with and built_with != embedding_model)
        if self.built_with_other_model and not allow_other_model:
            raise IndexMismatchError(
                f"the index was built with the embedding model {built_with!r}, not {embedding_model!r}: "
                "run `assistant ingest --rebuild`"
            )

    def _collection(self, kind: str) -> Any:
        return open_collection(self.client, f"{self.prefix}_{kind}", self.embedding_model)

    def _collections(self) -> list[tuple[str, Any]]:
        return [("chunks", self.chunks), ("sentences", self.sentences)]

    def _forget(self) -> None:
        """Drop what is remembered of the index's contents (after any write)."""
        with self._memo_lock:
            self._sentence_counts.clear()
            self._sentence_cache.clear()
            self._nearest.clear()

    # -----------------------------------------------------------------------------------------------
    # Writes

    def reset(self) -> None:
        """Delete every chunk and sentence (``ingest --rebuild``)."""
        for kind in ("chunks", "sentences"):
            try:
                self.client.delete_collection(f"{self.prefix}_{kind}")
            except Exception:  # noqa: BLE001 - a missing collection is already reset
                pass
        self.chunks = self._collection("chunks")
        self.sentences = self._collection("sentences")
        self.built_with_other_model = False
        self._forget()

    def remove_orphans(self) -> int:
        """Delete sentences whose chunk is not in the index; returns how many.

        Only a killed ingest leaves such sentences (one whose document's file was then removed).
        """
        orphans = orphan_sentences(self.chunks, self.sentences)
        delete_ids(self.sentences, orphans)
        if orphans:
            self._forget()
        return len(orphans)

    def delete_document(self, doc: str) -> None:
        """Remove a document's chunks and sentences."""
        self.chunks.delete(where={"doc": doc})
        self.sentences.delete(where={"doc": doc})
        self._forget()

    def delete_documents(self, docs: Sequence[str]) -> None:
        """Remove the chunks and sentences of several documents, if they have any.

        Looks the records up first and deletes them by id: in a big index a delete by metadata filter
        costs tens of milliseconds even when nothing matches, which adds up over thousands of new files.
        """
        delete_documents((self.chunks, self.sentences), docs)
        self._forget()

    def replace_documents(self, docs: Sequence[str], documents: Sequence[Document]) -> None:
        """Write the new versions of ``docs`` (see ``add_documents``), then delete the rest of the old ones.

        The old version stays until the new one is written, so a killed ingest never takes a document
        out of the index: its chunks then carry two hashes, and the next ingest redoes it.
        """
        old = {kind: ids_of_documents(collection, docs) for kind, collection in self._collections()}
        self.add_documents(documents)
        new = {
            "chunks": {chunk.id for chunks, _, _, _ in documents for chunk in chunks},
            "sentences": {sentence.id for _, _, sentences, _ in documents for sentence in sentences},
        }
        for kind, collection in reversed(self._collections()):  # sentences first, chunks last
            delete_ids(collection, sorted(old[kind] - new[kind]))
        self._forget()

    def add_document(
        self,
        chunks: Sequence[Chunk],
        chunk_vectors: np.ndarray,
        sentences: Sequence[Sentence],
        doc_hash: str,
    ) -> None:
        """Write one document: sentences first, chunks last, so a crash leaves it visibly incomplete."""
        self.add_documents([(chunks, chunk_vectors, sentences, doc_hash)])

    def add_documents(self, documents: Sequence[Document]) -> None:
        """Write several documents, each given as (chunks, chunk vectors, sentences, doc hash).

        Every sentence is written before any chunk, so a crash leaves each unfinished document
        visibly incomplete (fewer chunks than its ``doc_chunks``) and the next ingest redoes it.
        """
        write_documents(self.chunks, self.sentences, documents)
        self._forget()

    # -----------------------------------------------------------------------------------------------
    # Reads

    def count(self) -> int:
        """Number of chunks in the index."""
        return int(self.chunks.count())

    def document_states(self) -> tuple[dict[str, str], list[str]]:
        """From one read of the chunk metadata: the content hash of every *complete* document (all its
        chunks present), and every document with at least one chunk, complete or not (sorted)."""
        return document_states(self.chunks)

    def document_hashes(self) -> dict[str, str]:
        """Content hash of every *complete* document in the index (all its chunks present)."""
        return self.document_states()[0]

    def documents(self) -> list[str]:
        """Every document with at least one chunk in the index, complete or not."""
        return self.document_states()[1]

    def load_chunks(self) -> list[Chunk]:
        """Every chunk, in document order (for the lexical index and the status page)."""
        records = read_all(self.chunks, ["metadatas", "documents"])
        counts = sentence_counts(records)
        self._forget()
        with self._memo_lock:
            self._sentence_counts = counts
        return stored_chunks(records)

    def chunk_vectors(self) -> tuple[list[str], np.ndarray]:
        """Every chunk's id and vector (rows in the same order)."""
        records = read_all(self.chunks, ["embeddings"])
        vectors = np.asarray(records["embeddings"], dtype=np.float32)
        return records["ids"], vectors.reshape(len(records["ids"]), -1)

    def query_chunks(self, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        """Nearest chunks to a query vector, as (chunk id, cosine similarity)."""
        if k <= 0:
            return []
        return nearest_chunks(self.chunks, vector, k)

    def query_sentences(self, vector: np.ndarray, k: int) -> list[tuple[str, str, float]]:
        """Nearest sentences to a query vector, as (sentence id, chunk id, cosine similarity), best first.

        The same vector asked again within ``NEAREST_MEMO_SECONDS`` for as many or fewer is answered
        from the first search: the HNSW search is the same for every k up to its ``ef_search`` (100),
        so the first k of a longer answer are the shorter answer.
        """
        if k <= 0:
            return []
        key = np.asarray(vector, dtype=np.float32).tobytes()
        now = time.monotonic()
        with self._memo_lock:
            memo = self._nearest.get(key)
        if memo and now - memo[0] < NEAREST_MEMO_SECONDS and (k <= memo[1] or len(memo[2]) < memo[1]):
            return memo[2][:k]
        fetch = max(k, NEAREST_FETCH)
        nearest = nearest_sentences(self.sentences, vector, fetch)
        with self._memo_lock:
            self._nearest = {
                old: entry for old, entry in self._nearest.items() if now - entry[0] < NEAREST_MEMO_SECONDS
            }
            self._nearest[key] = (now, fetch, nearest)
        return nearest[:k]

    def sentences_of(self, chunk_ids: Sequence[str], sentence_ids: Sequence[str] = ()) -> list[Sentence]:
        """Every sentence of the given chunks, plus the given sentences, with their vectors (no repeats).

        In document order (by chunk, then position). Sentences of chunks whose sentence count is known
        (from ``load_chunks``) are fetched by id, the rest by a metadata filter; fetched sentences are
        remembered (at most ``SENTENCE_CACHE_SIZE``) until the index is written to.
        """
        with self._memo_lock:
            counts = {
                chunk: self._sentence_counts[chunk] for chunk in chunk_ids if chunk in self._sentence_counts
            }
            wanted = [f"{chunk}:{position}" for chunk, count in counts.items() for position in range(count)]
            wanted += list(sentence_ids)
            found = {key: self._sentence_cache[key] for key in wanted if key in self._sentence_cache}
        unknown = [chunk_id for chunk_id in chunk_ids if chunk_id not in counts]
        missing = [sentence_id for sentence_id in dict.fromkeys(wanted) if sentence_id not in found]
        fetched = fetch_sentences(self.sentences, unknown, missing)
        if fetched:
            with self._memo_lock:
                if len(self._sentence_cache) + len(fetched) > SENTENCE_CACHE_SIZE:
                    self._sentence_cache.clear()
                self._sentence_cache.update(fetched)
        found.update(fetched)
        return sorted(found.values(), key=lambda sentence: (sentence.doc, sentence.start, sentence.position))
