"""The synthetic corpus generator: deterministic per seed, shaped like the guidance, sized by scale."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.text.normalise import split_blocks
from eval.bench.synthetic import (
    CorpusModel,
    document_count,
    generate_documents,
    learn_corpus,
    make_document,
    write_corpus,
)
from ingest.chunking import chunk_document
from tests.conftest import CORPUS


@pytest.fixture(scope="module")
def model() -> CorpusModel:
    return learn_corpus(CORPUS)


def test_same_seed_same_documents_other_seed_other_documents(model: CorpusModel) -> None:
    assert make_document(model, 7, 3) == make_document(model, 7, 3)
    assert make_document(model, 7, 3) != make_document(model, 8, 3)
    assert make_document(model, 7, 3) != make_document(model, 7, 4)
    assert list(generate_documents(model, 2, seed=1)) == list(generate_documents(model, 2, seed=1))


def test_documents_have_the_guidance_structure(model: CorpusModel) -> None:
    kinds: dict[str, int] = {}
    key_learning = 0
    for number in range(12):
        for block in split_blocks(make_document(model, 0, number)):
            kinds[block.kind] = kinds.get(block.kind, 0) + 1
            key_learning += block.key_learning
    assert kinds.get("heading", 0) >= 12 * 4
    assert kinds.get("list_item", 0) > 0 and kinds.get("paragraph", 0) > kinds["heading"]
    assert key_learning > 0
    text = "\n".join(make_document(model, 0, number) for number in range(12))
    assert "\n01\t" in text and "\n  • " in text


def test_documents_carry_ids_and_do_not_copy_the_seed(model: CorpusModel) -> None:
    seed_text = "\n".join(path.read_text(encoding="utf-8") for path in CORPUS.glob("*.txt"))
    document = make_document(model, 0, 42)
    assert "SYN-0-00042" in document and "0042 partnership" in document
    paragraphs = [block.text for block in split_blocks(document) if block.kind == "paragraph"]
    copied = [text for text in paragraphs if len(text) > 200 and text in " ".join(seed_text.split())]
    assert not copied


def test_size_scales_with_the_factor(model: CorpusModel) -> None:
    small, large = document_count(model, 2), document_count(model, 20)
    assert 8 <= large / small <= 12
    chars = sum(len(text) for _, text in generate_documents(model, 10))
    assert 7 * model.seed_chars <= chars <= 13 * model.seed_chars


def test_written_corpus_chunks_like_the_seed(model: CorpusModel, tmp_path: Path) -> None:
    paths = write_corpus(model, tmp_path / "corpus", scale=3, seed=5)
    assert paths and all(path.name.startswith("syn_5_") for path in paths)
    chunks = [chunk for path in paths for chunk in chunk_document(path.name, path.name, path.read_text())]
    sentences = sum(len(chunk.sentences) for chunk in chunks)
    assert len({chunk.id for chunk in chunks}) == len(chunks)
    assert 2 <= sentences / len(chunks) <= 12
    write_corpus(model, tmp_path / "corpus", scale=1, seed=5)
    assert len(list((tmp_path / "corpus").glob("syn_*.txt"))) == document_count(model, 1)
