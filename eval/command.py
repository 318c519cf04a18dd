"""``assistant eval``: run the gold questions through the pipelines, report, and apply the quality gate.

Exit codes: 0 when the hybrid pipeline meets every threshold in ``eval/thresholds.toml``, 1 when it
misses one (each is printed), 2 for a case or thresholds file that cannot be used. Heavy libraries
are imported only when the command runs.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from assistant.errors import EXIT_FAILED as EXIT_GATE_FAILED
from assistant.errors import EXIT_USAGE

DEFAULT_OUT = Path("reports")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``assistant eval`` to its sub-parser."""
    parser.add_argument(
        "--json", action="store_true", help="print one JSON object with everything instead of the table"
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, metavar="DIR", help="folder for eval.html (default: reports)"
    )
    parser.add_argument("--no-ablation", action="store_true", help="run the hybrid pipeline only (faster)")
    parser.add_argument(
        "--no-generalisation",
        action="store_true",
        help="skip the dev set and leave-one-document-out sections (a few minutes)",
    )
    parser.add_argument(
        "--calibrate",
        action="store_true",
        help="recompute the matching thresholds from the labelled samples, print them and stop",
    )
    parser.add_argument(
        "--cases", type=Path, metavar="PATH", help="question case file (default: eval/cases/questions.yaml)"
    )


def run(args: argparse.Namespace, settings: Any) -> int:
    """Run ``assistant eval`` with parsed arguments and the assistant's settings; returns the exit code."""
    from eval.cases import QUESTIONS_PATH, CaseFileError, load_question_cases
    from eval.gate import ThresholdsError, load_thresholds

    try:
        thresholds = load_thresholds()
        if args.calibrate:
            return _calibrate(settings, thresholds)
        cases_path = args.cases or QUESTIONS_PATH
        cases = load_question_cases(cases_path).gold_cases()
    except (CaseFileError, ThresholdsError) as error:
        print(f"assistant eval: {error}", file=sys.stderr)
        return EXIT_USAGE

    from assistant.index.embeddings import SentenceEmbeddings
    from eval.discussion_eval import format_discussion_report
    from eval.features import check_features, evaluate_features
    from eval.report import render_gate, render_json, render_text, write_html
    from eval.review_eval import format_review_figures
    from eval.runner import run_eval

    embeddings = SentenceEmbeddings(settings.embedding_model, batch_size=settings.embedding_batch_size)
    evaluation = run_eval(
        settings,
        cases,
        thresholds,
        cases_file=_display_path(cases_path),
        ablation=not args.no_ablation,
        embeddings=embeddings,
    )
    features = evaluate_features(settings, embeddings)
    feature_failures = check_features(features, thresholds.features)
    report_path = write_html(evaluation, args.out)
    if args.json:
        print(json.dumps({**json.loads(render_json(evaluation)), "features": features}, default=str))
        print(render_gate(evaluation), file=sys.stderr)
        print(f"report: {report_path}", file=sys.stderr)
    else:
        print(render_text(evaluation, report_path))
        print("\nProposal review\n" + format_review_figures(features["review"]))
        print("\nDiscussion prompts\n" + format_discussion_report(features["prompts"]))
    if not args.no_generalisation:
        from eval.generalisation import generalisation_report

        print(
            "\n" + generalisation_report(settings, embeddings), file=sys.stderr if args.json else sys.stdout
        )
    for failure in feature_failures:
        print(f"  - {failure}", file=sys.stderr if args.json else sys.stdout)
    if not feature_failures:
        print(
            "features: review and prompts meet their thresholds", file=sys.stderr if args.json else sys.stdout
        )
    return 0 if evaluation.gate.passed and not feature_failures else EXIT_GATE_FAILED


def _calibrate(settings: Any, thresholds: Any) -> int:
    from assistant.index.embeddings import SentenceEmbeddings
    from eval.calibration import calibrate, render_calibration

    embeddings = SentenceEmbeddings(settings.embedding_model, batch_size=settings.embedding_batch_size)
    print(render_calibration(calibrate(embeddings), thresholds))
    return 0


def _display_path(path: Path) -> str:
    """A path relative to the working folder when it is inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
