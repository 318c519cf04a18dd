"""Run the gold questions through every pipeline and score them: the ablation in one run.

The pipelines are the naive baseline and ours in ``dense``, ``lexical`` and ``hybrid`` mode, all
extractive, and, when a language model is configured, the hybrid pipeline with that model writing the
answers, so its citation support is reported next to the default path's. They share one embedding
model (loading it takes seconds) and ours share one index.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

from assistant.answering.feedback import read_thumbs_down
from assistant.index.embeddings import EmbeddingCache
from assistant.records import Turn
from eval.cases import GoldCase
from eval.gate import GATED_PIPELINE, Thresholds, check_gate
from eval.results import EvalRun, PipelineOutput, PipelineResult, summarise
from eval.scoring import score_outputs

MODE_DESCRIPTIONS = {
    "dense": "ours, dense retrieval only (chunk and sentence vectors)",
    "lexical": "ours, BM25 retrieval only",
    "hybrid": "ours, dense + BM25 fused by reciprocal rank (the shipped pipeline)",
}


class Pipeline(Protocol):
    """Anything that answers a conversation's last question (the baseline, or ours in one mode)."""

    name: str
    description: str

    def answer(self, questions: Sequence[str]) -> PipelineOutput:
        """Answer the last of ``questions``; the earlier ones are the conversation so far."""
        ...


class AssistantPipeline:
    """Our pipeline in one retrieval mode, seen through the ``Pipeline`` protocol."""

    def __init__(self, assistant: Any, name: str, description: str, writes_with_model: bool = False) -> None:
        """Wrap an ``Assistant`` (``writes_with_model``: its answers come from a language model)."""
        self.assistant = assistant
        self.name = name
        self.description = description
        self.writes_with_model = writes_with_model

    def answer(self, questions: Sequence[str]) -> PipelineOutput:
        """Answer the last question after the earlier turns, as a conversation would.

        Earlier turns are answered too: a follow-up reads the previous answer ("which of those…") and
        the earlier standalone queries.
        """
        history: list[Turn] = []
        for question in questions[:-1]:
            earlier = self.assistant.ask(question, history)
            history.append(Turn(self.assistant.standalone_query(question, history), earlier))
        answer = self.assistant.ask(questions[-1], history)
        passages = self.assistant.retrieve(self.assistant.standalone_query(questions[-1], history))
        return PipelineOutput(
            answer, [(passage.metadata["doc"], passage.metadata["section"]) for passage in passages]
        )


