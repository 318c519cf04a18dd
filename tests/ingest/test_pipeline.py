"""Incremental ingest into a real (embedded) Chroma with fake embeddings."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from assistant.index.store import GuidanceIndex, open_client
from assistant.settings import Settings
from ingest.pipeline import IngestLockedError, ingest_corpus, ingest_lock


def open_index(settings: Settings) -> GuidanceIndex:
    return GuidanceIndex(open_client(settings), settings.collection, "fake")


def test_first_ingest_indexes_every_document(settings: Settings, fake_embeddings) -> None:
    report = ingest_corpus(settings, open_index(settings), fake_embeddings)
    assert len(report.added) == 5 and not report.skipped
    assert report.chunks > 40
    index = open_index(settings)
    assert set(index.document_hashes()) == {path.name for path in settings.corpus_dir.glob("*.txt")}


def test_unchanged_corpus_embeds_nothing_and_keeps_the_count(settings: Settings, fake_embeddings) -> None:
    first = ingest_corpus(settings, open_index(settings), fake_embeddings)
    fake_embeddings.embedded = 0
    again = ingest_corpus(settings, open_index(settings), fake_embeddings)
    assert fake_embeddings.embedded == 0
    assert again.chunks == first.chunks
    assert len(again.unchanged) == 5 and not again.changed


def test_changing_one_file_re_embeds_only_that_file(settings: Settings, fake_embeddings) -> None:
    first = ingest_corpus(settings, open_index(settings), fake_embeddings)
    changed = settings.corpus_dir / "003_f9fb4151f0f432d8.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\n\nA new closing paragraph about partners.\n")
    fake_embeddings.embedded = 0
    report = ingest_corpus(settings, open_index(settings), fake_embeddings)
    assert report.updated == ["003_f9fb4151f0f432d8.txt"]
    assert len(report.unchanged) == 4
    index = open_index(settings)
    chunks_of_003 = [chunk for chunk in index.load_chunks() if chunk.doc == changed.name]
    assert 0 < fake_embeddings.embedded < 200  # the chunks and sentences of one document only
    assert report.chunks in (first.chunks, first.chunks + 1)
    assert len({chunk.id for chunk in index.load_chunks()}) == report.chunks
    assert chunks_of_003


def test_re_ingest_never_grows_the_chunk_count(settings: Settings, fake_embeddings) -> None:
    counts = [ingest_corpus(settings, open_index(settings), fake_embeddings).chunks for _ in range(3)]
    counts.append(ingest_corpus(settings, open_index(settings), fake_embeddings, rebuild=True).chunks)
    assert len(set(counts)) == 1


def test_deleted_file_is_removed(settings: Settings, fake_embeddings) -> None:
    ingest_corpus(settings, open_index(settings), fake_embeddings)
    (settings.corpus_dir / "004_2011d1e9a87e452c.txt").unlink()
    report = ingest_corpus(settings, open_index(settings), fake_embeddings)
    assert report.removed == ["004_2011d1e9a87e452c.txt"]
    assert "004_2011d1e9a87e452c.txt" not in {chunk.doc for chunk in open_index(settings).load_chunks()}


def test_bad_file_is_skipped_with_a_reason(settings: Settings, fake_embeddings) -> None:
    (settings.corpus_dir / "broken.pdf").write_bytes(b"%PDF-1.4 not really a pdf")
    (settings.corpus_dir / "empty.txt").write_text("   \n")
    report = ingest_corpus(settings, open_index(settings), fake_embeddings)
    assert {doc for doc, _ in report.skipped} == {"broken.pdf", "empty.txt"}
    assert len(report.added) == 5


def test_incomplete_document_is_redone(settings: Settings, fake_embeddings) -> None:
    """A crash between writing a document's chunks leaves it incomplete; the next ingest redoes it."""
    first = ingest_corpus(settings, open_index(settings), fake_embeddings)
    index = open_index(settings)
    victim = next(chunk for chunk in index.load_chunks() if chunk.doc == "001_42277acb122cae47.txt")
    index.chunks.delete(ids=[victim.id])
    report = ingest_corpus(settings, open_index(settings), fake_embeddings)
    assert report.updated == ["001_42277acb122cae47.txt"]
    assert report.chunks == first.chunks


def test_second_ingest_at_once_is_refused(settings: Settings) -> None:
    held = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with ingest_lock(settings.data_dir):
            held.set()
            release.wait(5)

    worker = threading.Thread(target=hold)
    worker.start()
    held.wait(5)
    try:
        with pytest.raises(IngestLockedError):
            with ingest_lock(settings.data_dir):
                pass
    finally:
        release.set()
        worker.join()


def test_manifest_title_is_used(settings: Settings, fake_embeddings, tmp_path: Path) -> None:
    ingest_corpus(settings, open_index(settings), fake_embeddings)
    titles = {chunk.doc: chunk.title for chunk in open_index(settings).load_chunks()}
    assert titles["003_f9fb4151f0f432d8.txt"] == "Collaborative Service Delivery: Working together to do more"
