"""The benchmark helpers (the benchmarks themselves print figures; no timed assertions here)."""

from eval.bench import eval_questions, measure_warm, percentile, render_table


def test_percentile_by_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 0.5) in (50.0, 51.0)
    assert percentile(values, 0.95) == 95.0
    assert percentile([3.0], 0.95) == 3.0


def test_measure_warm_counts_every_round() -> None:
    asked: list[str] = []
    result = measure_warm(asked.append, ["a", "b"], rounds=2)
    assert result["n"] == 4 and len(asked) == 2 + 4
    assert result["p95_ms"] >= result["p50_ms"] >= 0


def test_table_names_every_measure() -> None:
    processes = {
        "cold_ask_s": 3.0,
        "first_ingest_s": 20.0,
        "no_change_reingest_s": 1.2,
        "one_file_reingest_s": 5.0,
    }
    results = {
        "warm_ask": {"p50_ms": 20.0, "p95_ms": 40.0, "chain_p50_ms": 18.0, "n": 10},
        "processes": processes,
    }
    table = render_table(results)
    assert "warm ask p50" in table and "no-change re-ingest" in table and "| 1.20 s |" in table
    assert len(eval_questions()) >= 40
