"""Benchmarks on the seed corpus: ingest against the raw encoder, re-ingest, cold and warm answers.

Each figure comes with its reference measured in the same run on the same machine: the encoder alone
on exactly the texts the ingest embeds, the naive quickstart pipeline for answers, an empty Python
process and a bare model load for process start-up.
"""

from __future__ import annotations

import shutil
import statistics
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from eval.bench.tools import child_env, python_command, run_timed, run_worker, summarise

COLD_QUESTION = "Why do shared services fail?"


class TimedEmbeddings:
    """Wraps embeddings to count the texts embedded and the seconds spent in ``encode``."""

    def __init__(self, embeddings: Any) -> None:
        """Wrap ``embeddings`` (anything with ``encode`` and ``query_vector``)."""
        self.embeddings = embeddings
        self.model_name = getattr(embeddings, "model_name", "model")
        self.texts = 0
        self.seconds = 0.0

    def encode(self, texts: list[str], show_progress: bool = False) -> np.ndarray:
        """Embed and count."""
        started = time.perf_counter()
        vectors = self.embeddings.encode(texts)
        self.seconds += time.perf_counter() - started
        self.texts += len(texts)
        return np.asarray(vectors)

    def query_vector(self, text: str) -> np.ndarray:
        """A question's vector (not counted)."""
        return np.asarray(self.embeddings.query_vector(text))


def ingest_texts(corpus_dir: Path, max_chars: int) -> tuple[int, list[str]]:
    """The number of chunks and every text the ingest embeds for a corpus (chunks, then sentences)."""
    from ingest.chunking import chunk_document
    from ingest.pipeline import embedding_text, read_corpus, sentence_embedding_texts

    chunk_count, texts = 0, []
    for doc, title, raw in read_corpus(corpus_dir):
        chunks = chunk_document(doc, title, raw, max_chars)
        chunk_count += len(chunks)
        texts += [embedding_text(chunk) for chunk in chunks] + sentence_embedding_texts(chunks)
    return chunk_count, texts


def measure_ingest(settings: Any, embeddings: Any, rounds: int) -> dict[str, Any]:
    """Ingest throughput against the raw encoder on the same texts, alternated, best of ``rounds``.

    The raw encoder embeds every text the ingest embeds in one call: what this machine can do with
    this model. The ingest is a full in-process rebuild with the model already loaded. Both are timed
    after an untimed pass over the same texts.
    """
    from assistant.index.store import GuidanceIndex, open_client
    from ingest.pipeline import ingest_corpus

    chunk_count, texts = ingest_texts(settings.corpus_dir, settings.chunk_max_chars)
    index = GuidanceIndex(open_client(settings), settings.collection, settings.embedding_model)
    # One untimed pass over the same texts: a process's first pass through torch is much slower (in
    # one run 9.6 s, then 6.3 s for the ingest that followed), which would count against the raw encoder.
    embeddings.encode(texts)
    raw_times, ingest_times, encode_times = [], [], []
    vectors = np.zeros((0, 0))
    for _ in range(rounds):
        started = time.perf_counter()
        vectors = embeddings.encode(texts)
        raw_times.append(time.perf_counter() - started)
        timed = TimedEmbeddings(embeddings)
        started = time.perf_counter()
        ingest_corpus(settings, index, timed, rebuild=True)
        ingest_times.append(time.perf_counter() - started)
        encode_times.append(timed.seconds)
    raw, ingest = min(raw_times), min(ingest_times)
    return {
        "chunks": chunk_count,
        "texts": len(texts),
        "raw_encoder_s": raw,
        "ingest_s": ingest,
        "ingest_encode_s": encode_times[ingest_times.index(ingest)],
        "raw_texts_per_s": len(texts) / raw,
        "raw_chunks_per_s": chunk_count / raw,
        "ingest_chunks_per_s": chunk_count / ingest,
        "share_of_raw": raw / ingest,
        "raw_s_all_rounds": raw_times,
        "ingest_s_all_rounds": ingest_times,
        "pool": vectors,
    }


def measure_processes(settings: Any, scratch: Path, rounds: int) -> dict[str, Any]:
    """Whole-process figures on a scratch copy: first ingest, no-change and one-file re-ingest, cold asks.

    References: an empty Python process, a process that only imports what a cold answer imports
    (Chroma, the answer chain), a process that only loads the model (torch), and the naive
    quickstart's cold answer (split and embed the corpus in memory, then answer).
    """
    corpus = scratch / "corpus"
    shutil.copytree(settings.corpus_dir, corpus)
    env = child_env(
        ASSISTANT_DATA_DIR=scratch / "data", ASSISTANT_CORPUS_DIR=corpus, ASSISTANT_CHROMA_URL=None
    )
    assistant = python_command("-m", "assistant")
    first_ingest, _ = run_timed([*assistant, "ingest"], env)
    no_change = [run_timed([*assistant, "ingest"], env)[0] for _ in range(rounds)]
    cold = [run_timed([*assistant, "ask", COLD_QUESTION, "--json"], env)[0] for _ in range(rounds)]
    empty = [run_timed(python_command("-c", "pass"), env)[0] for _ in range(rounds)]
    model = [run_worker("load-model", [], env)["wall_s"] for _ in range(rounds)]
    imports = [run_worker("import-ask-path", [], env) for _ in range(rounds)]
    where = ["--corpus", str(corpus), "--data", str(scratch / "data")]
    open_only = [run_worker("open-index", where, env)["wall_s"] for _ in range(rounds)]
    ingest_only = [run_worker("ingest-only", where, env)["wall_s"] for _ in range(rounds)]
    baseline = [
        run_worker("baseline-cold", ["--corpus", str(corpus), "--question", COLD_QUESTION], env)["wall_s"]
        for _ in range(rounds)
    ]
    changed = sorted(corpus.glob("*.txt"))[-1]
    changed.write_text(
        changed.read_text(encoding="utf-8") + "\n\nA closing note on sharing.\n", encoding="utf-8"
    )
    one_file, _ = run_timed([*assistant, "ingest"], env)
    return {
        "first_ingest_s": first_ingest,
        "no_change_reingest_s": statistics.median(no_change),
        "one_file_reingest_s": one_file,
        "cold_ask_s": statistics.median(cold),
        "cold_ask_all_s": cold,
        "python_start_s": statistics.median(empty),
        "open_index_process_s": statistics.median(open_only),
        "ingest_path_only_process_s": statistics.median(ingest_only),
        "model_load_process_s": statistics.median(model),
        "import_ask_path_process_s": statistics.median(run["wall_s"] for run in imports),
        "import_chromadb_s": statistics.median(run["chromadb_s"] for run in imports),
        "import_chain_s": statistics.median(run["chain_s"] for run in imports),
        "baseline_cold_s": statistics.median(baseline),
    }


