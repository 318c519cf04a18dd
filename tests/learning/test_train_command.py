"""``assistant train`` rebuilds the learned models from the data, the same bytes every run (seeded)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from assistant.cli.main import main
from assistant.review.encoder import HEADS, TunedLayers
from tests.conftest import FakeEmbeddings


def untrained_reader(
    base: str, texts: list[str], labels: list[np.ndarray], classes: list[int]
) -> TunedLayers:
    """Stands in for fine-tuning (minutes on the real model): one layer's bias as the model has it, heads
    that are all zero; what the command does with a reader is the same."""
    bias = np.zeros(384, dtype=np.float32)
    return TunedLayers(
        base,
        {"encoder.layer.5.output.dense.bias": bias},
        {name: np.zeros((385, count), dtype=np.float32) for name, count in zip(HEADS, classes, strict=True)},
    )


def train_into(folder: Path, monkeypatch: pytest.MonkeyPatch, settings: Any) -> dict[str, bytes]:
    monkeypatch.setattr("assistant.index.embeddings.SentenceEmbeddings", lambda *a, **k: FakeEmbeddings())
    monkeypatch.setattr("assistant.learning.review.fine_tune", untrained_reader)
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(settings.corpus_dir))
    folder.mkdir()
    assert main(["train", "--out", str(folder / "query_adapter.npz")]) == 0
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def test_train_writes_the_five_models_and_is_reproducible(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    first = train_into(tmp_path / "first", monkeypatch, settings)
    out = capsys.readouterr().out
    assert set(first) == {"query_adapter.npz", "ranker.json", "scope.json", "selector.json", "review.npz"}
    assert "written questions" in out and "out-of-scope" in out and "review model: factor accuracy" in out
    assert "sentence selection: the chosen sentences hold" in out
    assert train_into(tmp_path / "second", monkeypatch, settings) == first
