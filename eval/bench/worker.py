"""Benchmark steps that need a process of their own (for a cold start or a clean memory peak).

Run as ``python -m eval.bench.worker COMMAND [options]``; each command prints one
``BENCH_RESULT {json}`` line (see ``eval.bench.tools``). The parent process starts them, times them
from the outside and reads their result.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

STARTED = time.perf_counter()

from eval.bench.tools import emit, memory_mb, summarise  # noqa: E402 - the clock starts first


def settings_for(args: argparse.Namespace) -> Any:
    """Settings over the worker's corpus and data folders (and Chroma server, if given)."""
    from assistant.settings import Settings

    return Settings(data_dir=args.data, corpus_dir=args.corpus, chroma_url=args.chroma_url or None)


def baseline_cold(args: argparse.Namespace) -> dict[str, Any]:
    """The naive quickstart from a cold process: split and embed the corpus in memory, answer once."""
    from assistant.index.embeddings import SentenceEmbeddings
    from eval.baseline import BaselinePipeline

    settings = settings_for(args)
    pipeline = BaselinePipeline(settings.corpus_dir, SentenceEmbeddings(settings.embedding_model))
    output = pipeline.answer([args.question])
    return {"citations": len(output.answer.citations), "seconds_in_process": time.perf_counter() - STARTED}


def load_model(args: argparse.Namespace) -> dict[str, Any]:
    """Load the sentence-transformers model (torch) and embed one text: the floor of any embedding process."""
    from assistant.index.embeddings import SentenceEmbeddings
    from assistant.settings import Settings

    SentenceEmbeddings(Settings().embedding_model).encode(["warm-up"])
    return {"seconds_in_process": time.perf_counter() - STARTED}


def import_ask_path(args: argparse.Namespace) -> dict[str, Any]:
    """Import what a cold ``assistant ask`` imports, and nothing more: the floor of any cold answer.

    Chroma first, then the answer chain (LangChain, the lexical index, the question encoder's
    libraries), each timed, so that the table can say where a cold answer's seconds go.
    """
    started = time.perf_counter()
    import chromadb  # noqa: F401 - imported only to be timed

    chroma = time.perf_counter() - started
    started = time.perf_counter()
    import bm25s  # noqa: F401
    import tokenizers  # noqa: F401

    import assistant.answering.chain  # noqa: F401

    chain = time.perf_counter() - started
    return {"chromadb_s": chroma, "chain_s": chain, "seconds_in_process": time.perf_counter() - STARTED}


def open_index(args: argparse.Namespace) -> dict[str, Any]:
    """Open the index and read its document hashes: the floor of any no-change re-ingest."""
    from assistant.index.store import GuidanceIndex, open_client

    settings = settings_for(args)
    index = GuidanceIndex(open_client(settings), settings.collection, settings.embedding_model)
    return {"documents": len(index.document_hashes()), "seconds_in_process": time.perf_counter() - STARTED}


def ingest_only(args: argparse.Namespace) -> dict[str, Any]:
    """A re-ingest that imports only the ingest path (not the answer chain the CLI imports)."""
    from assistant.index.embeddings import SentenceEmbeddings
    from assistant.index.store import GuidanceIndex, open_client
    from ingest.pipeline import ingest_corpus

    settings = settings_for(args)
    index = GuidanceIndex(open_client(settings), settings.collection, settings.embedding_model)
    report = ingest_corpus(settings, index, SentenceEmbeddings(settings.embedding_model))
    return {"changed": report.changed, "seconds_in_process": time.perf_counter() - STARTED}


def ingest(args: argparse.Namespace) -> dict[str, Any]:
    """Ingest a (synthetic) corpus with ``ScaleEmbeddings``; report times, counts and peak memory."""
    import numpy as np

    from assistant.index.embeddings import SentenceEmbeddings
    from assistant.index.store import GuidanceIndex, open_client
    from eval.bench.vectors import ScaleEmbeddings, load_vectors, save_vectors
    from ingest.pipeline import ingest_corpus

    settings = settings_for(args)
    model = SentenceEmbeddings(settings.embedding_model, batch_size=settings.embedding_batch_size)
    loading = time.perf_counter()
    if args.real_share > 0:
        model.encode(["warm-up"])
    model_seconds = time.perf_counter() - loading
    embeddings = ScaleEmbeddings(model, np.load(args.pool), args.real_share, load_vectors(args.known))
    index = GuidanceIndex(open_client(settings), settings.collection, settings.embedding_model)
    started = time.perf_counter()
    report = ingest_corpus(settings, index, embeddings)
    seconds = time.perf_counter() - started
    if args.save:
        save_vectors({**embeddings.known, **embeddings.computed}, args.save)
    return {
        "seconds": seconds,
        "model_load_s": model_seconds,
        "documents": len(report.added) + len(report.updated),
        "chunks": report.chunks,
        "sentences": int(index.sentences.count()),
        **embeddings.counts(),
        "peak_rss_mb": memory_mb(),
    }


