"""The learned models' weights as small JSON files, named by the signals they weigh: a file for other
signals (an older model) is not loaded."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def write_weights(path: Path, signals: Sequence[str], **values: Any) -> None:
    """Write ``{"signals": [...], **values}`` (floats rounded to 6 places)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    rounded = {key: _round(value) for key, value in values.items()}
    path.write_text(json.dumps({"signals": list(signals), **rounded}, indent=2) + "\n", encoding="utf-8")


def read_weights(path: Path | None, signals: Sequence[str]) -> dict[str, Any] | None:
    """The values saved at ``path``; None when there is no file or it weighs other signals."""
    if path is None or not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return data if tuple(data.get("signals", ())) == tuple(signals) else None


def _round(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, list | tuple):
        return [_round(item) for item in value]
    return value
