"""The backends as the capabilities see them: small protocols, so any embedder or index (the real ones,
a test's fakes) can be passed in."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np

from assistant.records import Chunk, Sentence


@runtime_checkable
class Encoder(Protocol):
    """Turns texts into unit-length vectors (rows of one matrix): all that support tests need."""

    def encode(self, texts: list[str]) -> np.ndarray:
        """One normalised row per text."""
        ...


@runtime_checkable
class Embedder(Protocol):
    """An embedding model: texts and questions into unit-length vectors."""

    model_name: str

    def encode(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        """One normalised row per text."""
        ...

    def query_vector(self, text: str) -> np.ndarray:
        """The normalised vector of one question."""
        ...


@runtime_checkable
class Index(Protocol):
    """What answering reads from the index of passages (chunks) and their sentences."""

    def count(self) -> int:
        """How many chunks the index holds."""
        ...

    def load_chunks(self) -> list[Chunk]:
        """Every chunk, without vectors."""
        ...

    def chunk_vectors(self) -> tuple[list[str], np.ndarray]:
        """Every chunk's id and vector (rows in the same order)."""
        ...

    def query_chunks(self, vector: np.ndarray, k: int) -> list[tuple[str, float]]:
        """The ``k`` nearest chunks as (chunk id, cosine similarity), best first."""
        ...

    def query_sentences(self, vector: np.ndarray, k: int) -> list[tuple[str, str, float]]:
        """The ``k`` nearest sentences as (sentence id, chunk id, cosine similarity), best first."""
        ...

    def sentences_of(self, chunk_ids: Sequence[str], sentence_ids: Sequence[str] = ()) -> list[Sentence]:
        """Every sentence of the given chunks, plus the given sentences, with their vectors."""
        ...
