"""Vectors for the synthetic scale test: embedded for real where time allows, else derived from real ones.

Embedding ~500,000 texts with MiniLM on two CPU cores takes hours, so beyond a time budget only a
deterministic sample (chosen by a hash of the text) is embedded for real. Every other text gets a
*derived* vector: a real vector of a seed-corpus text (picked by the text's hash) plus Gaussian
noise, normalised (mean cosine to its source ~0.86). Vectors keep the model's dimension and
clustering, so the index sizes, the HNSW build and the query cost stay realistic; only what is
similar to what is not is made up. Answers on a synthetic corpus are not judged, only timed.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path
from typing import Any

import numpy as np

NOISE = 0.03
"""Standard deviation per dimension of the noise added to a source vector (384 dimensions: |noise| ~0.59)."""


def text_key(text: str) -> bytes:
    """A stable 16-byte key of a text."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def sample_fraction(text: str) -> float:
    """A stable number in [0, 1) for a text: the sample holds texts below the share."""
    return int.from_bytes(text_key(text)[:8], "big") / 2**64


def derived_vector(text: str, pool: np.ndarray, noise: float = NOISE) -> np.ndarray:
    """A normalised vector for a text: a pool vector picked by its hash, plus seeded Gaussian noise."""
    key = int.from_bytes(text_key(text), "big")
    rng = np.random.default_rng(key)
    vector = pool[key % len(pool)] + rng.standard_normal(size=(pool.shape[1],)).astype(np.float32) * noise
    return (vector / np.linalg.norm(vector)).astype(np.float32)


class ScaleEmbeddings:
    """Embeddings for ingest at scale: real for a sampled share of texts, derived for the rest.

    Args:
        model: The real embeddings (``SentenceEmbeddings``); questions always go to it.
        pool: Real vectors (rows) the derived vectors start from.
        real_share: Share of texts embedded for real (1.0: every text).
        known: Vectors already computed (text key to vector), reused as they are.
    """

    def __init__(
        self, model: Any, pool: np.ndarray, real_share: float, known: dict[bytes, np.ndarray] | None = None
    ) -> None:
        """Remember the model, the pool and the share; count what is embedded how."""
        self.model = model
        self.model_name = getattr(model, "model_name", "model")
        self.pool = np.asarray(pool, dtype=np.float32)
        self.real_share = real_share
        self.known = known if known is not None else {}
        self.real = self.derived = self.reused = 0
        self.embed_seconds = 0.0
        self.computed: dict[bytes, np.ndarray] = {}

    def encode(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        """Vectors of texts: known ones reused, sampled ones embedded for real, the others derived."""
        vectors = np.zeros((len(texts), self.pool.shape[1]), dtype=np.float32)
        real: list[int] = []
        for i, text in enumerate(texts):
            key = text_key(text)
            if key in self.known:
                vectors[i] = self.known[key]
                self.reused += 1
            elif self.real_share >= 1.0 or sample_fraction(text) < self.real_share:
                real.append(i)
            else:
                vectors[i] = derived_vector(text, self.pool)
                self.derived += 1
        if real:
            started = time.perf_counter()
            embedded = self.model.encode([texts[i] for i in real])
            self.embed_seconds += time.perf_counter() - started
            self.real += len(real)
            for i, vector in zip(real, embedded, strict=True):
                vectors[i] = vector
                self.computed[text_key(texts[i])] = vector
        return vectors

    def query_vector(self, text: str) -> np.ndarray:
        """A question's vector, from the real model."""
        return np.asarray(self.model.query_vector(text))

    def counts(self) -> dict[str, Any]:
        """What was embedded how, and the seconds spent embedding for real."""
        return {
            "real_texts": self.real,
            "derived_texts": self.derived,
            "reused_texts": self.reused,
            "embed_seconds": self.embed_seconds,
        }


def save_vectors(vectors: dict[bytes, np.ndarray], path: Path) -> None:
    """Save text-key → vector pairs (for the next run over the same texts)."""
    keys = np.frombuffer(b"".join(vectors), dtype=np.uint8).reshape(-1, 16)
    matrix = np.stack(list(vectors.values())) if vectors else np.zeros((0, 0), dtype=np.float32)
    with open(path, "wb") as handle:
        np.savez(handle, keys=keys, vectors=matrix)


def load_vectors(path: Path | None) -> dict[bytes, np.ndarray]:
    """Vectors saved by ``save_vectors`` (empty when there is no file)."""
    if path is None or not Path(path).is_file():
        return {}
    with np.load(path) as data:
        return {key.tobytes(): vector for key, vector in zip(data["keys"], data["vectors"], strict=True)}
