"""Writes to the chunk and sentence collections, in batches: documents added (sentences first, chunks
last) and records deleted by id, with the metadata Chroma keeps for each record."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from assistant.index.tuning import DOCUMENT_LOOKUP_BATCH, WRITE_BATCH
from assistant.records import Chunk, Sentence

Document = tuple[Sequence[Chunk], np.ndarray, Sequence[Sentence], str]
"""A document as it is written: (chunks, chunk vectors, sentences with their vectors, doc hash)."""


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


def sentence_metadata(sentence: Sentence) -> dict[str, Any]:
    """Chroma metadata for a sentence: where it stands in its chunk and document."""
    return {
        "doc": sentence.doc,
        "chunk_id": sentence.chunk_id,
        "start": sentence.start,
        "end": sentence.end,
        "position": sentence.position,
        "kind": sentence.kind,
        "block": sentence.block,
        "column": sentence.column or "",
    }


def write_documents(chunks: Any, sentences: Any, documents: Sequence[Document]) -> None:
    """Upsert the sentences of every document, then their chunks, ``WRITE_BATCH`` records at a time."""
    all_sentences = [sentence for _, _, doc_sentences, _ in documents for sentence in doc_sentences]
    per_chunk: dict[str, int] = {}
    for sentence in all_sentences:
        per_chunk[sentence.chunk_id] = per_chunk.get(sentence.chunk_id, 0) + 1
    for batch in batches(range(len(all_sentences)), WRITE_BATCH):
        sentences.upsert(
            ids=[all_sentences[i].id for i in batch],
            embeddings=[all_sentences[i].vector for i in batch],
            documents=[all_sentences[i].text for i in batch],
            metadatas=[sentence_metadata(all_sentences[i]) for i in batch],
        )
    records = [
        (chunk, vector, chunk_metadata(chunk, doc_hash, len(doc_chunks), per_chunk.get(chunk.id, 0)))
        for doc_chunks, vectors, _, doc_hash in documents
        for chunk, vector in zip(doc_chunks, vectors, strict=True)
    ]
    for batch in batches(range(len(records)), WRITE_BATCH):
        chunks.upsert(
            ids=[records[i][0].id for i in batch],
            embeddings=[records[i][1] for i in batch],
            documents=[records[i][0].text for i in batch],
            metadatas=[records[i][2] for i in batch],
        )


def ids_of_documents(collection: Any, docs: Sequence[str]) -> set[str]:
    """The ids of a collection's records of the given documents."""
    ids: set[str] = set()
    for batch in batches(range(len(docs)), DOCUMENT_LOOKUP_BATCH):
        ids.update(collection.get(where={"doc": {"$in": [docs[i] for i in batch]}}, include=[])["ids"])
    return ids


def delete_documents(collections: Sequence[Any], docs: Sequence[str]) -> None:
    """Delete the records of several documents from each collection, looked up first and deleted by id.

    In a big index a delete by metadata filter costs tens of milliseconds even when nothing matches,
    which adds up over thousands of new files.
    """
    for batch in batches(range(len(docs)), DOCUMENT_LOOKUP_BATCH):
        names = [docs[i] for i in batch]
        for collection in collections:
            delete_ids(collection, collection.get(where={"doc": {"$in": names}}, include=[])["ids"])


def delete_ids(collection: Any, ids: Sequence[str]) -> None:
    """Delete records by id, ``WRITE_BATCH`` at a time."""
    for batch in batches(range(len(ids)), WRITE_BATCH):
        collection.delete(ids=[ids[i] for i in batch])


def batches(items: Iterable[int], size: int) -> Iterable[list[int]]:
    """The items in lists of ``size`` (the last may be shorter)."""
    batch: list[int] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
