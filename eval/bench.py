"""Benchmarks that print figures: query latency (warm and cold) and ingest times.

Every figure is measured in the same run, so that ratios between them hold on a noisy shared
machine. Results go to the terminal as a Markdown table and to ``reports/bench.json``.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from assistant.settings import Settings

QUESTIONS = Path(__file__).parent / "cases" / "questions.yaml"


def percentile(values: list[float], share: float) -> float:
    """The ``share`` percentile (0-1) of values, by nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def eval_questions() -> list[str]:
    """The questions of the gold cases (single turns), in file order."""
    cases = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    return [case["question"] for case in cases["cases"]]


def measure_warm(ask: Callable[[str], Any], questions: list[str], rounds: int = 3) -> dict[str, float]:
    """Warm latency of ``ask`` over the questions (after one warm-up pass), in milliseconds."""
    for question in questions[:5]:
        ask(question)
    timings: list[float] = []
    for _ in range(rounds):
        for question in questions:
            started = time.perf_counter()
            ask(question)
            timings.append((time.perf_counter() - started) * 1000)
    return {"p50_ms": statistics.median(timings), "p95_ms": percentile(timings, 0.95), "n": len(timings)}


def run_command(args: list[str], env: dict[str, str]) -> float:
    """Wall time of one ``python -m assistant ...`` process, in seconds."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "assistant", *args], env=env, check=True, capture_output=True)
    return time.perf_counter() - started


def measure_processes(settings: Settings) -> dict[str, float]:
    """Cold ask (process start to first answer), no-change and one-file re-ingest, on a scratch copy."""
    with tempfile.TemporaryDirectory() as scratch:
        corpus = Path(scratch) / "corpus"
        shutil.copytree(settings.corpus_dir, corpus)
        env = {**os.environ, "ASSISTANT_DATA_DIR": str(Path(scratch) / "data")}
        env["ASSISTANT_CORPUS_DIR"] = str(corpus)
        first_ingest = run_command(["ingest"], env)
        unchanged = run_command(["ingest"], env)
        cold_ask = run_command(["ask", "Why do shared services fail?"], env)
        changed = sorted(corpus.glob("*.txt"))[-1]
        changed.write_text(changed.read_text(encoding="utf-8") + "\n\nA closing note.\n", encoding="utf-8")
        one_file = run_command(["ingest"], env)
    return {
        "first_ingest_s": first_ingest,
        "no_change_reingest_s": unchanged,
        "one_file_reingest_s": one_file,
        "cold_ask_s": cold_ask,
    }


def run_benchmarks(settings: Settings) -> dict[str, Any]:
    """Every benchmark, one after the other on this machine."""
    from assistant.chain import Assistant

    assistant = Assistant(settings)
    assistant.chain()
    questions = eval_questions()
    inner: list[float] = []

    def ask(question: str) -> Any:
        answer = assistant.ask(question)
        inner.append(answer.timings_ms["total"])
        return answer

    warm = measure_warm(ask, questions)
    warm["chain_p50_ms"] = statistics.median(inner)
    return {"warm_ask": warm, "processes": measure_processes(settings), "questions": len(questions)}


def render_table(results: dict[str, Any]) -> str:
    """The results as a Markdown table."""
    warm, processes = results["warm_ask"], results["processes"]
    rows = [
        ("warm ask p50 (whole call)", f"{warm['p50_ms']:.1f} ms"),
        ("warm ask p95 (whole call)", f"{warm['p95_ms']:.1f} ms"),
        ("warm ask p50 (retrieve + answer)", f"{warm['chain_p50_ms']:.1f} ms"),
        ("cold ask (process start to answer)", f"{processes['cold_ask_s']:.2f} s"),
        ("first ingest (process)", f"{processes['first_ingest_s']:.2f} s"),
        ("no-change re-ingest (process)", f"{processes['no_change_reingest_s']:.2f} s"),
        ("one-file re-ingest (process)", f"{processes['one_file_reingest_s']:.2f} s"),
    ]
    lines = ["| measure | value |", "| --- | --- |", *(f"| {name} | {value} |" for name, value in rows)]
    return "\n".join(lines)


def write_results(results: dict[str, Any], folder: Path) -> Path:
    """Save the results as JSON and Markdown in the reports folder."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bench.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    (folder / "bench.md").write_text(render_table(results) + "\n", encoding="utf-8")
    return folder / "bench.md"
