"""Incremental ingest: load → normalise → chunk → embed → store, skipping unchanged files by content hash.

Unchanged files are skipped without loading the embedding model, changed files are replaced, files
that left the corpus are removed, and a document is written sentences-first, chunks-last, so that an
interrupted ingest leaves it visibly incomplete and the next run redoes it: never duplicates.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from assistant.records import Chunk, Sentence
from assistant.settings import Settings
from assistant.text.loaders import DEFAULT_MAX_BYTES, SUPPORTED_SUFFIXES, DocumentError, load_text
from ingest.chunking import chunk_document
from ingest.manifest import fallback_title, load_manifest

INDEX_FORMAT = "8"
"""Bump when chunking or the stored records change, so that every document is redone on the next ingest."""

EMBED_BATCH_TEXTS = 4096
"""Texts (chunks and sentences) embedded per round: documents are embedded together, in fuller model
batches, and written to Chroma together, which takes big writes about twice as fast as small ones."""

HASH_PIECE_BYTES = 1 << 20
"""Bytes of a file read at a time while it is hashed."""

log = logging.getLogger(__name__)


class IngestLockedError(RuntimeError):
    """Another ingest is writing to the same index."""


@dataclass
class IngestReport:
    """What one ingest run did."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    chunks: int = 0
    seconds: float = 0.0

    @property
    def changed(self) -> bool:
        """Whether the index was written."""
        return bool(self.added or self.updated or self.removed)

    def summary(self) -> str:
        """One line for the terminal."""
        parts = [
            f"{len(self.added)} added",
            f"{len(self.updated)} updated",
            f"{len(self.removed)} removed",
            f"{len(self.unchanged)} unchanged",
        ]
        if self.skipped:
            parts.append(f"{len(self.skipped)} skipped")
        return f"Index: {self.chunks} chunks ({', '.join(parts)}) in {self.seconds:.1f} s"


def find_documents(corpus_dir: Path) -> list[Path]:
    """Every supported, non-hidden document file under the corpus folder, sorted."""
    return sorted(
        path
        for path in corpus_dir.rglob("*")
        if path.is_file()
        and path.suffix.lower() in SUPPORTED_SUFFIXES
        and not any(part.startswith(".") for part in path.relative_to(corpus_dir).parts)
    )


def read_corpus(corpus_dir: Path) -> Iterator[tuple[str, str, str]]:
    """Every readable document of a corpus folder as (name, title, text); unreadable ones are left out.

    For the eval's baseline and the bench, which cut or count the corpus outside the index.
    """
    manifest = load_manifest(corpus_dir / "manifest.yaml")
    for path in find_documents(corpus_dir):
        doc = path.relative_to(corpus_dir).as_posix()
        try:
            raw = load_text(path)
        except DocumentError:
            continue
        entry = manifest.entry(doc)
        yield doc, entry.title if entry else fallback_title(raw, doc), raw


def document_hash(data: bytes, title: str, settings: Settings) -> str:
    """Content hash of a file plus everything that changes how it is chunked."""
    return _finish_hash(hashlib.sha256(data), title, settings)


def _finish_hash(digest: Any, title: str, settings: Settings) -> str:
    digest.update(f"\0{title}\0{INDEX_FORMAT}\0{settings.chunk_max_chars}".encode())
    return str(digest.hexdigest())


