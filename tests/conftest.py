"""Shared fixtures: deterministic fake embeddings, data folders in tmp, a network guard, the real model,
the browser app on a free port."""

from __future__ import annotations

import hashlib
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.index.adapter import QueryAdapter
from assistant.settings import Settings
from assistant.text.terms import content_terms

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"


class FakeEmbeddings:
    """Bag-of-words vectors from hashed word stems: deterministic, instant, similar texts score high.

    Counts the texts it embeds, so tests can tell whether "the model" was used.
    """

    model_name = "fake"

    def __init__(self, dimensions: int = 384) -> None:
        self.dimensions = dimensions
        self.embedded = 0

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dimensions, dtype=np.float32)
        for term in content_terms(text) or ["<empty>"]:
            vector[int(hashlib.md5(term.encode()).hexdigest(), 16) % self.dimensions] += 1.0
        return vector / np.linalg.norm(vector)

    def encode(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        self.embedded += len(texts)
        return np.stack([self._vector(text) for text in texts]) if texts else np.zeros((0, self.dimensions))

    def query_vector(self, text: str) -> np.ndarray:
        return self._vector(text)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self._vector(text).tolist()


def identity_adapter(pool: np.ndarray, **fields: Any) -> QueryAdapter:
    """An adapter that leaves questions as they are (``U·V`` = 0), with ``pool`` as its training questions."""
    dim = pool.shape[1]
    return QueryAdapter(
        "fake", np.zeros((dim, 1), np.float32), np.zeros((1, dim), np.float32), pool, 3, 0.5, **fields
    )


_real_connect = socket.socket.connect


def _loopback_only(self: socket.socket, address: Any) -> Any:
    host = address[0] if isinstance(address, tuple) else address
    if self.family in (socket.AF_INET, socket.AF_INET6) and host not in ("127.0.0.1", "::1", "localhost"):
        if not str(host).startswith("127."):
            raise ConnectionRefusedError(f"tests are offline: refused a connection to {host}")
    return _real_connect(self, address)


@pytest.fixture(autouse=True)
def offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test runs offline: any connection beyond loopback fails."""
    monkeypatch.setattr(socket.socket, "connect", _loopback_only)
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("ANONYMIZED_TELEMETRY", "False")


@pytest.fixture(autouse=True)
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point the data folder at the test's tmp folder; nothing is written to ./data."""
    folder = tmp_path / "data"
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(folder))
    return folder


def copy_corpus(folder: Path) -> Path:
    """A writable copy of the real corpus in ``folder`` (made if missing)."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in CORPUS.iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    return folder


def assistant_with_document(tmp_path_factory: pytest.TempPathFactory, name: str, text: str) -> Any:
    """An assistant over fake embeddings and the corpus plus one more document, its index built."""
    from assistant.service import open_assistant

    corpus = copy_corpus(tmp_path_factory.mktemp("corpus"))
    (corpus / name).write_text(text, encoding="utf-8")
    assistant = open_assistant(
        Settings(data_dir=tmp_path_factory.mktemp("data"), corpus_dir=corpus), embeddings=FakeEmbeddings()
    )
    assistant.chain()
    return assistant


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Path:
    """A writable copy of the real corpus."""
    return copy_corpus(tmp_path / "corpus")


@pytest.fixture
def settings(data_dir: Path, corpus_copy: Path) -> Settings:
    """Settings over a tmp data folder and a writable copy of the corpus."""
    return Settings(data_dir=data_dir, corpus_dir=corpus_copy)


@pytest.fixture
def fake_embeddings() -> FakeEmbeddings:
    """Deterministic fake embeddings."""
    return FakeEmbeddings()


@pytest.fixture(scope="module")
def fake_assistant(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """An ``Assistant`` with fake embeddings over the real corpus, its index in a tmp folder (built once
    per test module: ingesting takes a few seconds)."""
    from assistant.service import open_assistant

    settings = Settings(data_dir=tmp_path_factory.mktemp("fake-assistant-data"), corpus_dir=CORPUS)
    assistant = open_assistant(settings, embeddings=FakeEmbeddings())
    assistant.chain()
    return assistant


@pytest.fixture(scope="session")
def real_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings for the real model on the real corpus, with an index shared by the session."""
    return Settings(data_dir=tmp_path_factory.mktemp("real-data"), corpus_dir=CORPUS)


@pytest.fixture(scope="session")
def real_assistant(real_settings: Settings) -> Iterator[Any]:
    """The assistant with the real embedding model and an index built from the real corpus."""
    from assistant.service import open_assistant

    assistant = open_assistant(real_settings)
    assistant.chain()
    yield assistant


def free_port() -> int:
    """A TCP port nobody listens on (for a server under test)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serve(settings: Settings, assistant: Any = None) -> Iterator[tuple[str, Any]]:
    """The browser app on a free loopback port, over fake embeddings unless given an assistant;
    yields its URL and the Blocks."""
    from assistant.service import open_assistant
    from assistant.web.app import build_app, launch_app

    demo = build_app(assistant or open_assistant(settings, embeddings=FakeEmbeddings()), settings)
    url = launch_app(demo, settings.model_copy(update={"port": free_port()}), prevent_thread_lock=True)
    try:
        yield url, demo
    finally:
        demo.close()


@pytest.fixture(scope="module")
def web_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings over a private data folder and the real corpus (one app and index per test module)."""
    return Settings(data_dir=tmp_path_factory.mktemp("web-data"), corpus_dir=CORPUS)


@pytest.fixture(scope="module")
def app_url(web_settings: Settings) -> Iterator[str]:
    """URL of the app over fake embeddings (no login), running for the test module."""
    with serve(web_settings) as (url, _):
        yield url


@pytest.fixture
def client(app_url: str) -> Any:
    """A gradio_client of the running app."""
    from gradio_client import Client

    return Client(app_url, analytics_enabled=False, verbose=False)
