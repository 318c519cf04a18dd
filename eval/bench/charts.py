"""PNG charts of a benchmark run (matplotlib, drawn off-screen)."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def draw_charts(results: dict[str, Any], folder: Path) -> list[Path]:
    """Draw every chart the results allow into ``folder``; returns the files (none without matplotlib)."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return []
    drawn = []
    for name, draw in (
        ("bench-latency", _latency),
        ("bench-ingest", _ingest),
        ("bench-scale", _scale),
        ("bench-concurrency", _concurrency),
    ):
        figure = draw(plt, results)
        if figure is None:
            continue
        path = folder / f"{name}.png"
        figure.tight_layout()
        figure.savefig(path, dpi=110)
        plt.close(figure)
        drawn.append(path)
    return drawn


def _latency(plt: Any, results: dict[str, Any]) -> Any:
    answers = results.get("answers")
    if not answers:
        return None
    figure, axis = plt.subplots(figsize=(7, 3.6))
    groups = [("ours, new", answers["ours"]["new"]), ("ours, repeated", answers["ours"]["repeated"])]
    groups += [
        ("quickstart, new", answers["baseline"]["new"]),
        ("quickstart, repeated", answers["baseline"]["repeated"]),
    ]
    positions = range(len(groups))
    axis.bar([p - 0.2 for p in positions], [g[1]["p50_ms"] for g in groups], 0.4, label="p50")
    axis.bar([p + 0.2 for p in positions], [g[1]["p95_ms"] for g in groups], 0.4, label="p95")
    axis.set_xticks(list(positions), [g[0] for g in groups])
    axis.set_ylabel("ms per answer (warm)")
    axis.set_title("Warm answer latency, seed corpus")
    axis.legend()
    return figure


def _ingest(plt: Any, results: dict[str, Any]) -> Any:
    ingest = results.get("ingest")
    if not ingest:
        return None
    figure, axis = plt.subplots(figsize=(5, 3.2))
    axis.bar(
        ["raw encoder", "ingest"],
        [ingest["raw_chunks_per_s"], ingest["ingest_chunks_per_s"]],
        color=["grey", "C0"],
    )
    axis.set_ylabel("chunks per second")
    axis.set_title(f"Ingest at {ingest['share_of_raw']:.0%} of the raw encoder")
    return figure


def _scale(plt: Any, results: dict[str, Any]) -> Any:
    runs = [run for run in results.get("scale", []) if "embedded" in run]
    if not runs:
        return None
    figure, (latency, memory) = plt.subplots(1, 2, figsize=(10, 3.6))
    seed = results.get("seed_query")
    for where, colour in (("embedded", "C0"), ("server", "C1")):
        points = [(run[where]["ingest"]["chunks"], run[where]["query"]) for run in runs if where in run]
        if where == "embedded" and seed:
            points.insert(0, (seed["chunks"], seed))
        if not points:
            continue
        chunks = [chunk for chunk, _ in points]
        for stat, style in (("p50", "-"), ("p95", "--")):
            values = [query["new_questions"][f"{stat}_ms"] for _, query in points]
            latency.plot(chunks, values, marker="o", ls=style, color=colour, label=f"{where} {stat}")
        app = [query["peak_rss_mb"] for _, query in points]
        memory.plot(chunks, app, marker="o", color=colour, label=f"{where}: app process")
        if where == "server":
            server = [query["server_peak_rss_mb"] for _, query in points]
            memory.plot(chunks, server, marker="s", ls=":", color=colour, label="Chroma server")
    for axis in (latency, memory):
        axis.set_xscale("log")
        axis.xaxis.set_minor_formatter(plt.NullFormatter())  # minor labels overlap on a short axis
        axis.set_xlabel("chunks in the index")
        axis.legend(fontsize=8)
    latency.set_ylabel("ms per answer (new questions)")
    latency.set_title("Answer latency by corpus size")
    memory.set_ylabel("peak resident memory (MB)")
    memory.set_title("Memory by corpus size")
    return figure


def _concurrency(plt: Any, results: dict[str, Any]) -> Any:
    runs = results.get("concurrency", {}).get("runs")
    if not runs:
        return None
    figure, axis = plt.subplots(figsize=(5, 3.2))
    users = [run["users"] for run in runs]
    axis.plot(users, [run["p50_ms"] for run in runs], marker="o", label="p50")
    axis.plot(users, [run["p95_ms"] for run in runs], marker="o", ls="--", label="p95")
    axis.set_xlabel("simultaneous users")
    axis.set_ylabel("ms per answer")
    axis.set_title("Web app under concurrent users")
    axis.legend()
    return figure
