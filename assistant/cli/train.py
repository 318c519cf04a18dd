"""``assistant train``: rebuild every learned artefact from the training data (seeded, a few minutes)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the options of ``assistant train`` to its sub-parser."""
    parser.add_argument(
        "--data",
        type=Path,
        default=None,
        help="folder of training YAML files (default: assistant/data/training)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="where to write the query adapter; the other models are written beside it "
        "(default: assistant/data/models/query_adapter.npz)",
    )


def run(args: argparse.Namespace, settings: Any) -> int:
    """Train on the corpus the index holds (built first if needed); print what was written."""
    from assistant.learning.data import TRAINING_DIR, load_training_set
    from assistant.learning.review import write_review_model
    from assistant.learning.train import train_refusal, train_retrieval
    from assistant.service import open_assistant
    from assistant.settings import LEARNED_ADAPTER, LEARNED_RANKER, LEARNED_REVIEW

    data = load_training_set(args.data or TRAINING_DIR)
    assistant = open_assistant(settings.model_copy(update={"query_adapter": "none"}))
    assistant.chain()  # builds or updates the index
    out = args.out or LEARNED_ADAPTER
    progress = sys.stderr.isatty()
    ranker = out.with_name("ranker.json") if args.out else LEARNED_RANKER
    report = train_retrieval(assistant, data, out, ranker, progress=progress)
    print(report.summary(), flush=True)

    def open_adapted(path: Path) -> Any:
        return open_assistant(
            settings.model_copy(update={"query_adapter": str(path), "abstain_threshold": 0.0}),
            index=assistant.index,
            embeddings=assistant.embeddings,
        )

    print(train_refusal(open_adapted, report.folds, ranker, out, progress=progress), flush=True)
    review = out.with_name("review.npz") if args.out else LEARNED_REVIEW
    print(write_review_model(data, assistant.embeddings, review, settings.embedding_model))
    return 0
