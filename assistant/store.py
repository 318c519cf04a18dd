"""The Chroma index: one collection of chunks (passages) and one of their sentences, with vectors.

Embedded (``PersistentClient`` in the data folder) by default; a Chroma server when ``chroma_url`` is
set, so that several app processes can share one index.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import numpy as np

from assistant.settings import Settings

HNSW = {"hnsw": {"space": "cosine"}}
WRITE_BATCH = 500


class IndexMismatchError(RuntimeError):
    """The index on disk was built with another embedding model."""


@dataclass(frozen=True)
class StoredChunk:
    """A chunk as the index holds it."""

    id: str
    doc: str
    title: str
    section: str | None
    text: str
    start: int
    end: int
    index: int


@dataclass(frozen=True)
class StoredSentence:
    """A quotable sentence or list item of a stored chunk, with its vector."""

    id: str
    chunk_id: str
    doc: str
    text: str
    start: int
    end: int
    position: int
    kind: str
    block: int
    vector: np.ndarray


def open_client(settings: Settings) -> Any:
    """Open Chroma: the server at ``settings.chroma_url`` if set, else the embedded index, telemetry off."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        return chromadb.HttpClient(
            host=url.hostname or "127.0.0.1",
            port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https",
            settings=chroma_settings,
        )
    settings.chroma_path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings)


def chunk_metadata(chunk: StoredChunk, doc_hash: str, doc_chunks: int) -> dict[str, Any]:
    """Chroma metadata for a chunk; ``doc_hash``/``doc_chunks`` let ingest tell a complete document."""
    return {
        "doc": chunk.doc,
        "title": chunk.title,
        "section": chunk.section or "",
        "start": chunk.start,
        "end": chunk.end,
        "index": chunk.index,
        "doc_hash": doc_hash,
        "doc_chunks": doc_chunks,
    }


