"""The Chroma index: one collection of chunks (passages) and one of their sentences, with vectors.

Embedded (``PersistentClient`` in the data folder) by default; a Chroma server when ``chroma_url`` is
set, so that several app processes can share one index.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlparse

import numpy as np

from assistant.settings import Settings

HNSW = {"hnsw": {"space": "cosine"}}
WRITE_BATCH = 5000
"""Records per write: Chroma writes big batches about twice as fast as batches of 500."""

NEAREST_MEMO_SECONDS = 2.0
"""How long the nearest sentences of a query vector are remembered: the retriever and the answer step
ask for them within milliseconds of each other, so one search serves both."""

NEAREST_FETCH = 40
"""A sentence search fetches at least this many, the answer step's ``NEAREST_SENTENCES``, so that the
retriever's search (fewer) and the answer step's are one."""

READ_PAGE = 5000
"""Records per read of a whole collection: one unpaged read of ~50,000 records or more fails in Chroma's
SQLite ("too many SQL variables")."""

SENTENCE_CACHE_SIZE = 20_000
"""Most sentences (with their vectors, ~1.6 KB each) kept in memory once fetched for an answer."""


class IndexMismatchError(RuntimeError):
    """The index on disk was built with another embedding model."""


class IndexUnreadableError(RuntimeError):
    """The embedded index cannot be opened (its database is damaged, or of another Chroma version)."""




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
    try:
        return chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings)
    except Exception as error:  # Chroma reports a damaged database with several error types
        raise IndexUnreadableError(
            f"the index in {settings.chroma_path} cannot be opened ({' '.join(str(error).split())}): "
            "move that folder away and run `assistant ingest` to build the index again"
        ) from error


def chunk_metadata(
    chunk: Chunk, doc_hash: str, doc_chunks: int, sentences: int | None = None
) -> dict[str, Any]:
    """Chroma metadata for a chunk; ``doc_hash``/``doc_chunks`` let ingest tell a complete document.

    ``sentences`` (how many the chunk has, ids ``{chunk id}:0`` onwards) lets the answer step fetch a
    chunk's sentences by id, much faster than by a metadata filter in a big index.
    """
    metadata = {
        "doc": chunk.doc,
        "title": chunk.title,
        "section": chunk.section or "",
        "start": chunk.start,
        "end": chunk.end,
        "index": chunk.index,
        "doc_hash": doc_hash,
        "doc_chunks": doc_chunks,
    }
    if sentences is not None:
        metadata["sentences"] = sentences
    return metadata


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
        self.built_with_other_model = False
        self._forget()

    def remove_orphans(self) -> int:
        """Delete sentences whose chunk is not in the index; returns how many.

        Only a killed ingest leaves such sentences (one whose document's file was then removed).
        """
        chunk_ids = set(read_all(self.chunks, [])["ids"])
        records = read_all(self.sentences, ["metadatas"])
        orphans = [
            sentence_id
            for sentence_id, meta in zip(records["ids"], records["metadatas"] or [], strict=True)
            if meta is None or str(meta.get("chunk_id")) not in chunk_ids
        ]
        for batch in _batches(range(len(orphans)), WRITE_BATCH):
            self.sentences.delete(ids=[orphans[i] for i in batch])
        if orphans:
            self._forget()
        return len(orphans)

    def _forget(self) -> None:
        """Drop what is remembered of the index's contents (after any write)."""
        with self._memo_lock:
            self._sentence_counts.clear()
            self._sentence_cache.clear()
            self._nearest.clear()

    def count(self) -> int:
        """Number of chunks in the index."""
        return int(self.chunks.count())

    def document_states(self) -> tuple[dict[str, str], list[str]]:
        """From one read of the chunk metadata: the content hash of every *complete* document (all its
        chunks present), and every document with at least one chunk, complete or not (sorted)."""
        records = read_all(self.chunks, ["metadatas"])
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
        complete = {doc: h for doc, (h, expected, n) in seen.items() if h and n == expected}
        return complete, sorted(seen)

    def document_hashes(self) -> dict[str, str]:
        """Content hash of every *complete* document in the index (all its chunks present)."""
        return self.document_states()[0]

    def documents(self) -> list[str]:
        """Every document with at least one chunk in the index, complete or not."""
        return self.document_states()[1]

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
        for batch in _batches(range(len(docs)), 500):
            names = [docs[i] for i in batch]
            for collection in (self.chunks, self.sentences):
                ids = collection.get(where={"doc": {"$in": names}}, include=[])["ids"]
                for id_batch in _batches(range(len(ids)), WRITE_BATCH):
                    collection.delete(ids=[ids[i] for i in id_batch])
        self._forget()

    def replace_documents(
        self,
        docs: Sequence[str],
        documents: Sequence[tuple[Sequence[Chunk], np.ndarray, Sequence[Sentence], str]],
    ) -> None:
        """Write the new versions of ``docs`` (see ``add_documents``), then delete the rest of the old ones.

        The old version stays until the new one is written, so a killed ingest never takes a document
        out of the index: its chunks then carry two hashes, and the next ingest redoes it.
        """
        old = {kind: self._ids_of(collection, docs) for kind, collection in self._collections()}
        self.add_documents(documents)
        new = {
            "chunks": {chunk.id for chunks, _, _, _ in documents for chunk in chunks},
            "sentences": {sentence.id for _, _, sentences, _ in documents for sentence in sentences},
        }
        for kind, collection in reversed(self._collections()):  # sentences first, chunks last
            stale = sorted(old[kind] - new[kind])
            for batch in _batches(range(len(stale)), WRITE_BATCH):
                collection.delete(ids=[stale[i] for i in batch])
        self._forget()

    def _collections(self) -> list[tuple[str, Any]]:
        return [("chunks", self.chunks), ("sentences", self.sentences)]

    @staticmethod
    def _ids_of(collection: Any, docs: Sequence[str]) -> set[str]:
        ids: set[str] = set()
        for batch in _batches(range(len(docs)), 500):
            ids.update(collection.get(where={"doc": {"$in": [docs[i] for i in batch]}}, include=[])["ids"])
        return ids

    def add_document(
        self,
        chunks: Sequence[Chunk],
        chunk_vectors: np.ndarray,
        sentences: Sequence[Sentence],
        doc_hash: str,
    ) -> None:
        """Write one document: sentences first, chunks last, so a crash leaves it visibly incomplete."""
        self.add_documents([(chunks, chunk_vectors, sentences, doc_hash)])

    def add_documents(
        self, documents: Sequence[tuple[Sequence[Chunk], np.ndarray, Sequence[Sentence], str]]
    ) -> None:
        """Write several documents, each given as (chunks, chunk vectors, sentences, doc hash).

        Every sentence is written before any chunk, so a crash leaves each unfinished document
        visibly incomplete (fewer chunks than its ``doc_chunks``) and the next ingest redoes it.
        """
        sentences = [sentence for _, _, doc_sentences, _ in documents for sentence in doc_sentences]
        per_chunk: dict[str, int] = {}
        for sentence in sentences:
            per_chunk[sentence.chunk_id] = per_chunk.get(sentence.chunk_id, 0) + 1
        for batch in _batches(range(len(sentences)), WRITE_BATCH):
            self.sentences.upsert(
                ids=[sentences[i].id for i in batch],
                embeddings=[sentences[i].vector for i in batch],
                documents=[sentences[i].text for i in batch],
                metadatas=[_sentence_metadata(sentences[i]) for i in batch],
            )
        records = [
            (chunk, vector, chunk_metadata(chunk, doc_hash, len(chunks), per_chunk.get(chunk.id, 0)))
            for chunks, vectors, _, doc_hash in documents
            for chunk, vector in zip(chunks, vectors, strict=True)
        ]
        for batch in _batches(range(len(records)), WRITE_BATCH):
            self.chunks.upsert(
                ids=[records[i][0].id for i in batch],
                embeddings=[records[i][1] for i in batch],
                documents=[records[i][0].text for i in batch],
                metadatas=[records[i][2] for i in batch],
            )
        self._forget()

    def load_chunks(self) -> list[Chunk]:
        """Every chunk, in document order (for the lexical index and the status page)."""
        records = read_all(self.chunks, ["metadatas", "documents"])
        counts = {
            chunk_id: int(meta["sentences"])
            for chunk_id, meta in zip(records["ids"], records["metadatas"] or [], strict=True)
            if "sentences" in meta
        }
        self._forget()
        with self._memo_lock:
            self._sentence_counts = counts
        chunks = [
            _stored_chunk(chunk_id, text, meta)
            for chunk_id, text, meta in zip(
                records["ids"], records["documents"] or [], records["metadatas"] or [], strict=True
            )
        ]
        return sorted(chunks, key=lambda chunk: (chunk.doc, chunk.index))

    def query_chunks(self, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        """Nearest chunks to a query vector, as (chunk id, cosine similarity)."""
        if k <= 0:
            return []
        result = self.chunks.query(query_embeddings=[vector], n_results=k, include=["distances"])
        return [(i, 1.0 - float(d)) for i, d in zip(result["ids"][0], result["distances"][0], strict=True)]

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
        result = self.sentences.query(
            query_embeddings=[vector], n_results=fetch, include=["distances", "metadatas"]
        )
        nearest = [
            (sentence_id, str(meta["chunk_id"]), 1.0 - float(d))
            for sentence_id, meta, d in zip(
                result["ids"][0], result["metadatas"][0], result["distances"][0], strict=True
            )
            if meta is not None  # None: deleted since this process loaded the vectors (another ingest)
        ]
        with self._memo_lock:
            self._nearest = {
                old: entry for old, entry in self._nearest.items() if now - entry[0] < NEAREST_MEMO_SECONDS
            }
            self._nearest[key] = (now, fetch, nearest)
        return nearest[:k]

    def sentences_of(
        self, chunk_ids: Sequence[str], sentence_ids: Sequence[str] = ()
    ) -> list[Sentence]:
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
        include = ["metadatas", "documents", "embeddings"]
        batches = []
        unknown = [chunk_id for chunk_id in chunk_ids if chunk_id not in counts]
        if unknown:
            batches.append(self.sentences.get(where={"chunk_id": {"$in": unknown}}, include=include))
        missing = [sentence_id for sentence_id in dict.fromkeys(wanted) if sentence_id not in found]
        if missing:
            batches.append(self.sentences.get(ids=missing, include=include))
        fetched: dict[str, Sentence] = {}
        for records in batches:
            for sentence_id, text, meta, vector in zip(
                records["ids"], records["documents"], records["metadatas"], records["embeddings"], strict=True
            ):
                fetched[sentence_id] = Sentence(
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
        if fetched:
            with self._memo_lock:
                if len(self._sentence_cache) + len(fetched) > SENTENCE_CACHE_SIZE:
                    self._sentence_cache.clear()
                self._sentence_cache.update(fetched)
        found.update(fetched)
        return sorted(found.values(), key=lambda sentence: (sentence.doc, sentence.start, sentence.position))


def read_all(collection: Any, include: list[str]) -> dict[str, list[Any]]:
    """Every record of a collection (ids and the ``include`` fields), read ``READ_PAGE`` at a time."""
    records: dict[str, list[Any]] = {"ids": [], **{field: [] for field in include}}
    while True:
        page = collection.get(include=include, limit=READ_PAGE, offset=len(records["ids"]))
        for field in records:
            records[field].extend(page[field] or [])
        if len(page["ids"]) < READ_PAGE:
            return records


def _sentence_metadata(sentence: Sentence) -> dict[str, Any]:
    return {
        "doc": sentence.doc,
        "chunk_id": sentence.chunk_id,
        "start": sentence.start,
        "end": sentence.end,
        "position": sentence.position,
        "kind": sentence.kind,
        "block": sentence.block,
    }


def _stored_chunk(chunk_id: str, text: str, meta: dict[str, Any]) -> Chunk:
    return Chunk(
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
