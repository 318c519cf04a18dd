"""``assistant bench``: run the benchmarks and print their table (cheap to import)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``assistant bench``."""
    parser.add_argument("--out", type=Path, default=Path("reports"), help="folder for the results")


def run(args: argparse.Namespace, settings: Any) -> int:
    """Run every benchmark, print the table, save the results."""
    from eval.bench import render_table, run_benchmarks, write_results

    results = run_benchmarks(settings)
    print(render_table(results))
    print(f"\nSaved to {write_results(results, args.out)}")
    return 0
