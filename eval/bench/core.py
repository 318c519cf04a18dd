"""``assistant bench``: speed, cost and scale, every figure beside a reference measured in the same run.

Machines are shared and noisy, so each figure is reported with the reference it should be judged
against, measured minutes apart on the same machine: the raw encoder for ingest, the naive quickstart
pipeline for answers, an empty Python process for start-up. The sections:

1. seed corpus: ingest against the raw encoder, re-ingest, cold and warm answers (``eval.bench.seed``);
2. scale: synthetic corpora at N times the seed, embedded and through a Chroma server (``eval.bench.scale``);
3. concurrency: simulated users of the web app (``eval.bench.web``).

Results go to ``reports/bench.json``, ``reports/bench.md`` and PNG charts (``eval.bench.charts``).
"""

from __future__ import annotations

import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from eval.bench.tools import child_env, folder_mb, percentile, run_worker, summarise

QUESTIONS = Path(__file__).resolve().parent.parent / "cases" / "questions.yaml"

__all__ = ["BenchOptions", "eval_questions", "percentile", "render_table", "run_benchmarks", "summarise"]


@dataclass
class BenchOptions:
    """What to measure and how long to spend on it (``assistant bench`` options)."""

    rounds: int = 3
    scales: list[float] = field(default_factory=lambda: [100.0, 1000.0])
    users: list[int] = field(default_factory=lambda: [1, 5, 20])
    questions_per_user: int = 10
    max_seconds_per_run: float = 300.0
    embed_budget_s: float = 1200.0
    sample_s: float = 120.0
    server: bool = True
    seed: int = 0
    keep: bool = False
    scratch: Path | None = None

    @classmethod
    def quick(cls) -> BenchOptions:
        """A run of a few minutes: one round, a 10x corpus with sampled vectors, up to 5 users."""
        return cls(
            rounds=1,
            scales=[10.0],
            users=[1, 5],
            questions_per_user=4,
            max_seconds_per_run=60.0,
            embed_budget_s=30.0,
            sample_s=20.0,
        )


def eval_questions() -> list[str]:
    """The questions of the gold cases (single turns), in file order."""
    cases = yaml.safe_load(QUESTIONS.read_text(encoding="utf-8"))
    return [case["question"] for case in cases["cases"]]


def machine() -> dict[str, Any]:
    """What the figures were measured on, and how busy it was."""
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
    }


def run_benchmarks(
    settings: Any, options: BenchOptions | None = None, log: Callable[[str], None] | None = None
) -> dict[str, Any]:
    """Every benchmark, one after the other on this machine, on scratch copies of the corpus.

    Args:
        settings: The assistant's settings (the corpus, the model, chunking).
        options: What to run (default: the full run).
        log: Where progress lines go (default: stderr).
    """
    from assistant.index.embeddings import SentenceEmbeddings
    from eval.bench import scale as bench_scale
    from eval.bench import seed as bench_seed
    from eval.bench import web as bench_web
    from eval.bench.synthetic import learn_corpus

    options = options or BenchOptions()
    say = log or (lambda line: print(line, file=sys.stderr, flush=True))
    started = time.perf_counter()
    questions = eval_questions()
    results: dict[str, Any] = {"machine_before": machine(), "options": _jsonable(asdict(options))}
    with _scratch_folder(options) as scratch:
        seed = settings.model_copy(
            update={"data_dir": scratch / "seed-data", "chroma_url": None, "llm_provider": "none"}
        )
        model = SentenceEmbeddings(settings.embedding_model, batch_size=settings.embedding_batch_size)
        say("1/4 ingest against the raw encoder")
        ingest = bench_seed.measure_ingest(seed, model, options.rounds)
        pool = scratch / "pool.npy"
        np.save(pool, ingest.pop("pool"))
        results["ingest"] = ingest
        say("2/4 answers: ours and the naive quickstart, warm; the numpy question encoder")
        results["answers"] = bench_seed.measure_answers(seed, model, questions, options.rounds)
        results["query_encoder"] = bench_seed.compare_query_encoders(seed, questions)
        results["review"] = bench_seed.measure_review(model, REVIEW_PAGES, options.rounds)
        say("   processes: cold ask, re-ingest, references; the seed index opened as at scale")
        results["processes"] = bench_seed.measure_processes(settings, scratch / "processes", options.rounds)
        results["seed_query"] = run_worker(
            "query", ["--corpus", str(settings.corpus_dir), "--data", str(seed.data_dir)], child_env()
        )
        results["seed_query"]["index_mb"] = folder_mb(seed.data_dir / "chroma")
        if options.scales:
            say(f"3/4 scale: {', '.join(f'x{scale:g}' for scale in options.scales)}")
            results["scale"] = bench_scale.run_scales(
                learn_corpus(settings.corpus_dir),
                options.scales,
                scratch,
                pool,
                ingest["texts"],
                ingest["raw_texts_per_s"],
                options,
                say,
            )
        if options.users:
            say(f"4/4 concurrency: {', '.join(map(str, options.users))} users")
            results["concurrency"] = bench_web.run_concurrency(
                seed.data_dir,
                settings.corpus_dir,
                questions,
                options.users,
                options.questions_per_user,
                options.max_seconds_per_run,
                scratch / "web.log",
                say,
            )
    results["machine_after"] = machine()
    results["seconds"] = time.perf_counter() - started
    results["targets"] = check_targets(results)
    return results


