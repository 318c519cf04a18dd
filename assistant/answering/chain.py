"""The extractive answer path as a LangChain runnable chain: condense → retrieve → compose."""

from __future__ import annotations

import time
from collections.abc import Collection, Sequence
from typing import Any

import numpy as np
from langchain_core.documents import Document
from langchain_core.runnables import Runnable, RunnableLambda

from assistant.answering.compose import compose_answer
from assistant.answering.conversation import condense_question
from assistant.answering.retrieve import GuidanceRetriever
from assistant.answering.scope import ScopeModel
from assistant.answering.selection import SentenceSelector
from assistant.answering.tuning import NEAREST_SENTENCES
from assistant.index.adapter import AdaptedEmbeddings
from assistant.index.lexical import LexicalIndex
from assistant.index.protocols import Embedder, Index
from assistant.records import Answer, Passage
from assistant.settings import Settings


def build_answer_chain(
    retriever: GuidanceRetriever,
    index: Index,
    lexical: LexicalIndex,
    settings: Settings,
    topics: Sequence[str],
    scope: ScopeModel | None = None,
    described: Collection[str] = frozenset(),
    selector: SentenceSelector | None = None,
) -> Runnable:
    """The answer chain: ``{"question", "history"}`` in (history: earlier queries), ``Answer`` out;
    ``described``: words of the documents' descriptions (``compose_answer``'s ``known_names``);
    ``selector``: the learned judge of which sentences answer."""

    def condense(inputs: dict[str, Any]) -> dict[str, Any]:
        return {
            **inputs,
            "query": condense_question(inputs["question"], inputs.get("history", [])),
            "started": time.perf_counter(),
        }

    def retrieve(inputs: dict[str, Any]) -> dict[str, Any]:
        passages = retriever.invoke(inputs["query"])
        nearest = index.query_sentences(retriever.embeddings.query_vector(inputs["query"]), NEAREST_SENTENCES)
        sentences = index.sentences_of(
            [passage.metadata["id"] for passage in passages], [sentence_id for sentence_id, _, _ in nearest]
        )
        return {
            **inputs,
            "passages": passages,
            "sentences": sentences,
            "nearest": max((similarity for _, _, similarity in nearest), default=0.0),
            "retrieved": time.perf_counter(),
        }

    def compose(inputs: dict[str, Any]) -> Answer:
        query_vector = retriever.embeddings.query_vector(inputs["query"])
        composition = compose_answer(
            question=inputs["question"],
            query=inputs["query"],
            query_vector=query_vector,
            sentences=inputs["sentences"],
            chunks=lexical.chunks,
            passage_ranks=passage_ranks(inputs["passages"]),
            lexical=lexical,
            threshold=settings.refusal_threshold(scope.threshold if scope else None),
            max_points=settings.max_points,
            max_chars=settings.max_answer_chars,
            topics=topics,
            max_items=settings.max_list_items,
            scope=scope,
            known_names=described,
            selector=selector,
            said=inputs.get("said", ()),
            retrieval_signals=(
                # the best dense cosine, also when the passages were ranked by words alone ("lexical")
                max([inputs["nearest"], *(p.metadata["similarity"] for p in inputs["passages"])]),
                *neighbour_signals(retriever.embeddings, query_vector),
            ),
        )
        done = time.perf_counter()
        return Answer(
            question=inputs["question"],
            answer=composition.text,
            abstained=composition.abstained,
            citations=composition.citations,
            relevance=composition.relevance,
            signals=composition.signals,
            passages=[] if composition.abstained else [passage_of(p) for p in inputs["passages"]],
            timings_ms={
                "retrieve": (inputs["retrieved"] - inputs["started"]) * 1000,
                "answer": (done - inputs["retrieved"]) * 1000,
                "total": (done - inputs["started"]) * 1000,
            },
        )

    return RunnableLambda(condense) | RunnableLambda(retrieve) | RunnableLambda(compose)


def passage_ranks(passages: Sequence[Document]) -> dict[str, int]:
    """Each retrieved passage's rank (0 for the best) by its chunk id."""
    return {passage.metadata["id"]: passage.metadata["rank"] for passage in passages}


def passage_of(document: Document) -> Passage:
    """A retrieved LangChain document as the answer's record of it."""
    meta = document.metadata
    return Passage(
        meta["id"],
        meta["doc"],
        meta["title"],
        meta["section"],
        document.page_content,
        round(meta["score"], 4),
    )


def neighbour_signals(embeddings: Embedder, vector: np.ndarray) -> tuple[float, float]:
    """The learned adapter's neighbour margin and scope log-odds of a query's (adapted) vector (0 without
    an adapter)."""
    if not isinstance(embeddings, AdaptedEmbeddings):
        return 0.0, 0.0
    return embeddings.adapter.margin(vector), embeddings.adapter.in_scope(vector)
