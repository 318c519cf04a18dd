"""The naive quickstart pipeline the eval compares ours against.

Each document's raw text is cut by LangChain's ``RecursiveCharacterTextSplitter`` (1,000 characters,
200 overlap), embedded with the same model, and the 4 nearest chunks (cosine, in-memory Chroma) are
the answer, each chunk its own citation. It never refuses and has no conversation memory: it sees
only the last question of a conversation. Each chunk is labelled with the ingest's section that
covers most of it, so section-level retrieval can be scored on the same terms as ours.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.records import Answer, Chunk, Citation
from eval.metrics import collapse
from eval.results import PipelineOutput
from ingest.chunking import chunk_document
from ingest.pipeline import read_corpus

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200
TOP_K = 4


def section_spans(doc: str, raw: str) -> list[tuple[int, int, str | None]]:
    """The (start, end, section) spans of the ingest's chunks of a document."""
    return [(chunk.start, chunk.end, chunk.section) for chunk in chunk_document(doc, doc, raw)]


def section_of(start: int, end: int, spans: Sequence[tuple[int, int, str | None]]) -> str | None:
    """The section that covers most of ``[start, end)``; without overlap, the section before ``start``."""
    overlap: dict[str | None, int] = {}
    for span_start, span_end, section in spans:
        shared = min(end, span_end) - max(start, span_start)
        if shared > 0:
            overlap[section] = overlap.get(section, 0) + shared
    if overlap:
        return max(overlap, key=lambda section: overlap[section])
    before = [section for span_start, _, section in spans if span_start <= start]
    return before[-1] if before else None


def split_corpus(corpus_dir: Path) -> list[Chunk]:
    """Cut every readable corpus document the quickstart way; unreadable documents are left out."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    splitter = RecursiveCharacterTextSplitter(
        chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP, add_start_index=True
    )
    chunks: list[Chunk] = []
    for doc, title, raw in read_corpus(corpus_dir):
        spans = section_spans(doc, raw)
        for number, piece in enumerate(splitter.create_documents([raw])):
            start = int(piece.metadata["start_index"])
            if start < 0:
                continue
            end = start + len(piece.page_content)
            chunks.append(
                Chunk(
                    f"{doc}#{number}",
                    doc,
                    title,
                    section_of(start, end, spans),
                    piece.page_content,
                    start,
                    end,
                )
            )
    return chunks


class BaselinePipeline:
    """Dense top-4 over naive chunks in an in-memory Chroma collection; the answer is the chunks."""

    name = "baseline"
    description = "naive quickstart: 1000/200 character chunks, dense top-4, chunks as the answer"

    def __init__(self, corpus_dir: Path, embeddings: Any, k: int = TOP_K) -> None:
        """Split and embed the corpus into a fresh in-memory collection.

        Args:
            corpus_dir: The corpus folder.
            embeddings: Anything with ``encode(list[str]) -> np.ndarray`` of normalised rows.
            k: Chunks per answer.
        """
        import chromadb
        from chromadb.config import Settings as ChromaSettings

        self.embeddings = embeddings
        self.k = k
        self.chunks = {chunk.id: chunk for chunk in split_corpus(corpus_dir)}
        client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
        self.collection = client.create_collection(
            f"eval-baseline-{uuid.uuid4().hex}",
            configuration={"hnsw": {"space": "cosine"}},
            embedding_function=None,
        )
        if self.chunks:
            vectors = embeddings.encode([chunk.text for chunk in self.chunks.values()])
            self.collection.add(
                ids=list(self.chunks),
                embeddings=vectors.tolist(),
                documents=[chunk.text for chunk in self.chunks.values()],
            )

    def nearest(self, question: str, k: int) -> list[Chunk]:
        """The ``k`` chunks nearest to a question, best first."""
        if not self.chunks:
            return []
        vector = self.embeddings.encode([question])[0]
        hits = self.collection.query(
            query_embeddings=[vector.tolist()], n_results=min(k, len(self.chunks)), include=[]
        )
        return [self.chunks[chunk_id] for chunk_id in hits["ids"][0]]

    def answer(self, questions: Sequence[str]) -> PipelineOutput:
        """Answer the last question with the ``k`` nearest chunks, joined, each with its ``[n]`` marker."""
        question = questions[-1]
        started = time.perf_counter()
        found = self.nearest(question, self.k)
        citations = [
            Citation(
                n=n,
                doc=chunk.doc,
                title=chunk.title,
                section=chunk.section,
                quote=collapse(chunk.text),
                start=chunk.start,
                end=chunk.end,
                score=0.0,
            )
            for n, chunk in enumerate(found, start=1)
        ]
        text = "\n\n".join(f"{citation.quote} [{citation.n}]" for citation in citations)
        total = (time.perf_counter() - started) * 1000
        answer = Answer(
            question=question, answer=text, abstained=False, citations=citations, timings_ms={"total": total}
        )
        return PipelineOutput(answer, [(chunk.doc, chunk.section) for chunk in found])
