"""The benchmark results as Markdown tables: each figure with its same-run reference, then the targets."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

SCALE_NOTE = (
    "Ingest runs in a fresh process; p50/p95 are over eval questions new to the process. "
    "*Embedded for real* counts the texts the model embedded; when embedding every text would "
    "take longer than the budget, the other texts get *derived* vectors (a real seed-corpus vector "
    "plus seeded noise, `eval/bench/vectors.py`), so index size, HNSW build and query cost are real "
    "but the ingest time is not a full embedding: *all real* is then an extrapolation (ingest time "
    "without its embedding, plus every text at the raw encoder rate of this run), not a measurement. "
    "The server rows reuse the embedded run's vectors, so their ingest time is writing only."
)
"""Printed under the scale table: what is measured, what is derived, what is extrapolated."""


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def ms(value: float | None) -> str:
    """Milliseconds for a table cell."""
    return "–" if value is None else f"{value:,.0f} ms" if value >= 100 else f"{value:.1f} ms"


def seconds(value: float | None) -> str:
    """Seconds for a table cell."""
    return "–" if value is None else f"{value:,.0f} s" if value >= 100 else f"{value:.2f} s"


def megabytes(value: float | None) -> str:
    """Megabytes for a table cell."""
    return "–" if value is None else f"{value:,.0f} MB"


def ratio(value: float, reference: float) -> str:
    """``value / reference`` for a table cell."""
    return f"{value / reference:.2f}×" if reference else "–"


def seed_rows(results: dict[str, Any]) -> list[list[str]]:
    """Rows of the seed-corpus table: measure, ours, reference, ratio."""
    rows: list[list[str]] = []
    answers = results.get("answers")
    if answers:
        ours, base = answers["ours"], answers["baseline"]
        for label, key in (("new questions", "new"), ("repeated questions", "repeated")):
            for stat in ("p50", "p95"):
                value, reference = ours[key][f"{stat}_ms"], base[key][f"{stat}_ms"]
                rows.append(
                    [
                        f"warm ask {stat}, {label}",
                        ms(value),
                        f"quickstart {ms(reference)}",
                        ratio(value, reference),
                    ]
                )
        rows.append(["warm ask p50, inside the chain", ms(ours.get("chain_p50_ms")), "", ""])
    processes = results.get("processes")
    if processes:
        rows.append(
            [
                "cold ask (process start → answer)",
                seconds(processes["cold_ask_s"]),
                f"quickstart {seconds(processes['baseline_cold_s'])}; "
                f"{_imports(processes)}"
                f"model load alone {seconds(processes['model_load_process_s'])}; "
                f"empty Python {seconds(processes['python_start_s'])}",
                ratio(processes["cold_ask_s"], processes["baseline_cold_s"]),
            ]
        )
    ingest = results.get("ingest")
    if ingest:
        rows.append(
            [
                f"ingest throughput ({ingest['chunks']} chunks, {ingest['texts']} texts embedded)",
                f"{ingest['ingest_chunks_per_s']:.1f} chunks/s ({seconds(ingest['ingest_s'])})",
                f"raw encoder {ingest['raw_chunks_per_s']:.1f} chunks/s ({seconds(ingest['raw_encoder_s'])})",
                f"{ingest['share_of_raw']:.0%}",
            ]
        )
        if "ingest_encode_s" in ingest:
            outside = ingest["ingest_s"] - ingest["ingest_encode_s"]
            rows.append(
                [
                    "ingest: time outside the encoder (read, chunk, write)",
                    seconds(outside),
                    f"of {seconds(ingest['ingest_s'])} in all",
                    f"{outside / ingest['ingest_s']:.0%}" if ingest["ingest_s"] else "–",
                ]
            )
    if processes:
        rows += [
            ["first ingest (process, model load included)", seconds(processes["first_ingest_s"]), "", ""],
            [
                "no-change re-ingest (process)",
                seconds(processes["no_change_reingest_s"]),
                f"opening the index alone {seconds(processes.get('open_index_process_s'))}; "
                f"ingest modules only {seconds(processes.get('ingest_path_only_process_s'))}",
                ratio(processes["no_change_reingest_s"], processes.get("open_index_process_s") or 0),
            ],
            [
                "one-file re-ingest (process)",
                seconds(processes["one_file_reingest_s"]),
                f"model load alone {seconds(processes['model_load_process_s'])}",
                ratio(processes["one_file_reingest_s"], processes["model_load_process_s"]),
            ],
        ]
    encoder = results.get("query_encoder")
    if encoder:
        rows.append(
            [
                "numpy question encoder vs sentence-transformers",
                f"{encoder['identical_answers']}/{encoder['questions']} answers and quotes identical",
                f"largest vector difference {encoder['max_abs_diff']:.1e}; "
                f"{encoder['score_rounding_differences']} citation score(s) differ in the 4th decimal",
                "",
            ]
        )
    return rows


def _imports(processes: dict[str, Any]) -> str:
    """The cold answer's import floor for its reference cell (empty when not measured)."""
    if "import_ask_path_process_s" not in processes:
        return ""
    return (
        f"importing the ask path alone {seconds(processes['import_ask_path_process_s'])} "
        f"(chromadb {seconds(processes['import_chromadb_s'])}, "
        f"then the answer chain with LangChain, BM25 and the tokenizer "
        f"{seconds(processes['import_chain_s'])}); "
    )


