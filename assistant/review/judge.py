"""Review a proposal for sharing services against the guidance's factor catalogue, offline.

For every factor the review decides whether the proposal addresses it, shows it as a risk or is silent
on it, quoting the proposal's sentences and citing the guidance passage that explains the factor. It
also places the proposal's ambition among the three sums and lists the questions to put to its authors.

This module runs the steps, each in its own module of the package: ``reading`` turns the file into the
sentences to judge (each with its heading), ``model`` is the learned judgement (which factor a sentence is
about, its stance: risk, handled, unclear or neutral, and the sum a statement of ambition shows), and
``decide`` turns its probabilities into each factor's status; ``records`` says what a review is.

The proposal's text is never logged or written to disk; only counts and timings are logged.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from assistant.records import Citation
from assistant.review.catalogue import Catalogue, load_catalogue
from assistant.review.decide import Probabilities, decide_factor, decide_sum
from assistant.review.model import ReviewModel, require_review_model, sentence_text
from assistant.review.reading import read_proposal, split_passages
from assistant.review.records import FactorFinding, Review, SumFinding

logger = logging.getLogger(__name__)

Cite = Callable[[str, str, int, float], Citation | None]
"""``cite(doc, quote, n, score)``: a guidance citation, as ``Assistant.cite`` returns."""


def review_text(
    text: str,
    name: str,
    embeddings: Any,
    catalogue: Catalogue | None = None,
    cite: Cite | None = None,
    model: ReviewModel | None = None,
) -> Review:
    """Review a proposal's extracted text against every factor of the catalogue.

    Args:
        text: The proposal's text, as ``read_proposal`` returns it.
        name: The proposal's file name (shown in reports).
        embeddings: Anything with ``encode(list[str]) -> np.ndarray`` of normalised rows; used only when
            the model has no tuned reader (which embeds the sentences itself, with the model it was
            tuned from: the one its classifiers were trained on).
        catalogue: The factor catalogue (default: the one shipped with the assistant).
        cite: Makes guidance citations (``Assistant.cite``); without it findings carry none.
        model: The learned review model (default: the one ``assistant train`` wrote).

    Returns:
        The review: every factor's status, confidence, evidence and citations, the sum and questions.
    """
    started = time.perf_counter()
    catalogue = catalogue or load_catalogue()
    model = model or require_review_model()
    passages = split_passages(text)
    texts = [sentence_text(passage.text, passage.heading) for passage in passages]
    vectors, tuned = _embed(texts, embeddings, model)
    embedded = time.perf_counter()
    features = model.features(vectors, texts)
    sentences = [passage.text for passage in passages]
    factor_ids = [factor.id for factor in catalogue.factors]
    probabilities = Probabilities.of(model, features, tuned, sentences, factor_ids)
    numbers: dict[tuple[str, str], int] = {}

    def citations_for(doc: str, quote: str) -> list[Citation]:
        if cite is None:
            return []
        number = numbers.setdefault((doc, quote), len(numbers) + 1)
        citation = cite(doc, quote, number, 1.0)
        return [citation] if citation is not None else []

    label, scores, sum_evidence = decide_sum(model, features, passages)
    anchor = next(total.anchor for total in catalogue.sums if total.label == label)
    sum_finding = SumFinding(label, sum_evidence, citations_for(anchor.doc, anchor.quote), scores)
    findings = []
    for column, factor in enumerate(catalogue.factors):
        decision = decide_factor(column, probabilities, passages)
        findings.append(
            FactorFinding(
                id=factor.id,
                title=factor.title,
                status=decision.status,
                confidence=decision.confidence,
                evidence=decision.evidence,
                unclear=decision.unclear,
                citations=citations_for(factor.anchor.doc, factor.anchor.quote),
                question=factor.question,
                group=factor.group,
            )
        )
    done = time.perf_counter()
    timings = {"embed": (embedded - started) * 1000, "judge": (done - embedded) * 1000}
    logger.info(
        "reviewed a proposal: %d characters, %d sentences, %d risks, %d addressed in %.0f ms",
        len(text),
        len(passages),
        sum(finding.status == "risk" for finding in findings),
        sum(finding.status == "addressed" for finding in findings),
        (done - started) * 1000,
    )
    questions = list_questions(findings)
    return Review(name, len(text), sum_finding, findings, questions, timings, sentences=len(passages))


def _embed(texts: list[str], embeddings: Any, model: ReviewModel) -> tuple[np.ndarray, np.ndarray | None]:
    """The sentences' embeddings the model reads: with a tuned reader, its base model's and its own (one
    pass through the lower layers); without, ``embeddings``' and none."""
    if not texts:
        return np.zeros((0, 0), dtype=np.float32), None
    if model.reader is not None:
        return model.reader.embed(texts)
    return np.asarray(embeddings.encode(texts), dtype=np.float32), None


def review_document(assistant: Any, data: bytes, name: str) -> Review:
    """Read a proposal file's bytes and review it with the assistant's embeddings and citations.

    Raises:
        DocumentError: when the file cannot be read as a proposal (one-line message).
    """
    max_bytes = int(assistant.settings.max_upload_mb * 1_000_000)
    text = read_proposal(data, name, max_bytes)
    return review_text(text, name, assistant.embeddings, cite=assistant.cite)


def list_questions(findings: Sequence[FactorFinding]) -> list[str]:
    """Questions for the proposal's authors: risks first (most confident first), then silences."""
    risks = sorted((f for f in findings if f.status == "risk"), key=lambda finding: -finding.confidence)
    silent = [finding for finding in findings if finding.status == "not_covered"]
    return [finding.question for finding in [*risks, *silent] if finding.question]