def measure_latency(ask: Callable[[str], Any], questions: Sequence[str], rounds: int) -> dict[str, Any]:
    """Warm latency in ms: each question once, new to the process (no cached question vector), then
    ``rounds`` more passes of the same questions."""
    ask("What are shared services?")
    fresh = [_timed_ms(ask, question) for question in questions]
    repeated = [_timed_ms(ask, question) for _ in range(rounds) for question in questions]
    return {"new": summarise(fresh), "repeated": summarise(repeated)}


def measure_answers(settings: Any, model: Any, questions: Sequence[str], rounds: int) -> dict[str, Any]:
    """Warm latency of our default path and of the naive quickstart, side by side in this process.

    Both use the same loaded model (``SentenceEmbeddings``); the quickstart embeds each question with
    it through torch, ours through the numpy question encoder.
    """
    from assistant.service import open_assistant
    from eval.baseline import BaselinePipeline

    ours = open_assistant(settings, embeddings=model)
    ours.chain()
    inner: list[float] = []

    def ask(question: str) -> Any:
        answer = ours.ask(question)
        inner.append(answer.timings_ms["total"])
        return answer

    result = {"ours": measure_latency(ask, questions, rounds)}
    result["ours"]["chain_p50_ms"] = statistics.median(inner)
    baseline = BaselinePipeline(settings.corpus_dir, model)
    result["baseline"] = measure_latency(lambda question: baseline.answer([question]), questions, rounds)
    return result


def compare_query_encoders(settings: Any, questions: Sequence[str]) -> dict[str, Any]:
    """Answers with the numpy question encoder against those with sentence-transformers.

    An answer is the same when its text, refusal and every citation's quote and span are; a citation
    score (rounded to 4 decimals) may still differ in its last digit, which is counted apart.
    """
    from assistant.index.embeddings import SentenceEmbeddings
    from assistant.service import open_assistant

    fast = SentenceEmbeddings(settings.embedding_model)
    torch = SentenceEmbeddings(settings.embedding_model, fast_queries=False)
    first, second = open_assistant(settings, embeddings=fast), open_assistant(settings, embeddings=torch)
    same = scores_differ = 0
    largest = 0.0
    for question in questions:
        a, b = first.ask(question), second.ask(question)
        same += _shown(a) == _shown(b)
        scores_differ += [c.score for c in a.citations] != [c.score for c in b.citations]
        largest = max(
            largest, float(np.abs(fast.query_vector(question) - torch.query_vector(question)).max())
        )
    return {
        "fast_encoder": fast.query_encoder() is not None,
        "identical_answers": same,
        "score_rounding_differences": scores_differ,
        "questions": len(questions),
        "max_abs_diff": largest,
    }


def _shown(answer: Any) -> tuple[Any, ...]:
    """What a reader sees of an answer: its text, whether it refused, and each quote with its place."""
    return (
        answer.answer,
        answer.abstained,
        [(c.n, c.doc, c.section, c.quote, c.start, c.end) for c in answer.citations],
    )


def _timed_ms(ask: Callable[[str], Any], question: str) -> float:
    started = time.perf_counter()
    ask(question)
    return (time.perf_counter() - started) * 1000


PROPOSAL_PAGE_CHARS = 3_500
"""Characters of a page of a proposal (about 550 words)."""


def measure_review(model: Any, pages: int, rounds: int) -> dict[str, Any]:
    """Warm time of a review of a proposal of ``pages`` pages (the eval proposals one after the other)."""
    from assistant.review.judge import review_text
    from eval.review_eval import PROPOSALS_DIR

    texts = [path.read_text(encoding="utf-8") for path in sorted(PROPOSALS_DIR.glob("*.md"))]
    proposal = "\n\n".join(texts * (1 + pages * PROPOSAL_PAGE_CHARS // sum(map(len, texts))))
    proposal = proposal[: pages * PROPOSAL_PAGE_CHARS]
    review_text(proposal, "warm-up.md", model)
    timings = [_timed_ms(lambda text: review_text(text, "bench.md", model), proposal) for _ in range(rounds)]
    return {"pages": pages, "chars": len(proposal), **summarise(timings)}
