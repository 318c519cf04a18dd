"""Read the web app's feedback log (``feedback.jsonl`` in the data folder) for the report's corpus gaps."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def read_thumbs_down(path: Path) -> list[dict[str, Any]]:
    """The thumbs-down entries of a feedback log, oldest first.

    Each line is a JSON object with ``question``, ``answer``, ``rating`` (``"up"``/``"down"``) and
    ``citations``. A missing or unreadable file gives no entries; malformed lines are skipped.

    Returns:
        Dicts with ``question`` and ``answer`` (strings) and ``citations`` (a list).
    """
    try:
        lines = Path(path).read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    entries = []
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if not isinstance(entry, dict) or entry.get("rating") != "down":
            continue
        citations = entry.get("citations")
        entries.append(
            {
                "question": str(entry.get("question", "")),
                "answer": str(entry.get("answer", "")),
                "citations": citations if isinstance(citations, list) else [],
            }
        )
    return entries
