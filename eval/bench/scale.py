"""Scale: ingest and query a synthetic corpus at N times the seed, embedded and against a Chroma server.

For each size the synthetic corpus is written, ingested in a worker process (time, peak memory),
measured on disk, then opened by a fresh worker that answers the eval questions as the app does
(startup, p50/p95, resident memory). The same is repeated against a Chroma server that the benchmark
starts on loopback and stops. When embedding every text for real would take longer than the budget,
only a sample is embedded for real (``eval.bench.vectors``) and the table says so.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eval.bench.synthetic import CorpusModel, corpus_size, write_corpus
from eval.bench.tools import child_env, folder_mb, free_port, memory_mb, run_worker, server_process


@dataclass(frozen=True)
class ScalePlan:
    """How one size is run: its factor, and the share of its texts embedded for real."""

    scale: float
    documents: int
    chars: int
    estimated_texts: int
    real_share: float

    @property
    def all_real(self) -> bool:
        """Whether every text is embedded for real."""
        return self.real_share >= 1.0


def plan_scale(
    scale: float,
    documents: int,
    chars: int,
    seed_chars: int,
    seed_texts: int,
    texts_per_second: float,
    budget_s: float,
    sample_s: float,
) -> ScalePlan:
    """Embed everything for real when the raw encoder would do it within ``budget_s``; else a sample
    worth about ``sample_s`` seconds of encoding."""
    estimated = round(seed_texts * chars / max(seed_chars, 1))
    if estimated / texts_per_second <= budget_s:
        share = 1.0
    else:
        share = min(1.0, sample_s * texts_per_second / max(estimated, 1))
    return ScalePlan(scale, documents, chars, estimated, share)


def chroma_executable() -> str:
    """The ``chroma`` command of this environment."""
    beside = Path(sys.executable).with_name("chroma")
    return str(beside) if beside.is_file() else (shutil.which("chroma") or "chroma")


@contextmanager
def chroma_server(path: Path, log: Path, start_timeout: float = 120) -> Iterator[tuple[str, int]]:
    """A Chroma server on a free loopback port over ``path``, stopped on exit: yields (URL, pid)."""
    port = free_port()
    path.mkdir(parents=True, exist_ok=True)
    command = [chroma_executable(), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)]
    with server_process(command, port, child_env(), log, start_timeout, "the Chroma server") as process:
        yield f"http://127.0.0.1:{port}", process.pid


def run_scale(
    plan: ScalePlan,
    corpus: Path,
    scratch: Path,
    pool: Path,
    server: bool,
    texts_per_second: float,
    log: Callable[[str], None],
) -> dict[str, Any]:
    """Ingest and query one synthetic size, embedded and (when ``server``) against a Chroma server."""
    vectors = scratch / "vectors.npz"
    share = ["--real-share", f"{plan.real_share:.6f}", "--pool", str(pool)]
    result: dict[str, Any] = {"plan": plan.__dict__}
    data = scratch / "embedded"
    log(
        f"  x{plan.scale:g}: ingest ({plan.estimated_texts:,} texts, {plan.real_share:.1%} embedded for real)"
    )
    ingest = run_worker(
        "ingest", ["--corpus", str(corpus), "--data", str(data), *share, "--save", str(vectors)], child_env()
    )
    ingest["index_mb"] = folder_mb(data / "chroma")
    ingest["projected_full_embed_s"] = _projected(ingest, texts_per_second)
    log(f"  x{plan.scale:g}: {ingest['chunks']:,} chunks in {ingest['seconds']:.0f} s; querying")
    query = run_worker(
        "query",
        ["--corpus", str(corpus), "--data", str(data), "--lexical-cache", str(scratch / "lexical")],
        child_env(),
    )
    result["embedded"] = {"ingest": ingest, "query": query}
    if server:
        result["server"] = run_server(corpus, scratch, share, vectors, log, plan.scale)
    return result


def run_server(
    corpus: Path, scratch: Path, share: list[str], vectors: Path, log: Callable[[str], None], scale: float
) -> dict[str, Any]:
    """The same corpus and vectors through a Chroma server started for the purpose."""
    path, data = scratch / "server", scratch / "server-data"
    with chroma_server(path, scratch / "chroma-server.log") as (url, pid):
        log(f"  x{scale:g}: ingest into the Chroma server at {url}")
        options = ["--corpus", str(corpus), "--data", str(data), "--chroma-url", url]
        ingest = run_worker("ingest", [*options, *share, "--known", str(vectors)], child_env())
        log(f"  x{scale:g}: querying through the server")
        query = run_worker("query", options, child_env())
        server_rss = memory_mb(pid, "VmRSS")
        server_peak = memory_mb(pid)
    ingest["index_mb"] = folder_mb(path)
    query["server_rss_mb"] = server_rss
    query["server_peak_rss_mb"] = server_peak
    return {"ingest": ingest, "query": query}


def _projected(ingest: dict[str, Any], texts_per_second: float) -> float:
    """Ingest seconds had every text been embedded for real at the raw encoder's rate."""
    texts = ingest["real_texts"] + ingest["derived_texts"] + ingest["reused_texts"]
    return float(ingest["seconds"] - ingest["embed_seconds"] + texts / texts_per_second)


def run_scales(
    model: CorpusModel,
    scales: list[float],
    scratch: Path,
    pool: Path,
    seed_texts: int,
    texts_per_second: float,
    options: Any,
    log: Callable[[str], None],
) -> list[dict[str, Any]]:
    """Every size in turn; each size's scratch folder is removed once it is measured."""
    results = []
    for scale in scales:
        folder = scratch / f"x{scale:g}"
        started = time.perf_counter()
        paths = write_corpus(model, folder / "corpus", scale, seed=options.seed)
        generated = time.perf_counter() - started
        plan = plan_scale(
            scale,
            len(paths),
            corpus_size(paths),
            model.seed_chars,
            seed_texts,
            texts_per_second,
            options.embed_budget_s,
            options.sample_s,
        )
        try:
            result = run_scale(plan, folder / "corpus", folder, pool, options.server, texts_per_second, log)
        except (RuntimeError, subprocess.TimeoutExpired) as error:
            log(f"  x{scale:g}: failed: {error}")
            result = {"plan": plan.__dict__, "error": str(error)}
        result["generate_s"] = generated
        results.append(result)
        if not options.keep:
            shutil.rmtree(folder, ignore_errors=True)
    return results
