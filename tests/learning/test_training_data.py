"""The training data is what the issue asks for: enough questions for every section, verbatim quotes,
out-of-scope near-misses and labelled proposal sentences for every factor and stance."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from assistant.answering.conversation import condense_question
from assistant.learning.data import TrainingQuestion, load_training_set
from assistant.learning.retriever import examples
from assistant.review.catalogue import load_catalogue
from ingest.chunking import chunk_document
from ingest.pipeline import read_corpus

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def corpus_chunks() -> list:
    return [chunk for doc, title, raw in read_corpus(CORPUS) for chunk in chunk_document(doc, title, raw)]


def test_every_quote_is_verbatim_text_of_its_document() -> None:
    texts = {path.name[:3]: collapse(path.read_text(encoding="utf-8")) for path in CORPUS.glob("*.txt")}
    missing = [(q.doc, quote) for q in load_training_set().questions for quote in q.quotes]
    missing = [(doc, quote) for doc, quote in missing if collapse(quote) not in texts[doc]]
    assert missing == []


def test_at_least_600_questions_and_five_for_every_section(corpus_chunks: list) -> None:
    questions = load_training_set().questions
    assert len(questions) >= 600
    per_section: Counter[tuple[str, str | None]] = Counter()
    for question in questions:
        sections = {
            (chunk.doc[:3], chunk.section)
            for quote in question.quotes
            for chunk in corpus_chunks
            if chunk.doc.startswith(question.doc) and collapse(quote)[:50] in collapse(chunk.text)
        }
        per_section.update(sections)
    every = {(chunk.doc[:3], chunk.section) for chunk in corpus_chunks}
    assert {section: per_section[section] for section in every if per_section[section] < 5} == {}


def test_all_five_styles_and_100_out_of_scope_near_misses() -> None:
    data = load_training_set()
    assert {q.style for q in data.questions} == {"leader", "officer", "trainer", "terse", "followup"}
    assert all(q.context for q in data.questions if q.style == "followup")
    assert sum(q.kind not in ("general", "unrelated") for q in data.out_of_scope) >= 100


def test_review_sentences_cover_every_factor_in_every_stance() -> None:
    data = load_training_set()
    assert len(data.review) >= 1000
    factors = {factor.id for factor in load_catalogue().factors}
    assert {s.factor for s in data.review if s.factor} <= factors
    counts = Counter((s.factor, s.stance) for s in data.review if s.factor)
    thin = {(f, s): counts[f, s] for f in factors for s in ("risk", "handled", "unclear") if counts[f, s] < 4}
    assert thin == {}
    assert {s.sum for s in data.sums} == {label.label for label in load_catalogue().sums}


def test_a_question_answered_only_by_page_furniture_is_not_answerable(corpus_chunks: list) -> None:
    """The refusal is trained on answerable questions: those whose quotes some passage holds."""
    guidance = TrainingQuestion(
        q="why do they fail",
        style="terse",
        doc="001",
        quotes=("This guide reveals why shared services commonly fail.",),
    )
    credits = TrainingQuestion(
        q="who designed it",
        style="terse",
        doc="001",
        quotes=("Director of Policy and Research: Martin Ferguson",),
    )
    kept = examples([guidance, credits], corpus_chunks, condense_question)
    assert [example.question for example in kept] == [guidance]
