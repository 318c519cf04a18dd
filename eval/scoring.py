"""Score a pipeline's answers to the gold questions: retrieval, nuggets, citations, refusals, timing.

Every text the embedding matchers need is embedded once, in large batches, through ``EmbeddingCache``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from assistant.generation.support import is_supported
from assistant.index.embeddings import EmbeddingCache
from assistant.text.loaders import DocumentError, load_text
from eval.cases import GoldCase
from eval.gate import Thresholds
from eval.metrics import (
    Statement,
    citation_is_valid,
    citation_support,
    first_chars,
    ndcg_at_k,
    nuggets_found_by_embedding,
    phrase_found,
    recall_at_k,
    reciprocal_rank_at_k,
    split_statements,
)
from eval.results import CaseResult, PipelineOutput


def read_documents(corpus_dir: Path, docs: Iterable[str]) -> dict[str, str | None]:
    """The raw text of each cited document (None when it cannot be read), as the citations quote it."""
    texts: dict[str, str | None] = {}
    for doc in docs:
        if doc not in texts:
            try:
                texts[doc] = load_text(corpus_dir / doc)
            except DocumentError:
                texts[doc] = None
    return texts


def answer_statements(output: PipelineOutput) -> list[Statement]:
    """The statements of an answer; a refusal has none."""
    return [] if output.answer.abstained else split_statements(output.answer.answer)


def score_outputs(
    cases: Sequence[GoldCase],
    outputs: Sequence[PipelineOutput],
    embeddings: EmbeddingCache,
    corpus_dir: Path,
    thresholds: Thresholds,
) -> list[CaseResult]:
    """Score one pipeline's outputs, one per gold case, in the same order."""
    statements = [answer_statements(output) for output in outputs]
    # one batch for what the nugget matcher compares: in-scope answers' sentences and the nuggets
    nugget_texts = [nugget.text for case in cases for nugget in case.nuggets]
    sentences = [
        statement.text
        for case, group in zip(cases, statements, strict=True)
        if case.in_scope
        for statement in group
    ]
    embeddings.encode(nugget_texts + sentences)
    documents = read_documents(
        corpus_dir, (citation.doc for output in outputs for citation in output.answer.citations)
    )
    return [
        score_case(case, output, group, embeddings, documents, thresholds)
        for case, output, group in zip(cases, outputs, statements, strict=True)
    ]


def score_case(
    case: GoldCase,
    output: PipelineOutput,
    statements: Sequence[Statement],
    embeddings: Any,
    documents: Mapping[str, str | None],
    thresholds: Thresholds,
) -> CaseResult:
    """Score one answer against its gold case."""
    answer = output.answer
    result = CaseResult(
        case_id=case.id,
        kind=case.kind,
        question=case.question,
        answer=answer.answer,
        abstained=answer.abstained,
        citations=[asdict(citation) for citation in answer.citations],
        retrieved=list(output.retrieved),
        latency_ms=float(answer.timings_ms.get("total", 0.0)),
        earlier_questions=list(case.questions[:-1]),
        statements=len(statements),
        generator=answer.generator,
        verification=answer.verification,
    )
    result.citations_valid = [
        citation_is_valid(citation.quote, citation.start, citation.end, documents.get(citation.doc))
        for citation in answer.citations
    ]
    quotes = {citation.n: citation.quote for citation in answer.citations}
    support = citation_support(
        statements,
        quotes,
        lambda statement, quote: is_supported(
            statement, quote, embeddings, thresholds.support.lexical_min, thresholds.support.embedding_min
        ),
    )
    result.citation_recall = support.recall
    result.citation_precision = support.precision
    if case.in_scope:
        expected = [(item.doc, item.section) for item in case.expected]
        result.recall_at_5 = recall_at_k(output.retrieved, expected, 5)
        result.reciprocal_rank_at_10 = reciprocal_rank_at_k(output.retrieved, expected, 10)
        result.ndcg_at_10 = ndcg_at_k(output.retrieved, expected, 10)
        result.nugget_labels = [nugget.label for nugget in case.nuggets]
        if answer.abstained:
            result.nuggets_found_phrase = [False] * len(case.nuggets)
            result.nuggets_found_embedding = [False] * len(case.nuggets)
            result.nuggets_found_phrase_equal = [False] * len(case.nuggets)
            result.nuggets_found_embedding_equal = [False] * len(case.nuggets)
        else:
            short = first_chars(answer.answer)
            nuggets = embeddings.encode([nugget.text for nugget in case.nuggets])
            phrasings = [nugget.phrasings for nugget in case.nuggets]
            result.nuggets_found_phrase = [phrase_found(each, answer.answer) for each in phrasings]
            result.nuggets_found_phrase_equal = [phrase_found(each, short) for each in phrasings]
            result.nuggets_found_embedding = _found_by_embedding(nuggets, statements, embeddings, thresholds)
            result.nuggets_found_embedding_equal = _found_by_embedding(
                nuggets, split_statements(short), embeddings, thresholds
            )
    return result


def _found_by_embedding(
    nuggets: Any, statements: Sequence[Statement], embeddings: Any, thresholds: Thresholds
) -> list[bool]:
    vectors = embeddings.encode([statement.text for statement in statements])
    return nuggets_found_by_embedding(nuggets, vectors, thresholds.nugget_match.embedding_min)