def scale_rows(results: dict[str, Any]) -> list[list[str]]:
    """Rows of the scale table, one per size and index location."""
    rows: list[list[str]] = []
    seed, ingest = results.get("seed_query"), results.get("ingest")
    if seed and ingest:
        rows.append(
            [
                "x1 (the seed corpus)",
                f"– / {seed['chunks']:,} / {ingest['texts'] - ingest['chunks']:,}",
                "all",
                f"{seconds(ingest['ingest_s'])} (model loaded)",
                megabytes(seed.get("index_mb")),
                seconds(seed["startup_s"]),
                ms(seed["first_ask_ms"]),
                ms(seed["new_questions"]["p50_ms"]),
                ms(seed["new_questions"]["p95_ms"]),
                megabytes(seed["peak_rss_mb"]),
                "",
            ]
        )
    for run in results.get("scale", []):
        plan = run["plan"]
        if "error" in run:
            rows.append([f"x{plan['scale']:g}", "failed: " + run["error"][:80], *[""] * 9])
            continue
        for where in ("embedded", "server"):
            if where not in run:
                continue
            ingest, query = run[where]["ingest"], run[where]["query"]
            texts = ingest["real_texts"] + ingest["derived_texts"] + ingest["reused_texts"]
            real = "all" if plan["real_share"] >= 1 else f"{ingest['real_texts']:,} of {texts:,}"
            if where == "server":
                real = "vectors reused from the embedded run"
                memory = (
                    f"{megabytes(query['peak_rss_mb'])} + server {megabytes(query['server_peak_rss_mb'])}"
                )
                ingest_time = seconds(ingest["seconds"])
            else:
                memory = megabytes(query["peak_rss_mb"])
                ingest_time = seconds(ingest["seconds"])
                if plan["real_share"] < 1:
                    ingest_time += f" (all real: ~{seconds(ingest['projected_full_embed_s'])}, extrapolated)"
            rows.append(
                [
                    f"x{plan['scale']:g} {where}",
                    f"{plan['documents']:,} / {ingest['chunks']:,} / {ingest['sentences']:,}",
                    real,
                    ingest_time,
                    megabytes(ingest["index_mb"]),
                    seconds(query["startup_s"]),
                    ms(query["first_ask_ms"]),
                    ms(query["new_questions"]["p50_ms"]),
                    ms(query["new_questions"]["p95_ms"]),
                    memory,
                    _lexical(query.get("lexical")),
                ]
            )
    return rows


def _lexical(lexical: dict[str, float] | None) -> str:
    if not lexical:
        return ""
    text = f"load {seconds(lexical['load_chunks_s'])}, build {seconds(lexical['build_s'])}"
    if "cache_read_s" in lexical:
        text += f", cached {seconds(lexical['cache_read_s'])}"
    return text


def concurrency_rows(results: dict[str, Any]) -> list[list[str]]:
    """Rows of the concurrency table."""
    return [
        [
            str(run["users"]),
            str(run["requests"]),
            str(run["errors"]),
            ms(run["p50_ms"]),
            ms(run["p95_ms"]),
            ms(run.get("inside_app", {}).get("p50_ms")),
            f"{run['answers_per_s']:.1f}",
            f"{ms(run.get('app_cpu_ms_per_answer'))} / {ms(run.get('client_cpu_ms_per_answer'))}",
        ]
        for run in results.get("concurrency", {}).get("runs", [])
    ]


def concurrency_note(results: dict[str, Any]) -> str:
    """Where the most users' CPU went: the simulated clients run on the app's own cores.

    In a closed loop (each user asks again as soon as answered) the mean wait is users divided by
    answers per second, and answers per second is bounded by the cores over the CPU each answer
    costs, the clients' included. Derived from the run's own figures; empty without them.
    """
    runs = results.get("concurrency", {}).get("runs", [])
    cpus = results.get("machine_before", {}).get("cpus") or 0
    if not runs or not cpus:
        return ""
    run = max(runs, key=lambda item: item["users"])
    app, clients = run.get("app_cpu_ms_per_answer"), run.get("client_cpu_ms_per_answer")
    if not app or clients is None or not run["answers_per_s"]:
        return ""
    return (
        f"The simulated users run on the same {cpus} cores as the app: with {run['users']} users they "
        f"used {ms(clients)} of CPU per answer against the app's {ms(app)} "
        f"({clients / (app + clients):.0%} of the CPU went to the clients). In a closed loop the mean "
        f"wait is users ÷ answers per second ({run['users']} ÷ {run['answers_per_s']:.1f} = "
        f"{seconds(run['users'] / run['answers_per_s'])}); the app's own CPU per answer would allow "
        f"about {cpus * 1000 / app:.0f} answers/s on {cpus} cores (derived, not measured)."
    )


