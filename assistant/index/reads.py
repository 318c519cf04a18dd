"""Reads of the chunk and sentence collections: whole collections a page at a time, nearest neighbours,
sentences by chunk or id, and the records the index returns for what Chroma holds."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from assistant.index.tuning import READ_PAGE
from assistant.records import Chunk, Sentence


def read_all(collection: Any, include: list[str]) -> dict[str, list[Any]]:
    """Every record of a collection (ids and the ``include`` fields), read ``READ_PAGE`` at a time."""
    records: dict[str, list[Any]] = {"ids": [], **{field: [] for field in include}}
    while True:
        page = collection.get(include=include, limit=READ_PAGE, offset=len(records["ids"]))
        for field in records:
            values = page[field]
            records[field].extend([] if values is None else values)
        if len(page["ids"]) < READ_PAGE:
            return records


def document_states(chunks: Any) -> tuple[dict[str, str], list[str]]:
    """From one read of the chunk metadata: the content hash of every *complete* document (all its
    chunks present), and every document with at least one chunk, complete or not (sorted)."""
    records = read_all(chunks, ["metadatas"])
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


def orphan_sentences(chunks: Any, sentences: Any) -> list[str]:
    """The ids of the sentences whose chunk is not in the chunk collection."""
    chunk_ids = set(read_all(chunks, [])["ids"])
    records = read_all(sentences, ["metadatas"])
    return [
        sentence_id
        for sentence_id, meta in zip(records["ids"], records["metadatas"] or [], strict=True)
        if meta is None or str(meta.get("chunk_id")) not in chunk_ids
    ]


def sentence_counts(records: dict[str, list[Any]]) -> dict[str, int]:
    """How many sentences each chunk of a read of the chunk collection has (where its metadata says)."""
    return {
        chunk_id: int(meta["sentences"])
        for chunk_id, meta in zip(records["ids"], records["metadatas"] or [], strict=True)
        if "sentences" in meta
    }


def stored_chunks(records: dict[str, list[Any]]) -> list[Chunk]:
    """The chunks of a read of the chunk collection, in document order."""
    chunks = [
        stored_chunk(chunk_id, text, meta)
        for chunk_id, text, meta in zip(
            records["ids"], records["documents"] or [], records["metadatas"] or [], strict=True
        )
    ]
    return sorted(chunks, key=lambda chunk: (chunk.doc, chunk.index))


def stored_chunk(chunk_id: str, text: str, meta: dict[str, Any]) -> Chunk:
    """A chunk as the index holds it (without its sentences)."""
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


def nearest_chunks(chunks: Any, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
    """The ``k`` nearest chunks to a query vector, as (chunk id, cosine similarity)."""
    result = chunks.query(query_embeddings=[vector], n_results=k, include=["distances"])
    return [(i, 1.0 - float(d)) for i, d in zip(result["ids"][0], result["distances"][0], strict=True)]


def nearest_sentences(sentences: Any, vector: np.ndarray, k: int) -> list[tuple[str, str, float]]:
    """The ``k`` nearest sentences to a query vector, as (sentence id, chunk id, cosine similarity)."""
    result = sentences.query(query_embeddings=[vector], n_results=k, include=["distances", "metadatas"])
    return [
        (sentence_id, str(meta["chunk_id"]), 1.0 - float(d))
        for sentence_id, meta, d in zip(
            result["ids"][0], result["metadatas"][0], result["distances"][0], strict=True
        )
        if meta is not None  # None: deleted since this process loaded the vectors (another ingest)
    ]


def fetch_sentences(
    sentences: Any, chunk_ids: Sequence[str], sentence_ids: Sequence[str]
) -> dict[str, Sentence]:
    """The sentences of the given chunks (by a metadata filter) and the given sentences (by id), by id."""
    include = ["metadatas", "documents", "embeddings"]
    pages = []
    if chunk_ids:
        pages.append(sentences.get(where={"chunk_id": {"$in": list(chunk_ids)}}, include=include))
    if sentence_ids:
        pages.append(sentences.get(ids=list(sentence_ids), include=include))
    fetched: dict[str, Sentence] = {}
    for records in pages:
        for sentence_id, text, meta, vector in zip(
            records["ids"], records["documents"], records["metadatas"], records["embeddings"], strict=True
        ):
            fetched[sentence_id] = stored_sentence(sentence_id, text, meta, vector)
    return fetched


def stored_sentence(sentence_id: str, text: str, meta: dict[str, Any], vector: Any) -> Sentence:
    """A sentence as the index holds it, with its vector."""
    return Sentence(
        id=sentence_id,
        chunk_id=str(meta["chunk_id"]),
        doc=str(meta["doc"]),
        text=text,
        start=int(meta["start"]),
        end=int(meta["end"]),
        position=int(meta["position"]),
        kind=str(meta["kind"]),
        block=int(meta["block"]),
        column=meta.get("column") or None,
        vector=np.asarray(vector, dtype=np.float32),
    )
