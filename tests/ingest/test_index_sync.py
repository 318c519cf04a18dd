"""An assistant brings its index in line with the corpus folder when it starts."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from assistant.answering.facade import Assistant
from assistant.service import open_assistant
from assistant.settings import Settings
from tests.conftest import FakeEmbeddings, copy_corpus

NEW_DOCUMENT = (
    "A note on pooled budgets\n\nPooled budgets need a named finance lead in every partner council.\n"
)


def started(settings: Settings, embeddings: FakeEmbeddings) -> Assistant:
    """A new assistant (as a new `ask` or `serve` would be), its chain built."""
    assistant = open_assistant(settings, embeddings=embeddings)
    assistant.chain()
    return assistant


def docs(assistant: Assistant) -> set[str]:
    return {chunk.doc for chunk in assistant.chunks().values()}


def test_a_document_added_to_the_corpus_is_answered_from_at_the_next_start(
    settings: Settings, fake_embeddings: FakeEmbeddings, caplog: pytest.LogCaptureFixture
) -> None:
    first = docs(started(settings, fake_embeddings))
    (settings.corpus_dir / "pooled-budgets.md").write_text(NEW_DOCUMENT, encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assistant = started(settings, fake_embeddings)
    assert docs(assistant) == first | {"pooled-budgets.md"}
    assert "the corpus folder changed; Index:" in caplog.text and "1 added" in caplog.text
    assert any(
        citation.doc == "pooled-budgets.md"
        for citation in assistant.ask("Who leads pooled budgets?").citations
    )


def test_a_removed_document_is_gone_at_the_next_start(
    settings: Settings, fake_embeddings: FakeEmbeddings
) -> None:
    first = docs(started(settings, fake_embeddings))
    removed = sorted(first)[0]
    (settings.corpus_dir / removed).unlink()
    assert docs(started(settings, fake_embeddings)) == first - {removed}


def test_an_unchanged_corpus_embeds_nothing_at_start(
    settings: Settings, fake_embeddings: FakeEmbeddings
) -> None:
    started(settings, fake_embeddings)
    fake_embeddings.embedded = 0
    started(settings, fake_embeddings)
    assert fake_embeddings.embedded == 0


def test_a_corpus_that_cannot_be_read_now_leaves_the_built_index_answering(
    settings: Settings, fake_embeddings: FakeEmbeddings, caplog: pytest.LogCaptureFixture
) -> None:
    first = docs(started(settings, fake_embeddings))
    settings.manifest_path.write_text("documents: [unclosed", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        assert docs(started(settings, fake_embeddings)) == first
    assert "answering from the index as it is" in caplog.text and "not a valid manifest" in caplog.text

    settings.manifest_path.unlink()
    moved = settings.corpus_dir.rename(settings.corpus_dir.with_name("moved"))
    assert docs(started(settings, fake_embeddings)) == first, (
        "a missing corpus folder must not empty the index"
    )
    assert moved.is_dir()


def test_an_index_on_a_shared_server_is_left_to_assistant_ingest(
    settings: Settings, fake_embeddings: FakeEmbeddings
) -> None:
    built = started(settings, fake_embeddings)
    first = docs(built)
    (settings.corpus_dir / "pooled-budgets.md").write_text(NEW_DOCUMENT, encoding="utf-8")
    on_server = settings.model_copy(update={"chroma_url": "http://127.0.0.1:9"})
    assistant = open_assistant(on_server, embeddings=fake_embeddings, index=built.index)
    assistant.chain()
    assert docs(assistant) == first


def test_an_index_built_from_another_folder_is_left_to_assistant_ingest(
    settings: Settings, fake_embeddings: FakeEmbeddings, tmp_path: Path
) -> None:
    """`assistant ingest --corpus mine` then `assistant ask` (default ./corpus) answers from ``mine``."""
    mine = copy_corpus(tmp_path / "mine")
    (mine / "pooled-budgets.md").write_text(NEW_DOCUMENT, encoding="utf-8")
    first = docs(started(settings.model_copy(update={"corpus_dir": mine}), fake_embeddings))
    assert "pooled-budgets.md" in first
    assert docs(started(settings, fake_embeddings)) == first


def test_a_corpus_folder_whose_name_is_not_utf8_is_followed_too(
    settings: Settings, fake_embeddings: FakeEmbeddings, tmp_path: Path
) -> None:
    odd = copy_corpus(tmp_path / os.fsdecode(b"corpus-\xff"))
    odd_settings = settings.model_copy(update={"corpus_dir": odd})
    first = docs(started(odd_settings, fake_embeddings))
    (odd / "pooled-budgets.md").write_text(NEW_DOCUMENT, encoding="utf-8")
    assert docs(started(odd_settings, fake_embeddings)) == first | {"pooled-budgets.md"}


def test_a_question_may_name_a_document_by_its_publisher(
    settings: Settings, fake_embeddings: FakeEmbeddings
) -> None:
    """The name "Socitm" is only in the guide's credits (page furniture, not indexed) and its manifest
    entry: naming it does not make a question name something the guidance never mentions."""
    question = "What examples of failure does the Socitm guide give?"
    assert started(settings, fake_embeddings).ask(question).signals[2] == 0.0
    settings.manifest_path.unlink()
    assert started(settings, fake_embeddings).ask(question).signals[2] == 1.0
