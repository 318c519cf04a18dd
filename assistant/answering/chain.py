"""The extractive answer path as a LangChain runnable chain: condense → retrieve → compose."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from langchain_core.runnables import Runnable, RunnableLambda

from assistant.answering.compose import compose_answer
from assistant.answering.conversation import condense_question
from assistant.answering.retrieve import GuidanceRetriever
from assistant.answering.tuning import NEAREST_SENTENCES
from assistant.index.lexical import LexicalIndex
from assistant.index.protocols import Index
from assistant.records import Answer
from assistant.settings import Settings


def build_answer_chain(
    retriever: GuidanceRetriever,
    index: Index,
    lexical: LexicalIndex,
    settings: Settings,
    topics: Sequence[str],
) -> Runnable:
    """The answer chain: ``{"question", "history"}`` in (history: earlier queries), ``Answer`` out."""

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
        return {**inputs, "passages": passages, "sentences": sentences, "retrieved": time.perf_counter()}

    def compose(inputs: dict[str, Any]) -> Answer:
        composition = compose_answer(
            question=inputs["question"],
            query=inputs["query"],
            query_vector=retriever.embeddings.query_vector(inputs["query"]),
            sentences=inputs["sentences"],
            chunks=lexical.chunks,
            passage_ranks={
                passage.metadata["id"]: passage.metadata["rank"] for passage in inputs["passages"]
            },
            lexical=lexical,
            threshold=settings.abstain_threshold,
            max_points=settings.max_points,
            max_chars=settings.max_answer_chars,
            topics=topics,
            max_items=settings.max_list_items,
        )
        done = time.perf_counter()
        return Answer(
            question=inputs["question"],
            answer=composition.text,
            abstained=composition.abstained,
            citations=composition.citations,
            relevance=composition.relevance,
            timings_ms={
                "retrieve": (inputs["retrieved"] - inputs["started"]) * 1000,
                "answer": (done - inputs["retrieved"]) * 1000,
                "total": (done - inputs["started"]) * 1000,
            },
        )

    return RunnableLambda(condense) | RunnableLambda(retrieve) | RunnableLambda(compose)