def target_references(results: dict[str, Any]) -> dict[str, str]:
    """For each target, the figure of the same run it should be judged against."""
    references: dict[str, str] = {}
    base = results.get("answers", {}).get("baseline", {}).get("new")
    if base:
        references["warm ask p50 (seed)"] = f"quickstart {ms(base['p50_ms'])}"
        references["warm ask p95 (seed)"] = f"quickstart {ms(base['p95_ms'])}"
    processes = results.get("processes", {})
    if "import_ask_path_process_s" in processes:
        floor = seconds(processes["import_ask_path_process_s"])
        references["cold ask"] = f"importing the ask path alone {floor}"
    if "open_index_process_s" in processes:
        floor = seconds(processes["open_index_process_s"])
        references["no-change re-ingest"] = f"opening the index alone {floor}"
    ingest = results.get("ingest")
    if ingest:
        references["ingest throughput / raw encoder"] = (
            f"raw encoder {ingest['raw_chunks_per_s']:.1f} chunks/s, "
            f"ingest {ingest['ingest_chunks_per_s']:.1f} chunks/s"
        )
    seed = results.get("seed_query")
    if seed:
        references["query p95 at 1000x"] = f"x1: {ms(seed['new_questions']['p95_ms'])}"
        references["resident memory at 1000x"] = f"x1: {megabytes(seed['peak_rss_mb'])}"
    for run in results.get("concurrency", {}).get("runs", []):
        if run["users"] == 1:
            references["20 web users: errors"] = f"1 user: {run['errors']} of {run['requests']}"
            references["20 web users: p95"] = f"1 user: {ms(run['p95_ms'])}"
    return references


def target_rows(results: dict[str, Any]) -> list[list[str]]:
    """Rows of the targets table: target, measured, limit, verdict, same-run reference."""
    references = target_references(results)
    rows = []
    for target in results.get("targets", []):
        value = target["value"]
        shown = "not measured" if value is None else f"{value:,.2f} {target['unit']}".strip()
        verdict = {None: "–", True: "met", False: "**missed**"}[target["met"]]
        limit = f"{target['comparison']} {target['limit']:g} {target['unit']}".strip()
        rows.append([target["target"], shown, limit, verdict, references.get(target["target"], "")])
    return rows


def render_markdown(results: dict[str, Any]) -> str:
    """Every table of a benchmark run, with the machine it ran on."""
    parts = ["# Benchmark", ""]
    before, after = results.get("machine_before", {}), results.get("machine_after", {})
    if before:
        load = before.get("load_average") or []
        load_after = after.get("load_average") or []
        parts.append(
            f"{before.get('cpus')} CPUs, Python {before.get('python')}; load average "
            f"{', '.join(f'{v:.1f}' for v in load[:1])} at the start, "
            f"{', '.join(f'{v:.1f}' for v in load_after[:1])} at the end; "
            f"{results.get('seconds', 0) / 60:.0f} min in all."
        )
        parts.append("")
    rows = seed_rows(results)
    if rows:
        parts += ["## Seed corpus", "", table(["measure", "ours", "reference (same run)", "ratio"], rows), ""]
    rows = scale_rows(results)
    if rows:
        header = [
            "corpus",
            "documents / chunks / sentences",
            "embedded for real",
            "ingest",
            "index on disk",
            "startup",
            "first answer",
            "p50",
            "p95",
            "peak memory",
            "lexical index",
        ]
        parts += ["## Scale (synthetic corpus)", "", table(header, rows), "", SCALE_NOTE, ""]
    concurrency = results.get("concurrency", {})
    if concurrency.get("error"):
        parts += ["## Concurrent web users", "", concurrency["error"], ""]
    rows = concurrency_rows(results)
    if rows:
        header = [
            "users",
            "requests",
            "errors",
            "p50",
            "p95",
            "p50 inside the app",
            "answers/s",
            "CPU per answer: app / clients",
        ]
        parts += ["## Concurrent web users (gradio_client over loopback)", "", table(header, rows), ""]
        note = concurrency_note(results)
        if note:
            parts += [note, ""]
    rows = target_rows(results)
    if rows:
        parts += ["## Targets", "", table(["target", "measured", "limit", "", "reference (same run)"], rows)]
    return "\n".join(parts).rstrip()