def file_hash(path: Path, title: str, settings: Settings, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """``document_hash`` of a file, read a piece at a time, without reading one too big to load.

    Raises:
        DocumentError: when the file is larger than ``max_bytes`` or cannot be read.
    """
    digest = hashlib.sha256()
    try:
        if path.stat().st_size > max_bytes:
            raise DocumentError(f"{path.name}: the file is larger than {max_bytes:,} bytes")
        with path.open("rb") as handle:
            while piece := handle.read(HASH_PIECE_BYTES):
                digest.update(piece)
    except OSError as error:
        raise DocumentError(f"{path.name}: the file could not be read ({error.strerror or error})") from error
    return _finish_hash(digest, title, settings)


def _is_utf8(name: str) -> bool:
    """Whether a file name decoded from the file system is valid UTF-8 (Chroma refuses it otherwise)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def embedding_text(chunk: Chunk) -> str:
    """What is embedded for a chunk: its section heading gives the passage its context."""
    return f"{chunk.section}\n{chunk.text}" if chunk.section else chunk.text


def sentence_embedding_texts(chunks: list[Chunk]) -> list[str]:
    """What is embedded for each sentence of a document: the sentence with its context.

    A list item is read with the sentence that introduces its list ("…problems include:"), other
    sentences with their section heading, so that a short item such as "Lack of skills, especially
    in ICT" still carries what it is an example of.
    """
    texts: list[str] = []
    intro: str | None = None
    section: str | None = None
    for chunk in chunks:
        if chunk.section != section:
            section, intro = chunk.section, None
        for sentence in chunk.sentences:
            if sentence.kind == "list_item":
                context = intro or section
            else:
                context = section
                intro = sentence.text if sentence.text.endswith(":") else None
            texts.append(f"{context}: {sentence.text}" if context else sentence.text)
    return texts


@contextmanager
def ingest_lock(data_dir: Path) -> Iterator[None]:
    """Hold the data folder's ingest lock, refusing at once if another ingest holds it."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / "ingest.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IngestLockedError(
                "another ingest is running on this index; try again when it ends"
            ) from None
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def ingest_corpus(
    settings: Settings,
    index: Any,
    embeddings: Any,
    rebuild: bool = False,
    progress: bool = False,
) -> IngestReport:
    """Bring the index in line with the corpus folder.

    Args:
        settings: Where the corpus is and how to chunk it.
        index: A ``GuidanceIndex`` (or a fake with the same methods).
        embeddings: A ``SentenceEmbeddings`` (or fake); only used when a file changed.
        rebuild: Embed every document again, in place (the index keeps answering meanwhile), and
            remove what a killed ingest may have left; an index of another embedding model is
            dropped first.
        progress: Show a progress bar on the terminal.

    Returns:
        What was added, updated, removed, left unchanged or skipped (with the reason).
    """
    started = time.perf_counter()
    report = IngestReport()
    with ingest_lock(settings.data_dir):
        if rebuild and getattr(index, "built_with_other_model", False):
            index.reset()  # vectors of another model cannot stay: start afresh
        manifest = load_manifest(settings.manifest_path)
        files = _corpus_files(settings.corpus_dir, report)
        # A rebuild embeds every document again in place, so the index answers all along.
        complete, all_docs = index.document_states()
        indexed = {} if rebuild else complete
        existing = set(all_docs)
        removed = sorted(existing - set(files))
        if removed:
            index.delete_documents(removed)
            report.removed.extend(removed)
        pending = _changed_documents(files, manifest, indexed, index, settings, report)
        _write_documents(pending, index, embeddings, settings, existing, report, progress)
        if rebuild and hasattr(index, "remove_orphans"):
            index.remove_orphans()
        report.chunks = index.count()
        settings.corpus_record.write_text(
            str(settings.corpus_dir.resolve()), encoding="utf-8", errors="surrogateescape"
        )
    report.seconds = time.perf_counter() - started
    return report


def _corpus_files(corpus_dir: Path, report: IngestReport) -> dict[str, Path]:
    """Every document file of the corpus folder by name; names that are not UTF-8 are reported skipped."""
    files: dict[str, Path] = {}
    for path in find_documents(corpus_dir):
        doc = path.relative_to(corpus_dir).as_posix()
        if _is_utf8(doc):
            files[doc] = path
        else:
            shown = doc.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            report.skipped.append((shown, f"{path.name!a}: the file name is not valid UTF-8; rename it"))
    return files


def _changed_documents(
    files: dict[str, Path],
    manifest: Any,
    indexed: dict[str, str],
    index: Any,
    settings: Settings,
    report: IngestReport,
) -> list[tuple[str, Path, str, str | None]]:
    """The documents whose content hash is not the one indexed, as (name, path, hash, manifest title).

    Unchanged documents are reported so; a file that cannot be hashed is reported skipped and its
    document removed from the index.
    """
    pending: list[tuple[str, Path, str, str | None]] = []
    for doc, path in files.items():
        entry = manifest.entry(doc)
        title = entry.title if entry else None
        try:
            content_hash = file_hash(path, title or "", settings)
        except DocumentError as error:
            log.warning("skipped %s", error)
            report.skipped.append((doc, str(error)))
            index.delete_document(doc)
            continue
        if indexed.get(doc) == content_hash:
            report.unchanged.append(doc)
        else:
            pending.append((doc, path, content_hash, title))
    return pending