class PipelineEmbeddings:
    """The shared embedding model with a question cache of the pipeline's own.

    The assistant remembers recent question vectors; without its own cache, a pipeline would be
    timed on vectors an earlier pipeline computed.
    """

    def __init__(self, model: Any) -> None:
        """Share ``model`` (anything with ``encode``)."""
        self.model = model
        self.model_name: str = getattr(model, "model_name", "shared")
        self._queries: dict[str, Any] = {}

    def encode(self, texts: list[str], show_progress: bool = False) -> Any:
        """Embed texts with the shared model."""
        return self.model.encode(texts)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages (LangChain interface)."""
        return self.model.encode(texts).tolist()

    def embed_query(self, text: str) -> list[float]:
        """Embed one question (LangChain interface)."""
        return self.query_vector(text).tolist()

    def query_vector(self, text: str) -> Any:
        """Embed one question, once per pipeline."""
        if text not in self._queries:
            self._queries[text] = self.model.encode([text])[0]
        return self._queries[text]


def build_pipelines(
    settings: Any, embeddings: Any, ablation: bool = True, chat_model: Any = None
) -> list[Pipeline]:
    """The pipelines to compare: baseline, dense, lexical, hybrid (only hybrid without ablation), all
    extractive; then, when a language model is configured, the hybrid pipeline with that model writing.

    The index is first brought in line with the corpus (nothing is embedded when it is current), so
    the suite scores the corpus as it is; every pipeline shares it.

    Args:
        settings: The assistant's ``Settings`` (``llm_provider`` adds the model's pipeline).
        embeddings: The shared embedding model.
        ablation: Compare all four extractive pipelines.
        chat_model: The language model (default: the one ``settings`` name; tests pass fakes).
    """
    from assistant.generation.providers import generator_name
    from assistant.service import open_assistant
    from eval.baseline import BaselinePipeline
    from ingest.pipeline import ingest_corpus

    extractive = settings.model_copy(update={"llm_provider": "none"})
    hybrid = open_assistant(extractive, embeddings=PipelineEmbeddings(embeddings), mode="hybrid")
    ingest_corpus(extractive, hybrid.index, hybrid.embeddings)
    hybrid.chain()
    pipelines: list[Pipeline] = []
    if ablation:
        pipelines.append(BaselinePipeline(settings.corpus_dir, embeddings))
        for mode in ("dense", "lexical"):
            assistant = open_assistant(
                extractive, embeddings=PipelineEmbeddings(embeddings), index=hybrid.index, mode=mode
            )
            pipelines.append(AssistantPipeline(assistant, mode, MODE_DESCRIPTIONS[mode]))
    pipelines.append(AssistantPipeline(hybrid, GATED_PIPELINE, MODE_DESCRIPTIONS[GATED_PIPELINE]))
    if settings.llm_provider != "none":
        writer = open_assistant(
            settings,
            embeddings=PipelineEmbeddings(embeddings),
            index=hybrid.index,
            mode="hybrid",
            chat_model=chat_model,
        )
        pipelines.append(
            AssistantPipeline(
                writer,
                f"{GATED_PIPELINE}+{settings.llm_provider}",
                f"ours, hybrid retrieval, answers written by {generator_name(settings)}, every sentence "
                "verified against the passage it cites (the extract when nothing survives)",
                writes_with_model=True,
            )
        )
    return pipelines


def run_pipeline(
    pipeline: Pipeline,
    cases: Sequence[GoldCase],
    embeddings: EmbeddingCache,
    corpus_dir: Path,
    thresholds: Thresholds,
) -> PipelineResult:
    """Ask every gold question of one pipeline and score the answers."""
    started = time.perf_counter()
    outputs = [pipeline.answer(case.questions) for case in cases]
    results = score_outputs(cases, outputs, embeddings, corpus_dir, thresholds)
    return PipelineResult(
        pipeline.name,
        pipeline.description,
        results,
        summarise(results, writes_with_model=getattr(pipeline, "writes_with_model", False)),
        seconds=time.perf_counter() - started,
    )


def run_eval(
    settings: Any,
    cases: Sequence[GoldCase],
    thresholds: Thresholds,
    cases_file: str,
    ablation: bool = True,
    embeddings: Any = None,
    log: Callable[[str], None] | None = None,
    chat_model: Any = None,
) -> EvalRun:
    """Run and score every pipeline on the same gold cases, then apply the gate to the hybrid one.

    Args:
        settings: The assistant's ``Settings``.
        cases: The gold cases.
        thresholds: Matching thresholds and the gate.
        cases_file: Where the cases came from, for the report.
        ablation: Compare all four pipelines; False runs the hybrid one only. A configured language
            model (``settings.llm_provider``) adds its pipeline either way.
        embeddings: The shared embedding model (default: the one named in settings).
        log: Where progress lines go (default: stderr).
        chat_model: The language model (default: the one named in settings).
    """
    from assistant.index.embeddings import SentenceEmbeddings

    say = log or (lambda line: print(line, file=sys.stderr, flush=True))
    started = time.perf_counter()
    if embeddings is None:
        embeddings = SentenceEmbeddings(settings.embedding_model, batch_size=settings.embedding_batch_size)
    embeddings.encode(["warm-up"])
    say(f"model loaded in {time.perf_counter() - started:.1f} s")
    pipelines = build_pipelines(settings, embeddings, ablation, chat_model)
    say(f"pipelines ready in {time.perf_counter() - started:.1f} s")
    cache = EmbeddingCache(embeddings)
    results = []
    for pipeline in pipelines:
        result = run_pipeline(pipeline, cases, cache, settings.corpus_dir, thresholds)
        say(f"{pipeline.name}: {len(cases)} questions scored in {result.seconds:.1f} s")
        results.append(result)
    gated = next(result for result in results if result.name == GATED_PIPELINE)
    return EvalRun(
        pipelines=results,
        gate=check_gate(gated.summary, thresholds.gate),
        cases_file=cases_file,
        seconds=time.perf_counter() - started,
        thresholds=thresholds.model_dump(),
        feedback=read_thumbs_down(settings.feedback_log),
    )
