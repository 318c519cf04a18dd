"""The dev set (``../shared/devset``): questions written independently of the code, measured, never
trained on. Context recall@k (the share of a case's expected points present in the top k passages),
answer nugget recall by style, and refusals, for the assistant and the naive baseline alike."""

from __future__ import annotations

import os
import statistics
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from assistant.records import Turn
from eval.metrics import phrase_found, recall

DEVSET_DIR = Path(
    os.environ.get("ASSISTANT_DEVSET_DIR", Path(__file__).resolve().parents[2] / "shared" / "devset")
)
KS = (1, 2, 4, 8)


@dataclass(frozen=True)
class DevCase:
    """A question (with the turns before it, for a conversation), its style and expected points."""

    id: str
    style: str
    turns: tuple[str, ...]
    nuggets: tuple[tuple[str, ...], ...]
    abstain: bool


def load_devset(folder: Path = DEVSET_DIR) -> list[DevCase]:
    """The dev set's cases; an empty list when the folder is not there."""
    path = folder / "questions.yaml"
    if not path.is_file():
        return []
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    cases = [
        DevCase(
            q["id"],
            "out_of_scope" if q.get("abstain") else q["style"],
            (q["question"],),
            tuple(tuple(n["phrasings"]) for n in q.get("nuggets", [])),
            bool(q.get("abstain")),
        )
        for q in data["questions"]
    ]
    cases += [
        DevCase(
            c["id"],
            "conversation",
            tuple(c["turns"]),
            tuple(tuple(n["phrasings"]) for n in c["nuggets"]),
            False,
        )
        for c in data.get("conversations", [])
    ]
    return cases


def nugget_recall(text: str, nuggets: Sequence[Sequence[str]]) -> float:
    """Share of nuggets with at least one phrasing in the text (lowercase, whitespace collapsed)."""
    return recall([phrase_found(phrasings, text) for phrasings in nuggets])


@dataclass
class DevReport:
    """The dev set's figures for one system."""

    context: dict[int, list[float]] = field(default_factory=lambda: defaultdict(list))
    answers: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    lengths: list[int] = field(default_factory=list)
    refused_out: int = 0
    out_of_scope: int = 0
    false_refusals: int = 0

    def row(self) -> dict[str, Any]:
        mean = lambda values: round(statistics.fmean(values), 3) if values else None  # noqa: E731
        answered = [v for style, values in self.answers.items() for v in values]
        return {
            **{f"context@{k}": mean(self.context[k]) for k in KS},
            "nugget recall": mean(answered),
            **{f"  {style}": mean(values) for style, values in sorted(self.answers.items())},
            "median chars": int(statistics.median(self.lengths)) if self.lengths else None,
            "out-of-scope refused": f"{self.refused_out}/{self.out_of_scope}",
            "false refusals": self.false_refusals,
        }


def measure_assistant(assistant: Any, cases: Sequence[DevCase]) -> DevReport:
    """Context recall of ``assistant.retrieve`` and the answers of ``assistant.ask``, turn by turn."""
    report = DevReport()
    for case in cases:
        history: list[Turn] = []
        for turn in case.turns[:-1]:
            history.append(Turn(assistant.standalone_query(turn, history), assistant.ask(turn, history)))
        answer = assistant.ask(case.turns[-1], history)
        if case.abstain:
            report.out_of_scope += 1
            report.refused_out += answer.abstained
            continue
        report.false_refusals += answer.abstained
        report.answers[case.style].append(nugget_recall(answer.answer, case.nuggets))
        report.lengths.append(len(answer.answer))
        passages = assistant.retrieve(assistant.standalone_query(case.turns[-1], history), k=max(KS))
        for k in KS:
            report.context[k].append(
                nugget_recall(" ".join(p.page_content for p in passages[:k]), case.nuggets)
            )
    return report


def measure_baseline(baseline: Any, cases: Sequence[DevCase]) -> DevReport:
    """Context recall of the naive quickstart's nearest chunks (its answers are those chunks)."""
    report = DevReport()
    for case in cases:
        if case.abstain:
            report.out_of_scope += 1
            continue
        chunks = baseline.nearest(" ".join(case.turns), max(KS))
        for k in KS:
            report.context[k].append(nugget_recall(" ".join(c.text for c in chunks[:k]), case.nuggets))
        answer = " ".join(c.text for c in chunks[: baseline.k])
        report.answers[case.style].append(nugget_recall(answer, case.nuggets))
        report.lengths.append(len(answer))
    return report


def render_devset(reports: dict[str, DevReport]) -> str:
    """One column per system, one row per figure."""
    rows = {name: report.row() for name, report in reports.items()}
    keys = list(next(iter(rows.values())))
    lines = [f"{'dev set (never trained on)':<26}" + "".join(f"{name:>14}" for name in rows)]
    for key in keys:
        values = ["–" if rows[name][key] is None else str(rows[name][key]) for name in rows]
        lines.append(f"{key:<26}" + "".join(f"{value:>14}" for value in values))
    return "\n".join(lines)
