"""``assistant bench``: run the benchmarks, print the tables, save JSON, Markdown, charts (cheap import)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def number_list(value: str) -> list[float]:
    """``"100,1000"`` → ``[100.0, 1000.0]``; ``"none"`` or ``""`` → ``[]``."""
    if value.strip().lower() in ("", "none", "0"):
        return []
    try:
        numbers = [float(part) for part in value.split(",") if part.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of numbers: {value!r}") from None
    if any(number <= 0 for number in numbers):
        raise argparse.ArgumentTypeError("every number must be positive")
    return numbers


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of ``assistant bench``."""
    parser.add_argument(
        "--out", type=Path, default=Path("reports"), help="folder for the results (default: reports)"
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a run of a few minutes: one round, a x10 synthetic corpus, 1 and 5 web users",
    )
    parser.add_argument(
        "--scale",
        type=number_list,
        metavar="N,N",
        help="synthetic corpus sizes, times the seed (default: 100,1000)",
    )
    parser.add_argument(
        "--users", type=number_list, metavar="N,N", help="simultaneous web users (default: 1,5,20)"
    )
    parser.add_argument("--rounds", type=int, metavar="N", help="repetitions of each timed step (default: 3)")
    parser.add_argument(
        "--embed-budget",
        type=float,
        metavar="MIN",
        help="embed a synthetic corpus fully for real only if the encoder needs at most this (default: 20)",
    )
    parser.add_argument(
        "--no-server", action="store_true", help="skip the Chroma server runs of the scale test"
    )
    parser.add_argument("--seed", type=int, help="seed of the synthetic corpus (default: 0)")
    parser.add_argument(
        "--keep", type=Path, metavar="DIR", help="keep the scratch indexes and corpora in DIR"
    )


def options_from(args: argparse.Namespace) -> Any:
    """The ``BenchOptions`` the command line asks for."""
    from eval.bench.core import BenchOptions

    options = BenchOptions.quick() if args.quick else BenchOptions()
    if args.scale is not None:
        options.scales = args.scale
    if args.users is not None:
        options.users = [int(users) for users in args.users]
    if args.rounds is not None:
        options.rounds = max(1, args.rounds)
    if args.embed_budget is not None:
        options.embed_budget_s = args.embed_budget * 60
    if args.no_server:
        options.server = False
    if args.seed is not None:
        options.seed = args.seed
    if args.keep is not None:
        args.keep.mkdir(parents=True, exist_ok=True)
        options.keep, options.scratch = True, args.keep
    return options


def run(args: argparse.Namespace, settings: Any) -> int:
    """Run the benchmarks, print the tables, save the results."""
    from eval.bench.core import render_table, run_benchmarks, write_results

    results = run_benchmarks(settings, options_from(args))
    print(render_table(results))
    print(f"\nSaved to {write_results(results, args.out)}")
    return 0
