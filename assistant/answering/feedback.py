"""The feedback log of the web app's thumbs up/down (JSON Lines, ``Settings.feedback_log``): written
by the app, its thumbs-down read by the eval report's corpus gaps."""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from assistant.settings import Settings

_feedback_lock = threading.Lock()


def record_feedback(
    settings: Settings, question: str, answer: str, rating: str, citations: Sequence[dict[str, Any]]
) -> dict[str, Any]:
    """Append one rating of an answer to the feedback log and return the entry written.

    Raises:
        ValueError: when the rating is not ``"up"`` or ``"down"``.
    """
    if rating not in ("up", "down"):
        raise ValueError('rating must be "up" or "down"')
    entry = {
        "time": datetime.now().astimezone().isoformat(timespec="seconds"),
        "question": question,
        "answer": answer,
        "rating": rating,
        "citations": list(citations),
    }
    path = settings.feedback_log
    with _feedback_lock:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("ab", buffering=0) as log:  # the whole line in one write: readers never see half
            log.write((json.dumps(entry, ensure_ascii=False) + "\n").encode("utf-8"))
    return entry


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