def _write_documents(
    pending: list[tuple[str, Path, str, str | None]],
    index: Any,
    embeddings: Any,
    settings: Settings,
    existing: set[str],
    report: IngestReport,
    progress: bool,
) -> None:
    """Load, chunk, embed and write the changed documents, ``EMBED_BATCH_TEXTS`` texts at a time.

    A file that cannot be loaded is reported skipped and its document removed from the index.
    """
    batch: list[tuple[str, str, list[Chunk]]] = []
    for doc, path, content_hash, title in _progress(pending, progress):
        try:
            raw = load_text(path)
        except DocumentError as error:
            log.warning("skipped %s", error)
            report.skipped.append((doc, str(error)))
            index.delete_document(doc)
            continue
        title = title or fallback_title(raw, doc)
        batch.append((doc, content_hash, chunk_document(doc, title, raw, max_chars=settings.chunk_max_chars)))
        if sum(len(chunks) + _sentence_count(chunks) for _, _, chunks in batch) >= EMBED_BATCH_TEXTS:
            _embed_and_store(batch, index, embeddings)
            _record_written(batch, existing, report)
            batch = []
    if batch:
        _embed_and_store(batch, index, embeddings)
        _record_written(batch, existing, report)


def built_from(settings: Settings) -> Path | None:
    """The corpus folder the index in ``settings.data_dir`` was last brought in line with, if known."""
    try:
        return Path(settings.corpus_record.read_text(encoding="utf-8", errors="surrogateescape"))
    except OSError:
        return None


def _sentence_count(chunks: list[Chunk]) -> int:
    return sum(len(chunk.sentences) for chunk in chunks)


def _embed_and_store(batch: list[tuple[str, str, list[Chunk]]], index: Any, embeddings: Any) -> None:
    """Embed a batch of documents together, then replace them in the index (see ``add_documents``)."""
    chunk_vectors = embeddings.encode([embedding_text(chunk) for _, _, chunks in batch for chunk in chunks])
    sentence_vectors = embeddings.encode(
        [text for _, _, chunks in batch for text in sentence_embedding_texts(chunks)]
    )
    documents = []
    chunk_start = sentence_start = 0
    for _, content_hash, chunks in batch:
        stored_chunks, stored_sentences = _records(chunks)
        vectors = sentence_vectors[sentence_start : sentence_start + len(stored_sentences)]
        stored_sentences = [
            replace(sentence, vector=vector)
            for sentence, vector in zip(stored_sentences, vectors, strict=True)
        ]
        documents.append(
            (
                stored_chunks,
                chunk_vectors[chunk_start : chunk_start + len(chunks)],
                stored_sentences,
                content_hash,
            )
        )
        chunk_start += len(chunks)
        sentence_start += len(stored_sentences)
    index.replace_documents([doc for doc, _, _ in batch], documents)


def _record_written(
    batch: list[tuple[str, str, list[Chunk]]], existing: set[str], report: IngestReport
) -> None:
    for doc, _, _ in batch:
        (report.updated if doc in existing else report.added).append(doc)


def _records(chunks: list[Chunk]) -> tuple[list[Chunk], list[Sentence]]:
    """Index records for a document's chunks and sentences (sentence vectors filled in later)."""
    stored_chunks: list[Chunk] = []
    stored_sentences: list[Sentence] = []
    for chunk in chunks:
        stored_chunks.append(replace(chunk, sentences=()))
        for position, sentence in enumerate(chunk.sentences):
            stored_sentences.append(
                replace(
                    sentence,
                    id=f"{chunk.id}:{position}",
                    chunk_id=chunk.id,
                    doc=chunk.doc,
                    position=position,
                )
            )
    return stored_chunks, stored_sentences


def _progress(items: list[Any], enabled: bool) -> Any:
    if not enabled or len(items) < 2:
        return items
    from tqdm import tqdm

    return tqdm(items, desc="Embedding documents", unit="doc")
