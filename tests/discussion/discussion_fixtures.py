"""Fixtures shared by the discussion-prompt tests: one index over the real corpus, with fake embeddings,
built once per test module (ingesting takes a few seconds)."""

from __future__ import annotations

from typing import Any

import pytest

from assistant.settings import Settings
from tests.conftest import CORPUS, FakeEmbeddings


@pytest.fixture(scope="module")
def fake_assistant(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """An ``Assistant`` with fake embeddings over the real corpus, its index in a tmp folder."""
    from assistant.service import open_assistant

    settings = Settings(data_dir=tmp_path_factory.mktemp("discussion-data"), corpus_dir=CORPUS)
    assistant = open_assistant(settings, embeddings=FakeEmbeddings())
    assistant.chain()
    return assistant