REVIEW_PAGES = 5
"""The review target's proposal length (issue 18: a 5-page proposal reviewed in under 2 s, warm)."""

TARGETS = {
    "warm ask p50 (seed)": ("ms", 30.0, "<="),
    "warm ask p95 (seed)": ("ms", 80.0, "<="),
    "cold ask": ("s", 4.0, "<="),
    "review of a 5-page proposal (warm)": ("ms", 2000.0, "<="),
    "ingest throughput / raw encoder": ("%", 70.0, ">="),
    "no-change re-ingest": ("s", 1.5, "<="),
    "query p95 at 1000x": ("ms", 150.0, "<="),
    "resident memory at 1000x": ("MB", 2500.0, "<="),
    "20 web users: errors": ("", 0.0, "<="),
    "20 web users: p95": ("ms", 1500.0, "<="),
}
"""The targets of issues 8 and 18: name to (unit, limit, comparison)."""


def check_targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target with the value measured (None when not measured this run) and whether it is met."""
    values: dict[str, float | None] = dict.fromkeys(TARGETS)
    answers = results.get("answers", {}).get("ours", {}).get("new")
    if answers:
        values["warm ask p50 (seed)"] = answers["p50_ms"]
        values["warm ask p95 (seed)"] = answers["p95_ms"]
    if "review" in results:
        values["review of a 5-page proposal (warm)"] = results["review"]["p95_ms"]
    processes = results.get("processes", {})
    values["cold ask"] = processes.get("cold_ask_s")
    values["no-change re-ingest"] = processes.get("no_change_reingest_s")
    if "ingest" in results:
        values["ingest throughput / raw encoder"] = results["ingest"]["share_of_raw"] * 100
    for run in results.get("scale", []):
        query = run.get("embedded", {}).get("query")
        if run["plan"]["scale"] == 1000 and query:
            values["query p95 at 1000x"] = query["new_questions"]["p95_ms"]
            values["resident memory at 1000x"] = query["peak_rss_mb"]
    for run in results.get("concurrency", {}).get("runs", []):
        if run["users"] == 20:
            values["20 web users: errors"] = run["errors"]
            values["20 web users: p95"] = run["p95_ms"]
    checked = []
    for name, (unit, limit, comparison) in TARGETS.items():
        value = values[name]
        met = None if value is None else (value <= limit if comparison == "<=" else value >= limit)
        checked.append(
            {
                "target": name,
                "unit": unit,
                "limit": limit,
                "comparison": comparison,
                "value": value,
                "met": met,
            }
        )
    return checked


def render_table(results: dict[str, Any]) -> str:
    """The results as Markdown: seed-corpus figures with their references, scale, concurrency, targets."""
    from eval.bench.report import render_markdown

    return render_markdown(results)


def write_results(results: dict[str, Any], folder: Path) -> Path:
    """Save the results as JSON, Markdown and PNG charts in the reports folder; returns the Markdown file."""
    from eval.bench.charts import draw_charts

    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bench.json").write_text(json.dumps(_jsonable(results), indent=2), encoding="utf-8")
    charts = draw_charts(results, folder)
    markdown = render_table(results)
    if charts:
        markdown += "\n\n" + "\n".join(f"![{path.stem}]({path.name})" for path in charts)
    (folder / "bench.md").write_text(markdown + "\n", encoding="utf-8")
    return folder / "bench.md"


@contextmanager
def _scratch_folder(options: BenchOptions) -> Iterator[Path]:
    """A scratch folder for indexes and corpora: removed at the end unless ``options.keep``."""
    if options.keep:
        yield Path(tempfile.mkdtemp(prefix="bench-", dir=options.scratch))
        return
    with tempfile.TemporaryDirectory(prefix="bench-", dir=options.scratch) as folder:
        yield Path(folder)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(key): _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, np.generic):
        return value.item()
    return value
