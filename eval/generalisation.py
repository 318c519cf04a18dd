"""The eval's generalisation sections: the dev set (written by others, never trained on) for the
learned pipeline, the untuned one and the naive baseline; and leave one document out."""

from __future__ import annotations

from typing import Any

from assistant.answering.ranking import Ranker
from assistant.learning.data import load_training_set
from assistant.service import open_assistant
from assistant.settings import LEARNED_RANKER
from eval.baseline import BaselinePipeline
from eval.devset import DEVSET_DIR, load_devset, measure_assistant, measure_baseline, render_devset
from eval.lodo import leave_one_document_out, render_lodo


def generalisation_report(settings: Any, embeddings: Any, lodo: bool = True) -> str:
    """The dev set table (when ``../shared/devset`` is there) and the leave-one-document-out table."""
    untuned = open_assistant(settings.model_copy(update={"query_adapter": "none"}), embeddings=embeddings)
    sections = []
    cases = load_devset()
    if cases:
        reports = {
            "naive": measure_baseline(BaselinePipeline(settings.corpus_dir, embeddings), cases),
            "untuned": measure_assistant(untuned, cases),
            "learned": measure_assistant(open_assistant(settings, embeddings=embeddings), cases),
        }
        sections.append(render_devset(reports))
    else:
        sections.append(f"dev set: not found at {DEVSET_DIR} (set ASSISTANT_DEVSET_DIR)")
    if lodo:
        results = leave_one_document_out(untuned, load_training_set(), Ranker.load(LEARNED_RANKER))
        sections.append(render_lodo(results))
    return "\n\n".join(sections)