class GuidanceIndex:
    """The chunk and sentence collections of one corpus."""

    def __init__(self, client: Any, prefix: str, embedding_model: str) -> None:
        """Open (or create) the collections ``{prefix}_chunks`` and ``{prefix}_sentences``.

        Raises:
            IndexMismatchError: when the index was built with another embedding model.
        """
        self.client = client
        self.prefix = prefix
        self.embedding_model = embedding_model
        self.chunks = self._collection("chunks")
        self.sentences = self._collection("sentences")
        built_with = (self.chunks.metadata or {}).get("embedding_model")
        if built_with and built_with != embedding_model:
            raise IndexMismatchError(
                f"the index was built with the embedding model {built_with!r}, not {embedding_model!r}: "
                "run `assistant ingest --rebuild`"
            )

    def _collection(self, kind: str) -> Any:
        return self.client.get_or_create_collection(
            f"{self.prefix}_{kind}",
            configuration=HNSW,
            metadata={"embedding_model": self.embedding_model},
            embedding_function=None,
        )

    def reset(self) -> None:
        """Delete every chunk and sentence (``ingest --rebuild``)."""
        for kind in ("chunks", "sentences"):
            try:
                self.client.delete_collection(f"{self.prefix}_{kind}")
            except Exception:  # noqa: BLE001 - a missing collection is already reset
                pass
        self.chunks = self._collection("chunks")
        self.sentences = self._collection("sentences")

    def count(self) -> int:
        """Number of chunks in the index."""
        return int(self.chunks.count())

    def document_hashes(self) -> dict[str, str]:
        """Content hash of every *complete* document in the index (all its chunks present)."""
        records = self.chunks.get(include=["metadatas"])
        seen: dict[str, tuple[str, int, int]] = {}
        for meta in records["metadatas"] or []:
            doc, doc_hash, expected = str(meta["doc"]), str(meta["doc_hash"]), int(meta["doc_chunks"])
            known = seen.get(doc)
            if known is None:
                seen[doc] = (doc_hash, expected, 1)
            elif known[0] == doc_hash:
                seen[doc] = (doc_hash, expected, known[2] + 1)
            else:
                seen[doc] = ("", expected, -1)  # mixed hashes: stale
        return {doc: h for doc, (h, expected, n) in seen.items() if h and n == expected}

    def documents(self) -> list[str]:
        """Every document with at least one chunk in the index, complete or not."""
        records = self.chunks.get(include=["metadatas"])
        return sorted({str(meta["doc"]) for meta in records["metadatas"] or []})

    def delete_document(self, doc: str) -> None:
        """Remove a document's chunks and sentences."""
        self.chunks.delete(where={"doc": doc})
        self.sentences.delete(where={"doc": doc})

    def add_document(
        self,
        chunks: Sequence[StoredChunk],
        chunk_vectors: np.ndarray,
        sentences: Sequence[StoredSentence],
        doc_hash: str,
    ) -> None:
        """Write one document: sentences first, chunks last, so a crash leaves it visibly incomplete."""
        for batch in _batches(range(len(sentences)), WRITE_BATCH):
            self.sentences.upsert(
                ids=[sentences[i].id for i in batch],
                embeddings=[sentences[i].vector for i in batch],
                documents=[sentences[i].text for i in batch],
                metadatas=[_sentence_metadata(sentences[i]) for i in batch],
            )
        for batch in _batches(range(len(chunks)), WRITE_BATCH):
            self.chunks.upsert(
                ids=[chunks[i].id for i in batch],
                embeddings=[chunk_vectors[i] for i in batch],
                documents=[chunks[i].text for i in batch],
                metadatas=[chunk_metadata(chunks[i], doc_hash, len(chunks)) for i in batch],
            )

    def load_chunks(self) -> list[StoredChunk]:
        """Every chunk, in document order (for the lexical index and the status page)."""
        records = self.chunks.get(include=["metadatas", "documents"])
        chunks = [
            _stored_chunk(chunk_id, text, meta)
            for chunk_id, text, meta in zip(
                records["ids"], records["documents"] or [], records["metadatas"] or [], strict=True
            )
        ]
        return sorted(chunks, key=lambda chunk: (chunk.doc, chunk.index))

    def query_chunks(self, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        """Nearest chunks to a query vector, as (chunk id, cosine similarity)."""
        if k <= 0 or self.count() == 0:
            return []
        result = self.chunks.query(query_embeddings=[vector], n_results=k, include=["distances"])
        return [(i, 1.0 - float(d)) for i, d in zip(result["ids"][0], result["distances"][0], strict=True)]

    def query_sentences(self, vector: np.ndarray, k: int) -> list[tuple[str, str, float]]:
        """Nearest sentences to a query vector, as (sentence id, chunk id, cosine similarity), best first."""
        if k <= 0 or self.count() == 0:
            return []
        result = self.sentences.query(
            query_embeddings=[vector], n_results=k, include=["distances", "metadatas"]
        )
        return [
            (sentence_id, str(meta["chunk_id"]), 1.0 - float(d))
            for sentence_id, meta, d in zip(
                result["ids"][0], result["metadatas"][0], result["distances"][0], strict=True
            )
        ]

    def sentences_of(
        self, chunk_ids: Sequence[str], sentence_ids: Sequence[str] = ()
    ) -> list[StoredSentence]:
        """Every sentence of the given chunks, plus the given sentences, with their vectors (no repeats)."""
        include = ["metadatas", "documents", "embeddings"]
        found: dict[str, StoredSentence] = {}
        batches = []
        if chunk_ids:
            batches.append(self.sentences.get(where={"chunk_id": {"$in": list(chunk_ids)}}, include=include))
        if sentence_ids:
            batches.append(self.sentences.get(ids=list(sentence_ids), include=include))
        for records in batches:
            for sentence_id, text, meta, vector in zip(
                records["ids"], records["documents"], records["metadatas"], records["embeddings"], strict=True
            ):
                found[sentence_id] = StoredSentence(
                    id=sentence_id,
                    chunk_id=str(meta["chunk_id"]),
                    doc=str(meta["doc"]),
                    text=text,
                    start=int(meta["start"]),
                    end=int(meta["end"]),
                    position=int(meta["position"]),
                    kind=str(meta["kind"]),
                    block=int(meta["block"]),
                    vector=np.asarray(vector, dtype=np.float32),
                )
        return list(found.values())


def _sentence_metadata(sentence: StoredSentence) -> dict[str, Any]:
    return {
        "doc": sentence.doc,
        "chunk_id": sentence.chunk_id,
        "start": sentence.start,
        "end": sentence.end,
        "position": sentence.position,
        "kind": sentence.kind,
        "block": sentence.block,
    }


def _stored_chunk(chunk_id: str, text: str, meta: dict[str, Any]) -> StoredChunk:
    return StoredChunk(
        id=chunk_id,
        doc=str(meta["doc"]),
        title=str(meta["title"]),
        section=str(meta["section"]) or None,
        text=text,
        start=int(meta["start"]),
        end=int(meta["end"]),
        index=int(meta["index"]),
    )


def _batches(items: Iterable[int], size: int) -> Iterable[list[int]]:
    batch: list[int] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