def query(args: argparse.Namespace) -> dict[str, Any]:
    """Open the index as the app does, then time questions: startup, first answer, warm p50/p95, memory."""
    from assistant.service import open_assistant
    from eval.bench.core import eval_questions

    imported = time.perf_counter() - STARTED
    assistant = open_assistant(settings_for(args))
    started = time.perf_counter()
    assistant.chain()
    startup = time.perf_counter() - started
    questions = eval_questions()
    started = time.perf_counter()
    assistant.ask(questions[0])
    first = time.perf_counter() - started
    fresh = [_timed_ms(assistant.ask, question) for question in questions[1:]]
    repeated = [_timed_ms(assistant.ask, question) for _ in range(args.rounds) for question in questions]
    result = {
        "import_s": imported,
        "startup_s": startup,
        "first_ask_ms": first * 1000,
        "chunks": len(assistant.chunks()),
        "new_questions": summarise(fresh),
        "repeated_questions": summarise(repeated),
        "rss_mb": memory_mb(field="VmRSS"),
        "peak_rss_mb": memory_mb(),
    }
    if args.lexical_cache:
        result["lexical"] = lexical_startup(assistant, Path(args.lexical_cache))
    return result


def lexical_startup(assistant: Any, cache_dir: Path) -> dict[str, float]:
    """Seconds to load the passages, and to build the lexical index without and with its disk cache."""
    from assistant.index.lexical import LexicalIndex

    started = time.perf_counter()
    chunks = assistant.index.load_chunks()
    load = time.perf_counter() - started
    started = time.perf_counter()
    LexicalIndex(chunks)
    build = time.perf_counter() - started
    timings = {"load_chunks_s": load, "build_s": build}
    try:
        started = time.perf_counter()
        LexicalIndex(chunks, cache_dir=cache_dir)
        timings["cache_write_s"] = time.perf_counter() - started
        started = time.perf_counter()
        LexicalIndex(chunks, cache_dir=cache_dir)
        timings["cache_read_s"] = time.perf_counter() - started
    except TypeError:
        pass  # a lexical index without a disk cache
    return timings


def _timed_ms(ask: Any, question: str) -> float:
    started = time.perf_counter()
    ask(question)
    return (time.perf_counter() - started) * 1000


COMMANDS = {
    "baseline-cold": baseline_cold,
    "load-model": load_model,
    "import-ask-path": import_ask_path,
    "open-index": open_index,
    "ingest-only": ingest_only,
    "ingest": ingest,
    "query": query,
}


def main(argv: list[str] | None = None) -> None:
    """Run one worker command and print its result line."""
    parser = argparse.ArgumentParser(prog="python -m eval.bench.worker")
    parser.add_argument("command", choices=sorted(COMMANDS))
    parser.add_argument("--corpus", type=Path, default=Path("corpus"))
    parser.add_argument("--data", type=Path, default=Path("data"))
    parser.add_argument("--chroma-url", default="")
    parser.add_argument("--question", default="Why do shared services fail?")
    parser.add_argument("--pool", type=Path, help="real vectors (.npy) that derived vectors start from")
    parser.add_argument("--real-share", type=float, default=1.0, help="share of texts embedded for real")
    parser.add_argument("--known", type=Path, help="vectors saved by an earlier ingest of the same texts")
    parser.add_argument("--save", type=Path, help="save the vectors of this ingest here")
    parser.add_argument("--rounds", type=int, default=1, help="passes of repeated questions")
    parser.add_argument("--lexical-cache", type=Path, help="also time the lexical index with this disk cache")
    args = parser.parse_args(argv)
    emit(COMMANDS[args.command](args))


if __name__ == "__main__":
    main()
