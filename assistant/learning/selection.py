"""Fitting the sentence selector (which retrieved sentences answer a question) on the training
questions: each candidate sentence is labelled by whether it holds one of the question's quotes."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from assistant.answering.chain import passage_ranks
from assistant.answering.compose import in_named_column, passage_points, score_sentences
from assistant.answering.conversation import conversation_context
from assistant.answering.selection import Candidate, SentenceSelector, selection_features
from assistant.learning import tuning
from assistant.learning.data import TrainingQuestion
from assistant.learning.scope import logistic_weights
from assistant.text.normalise import collapse_whitespace
from assistant.text.question import clean_question

QUOTE_HEAD = 40
"""A sentence holds a quote when either holds the other's first this many characters (normalised)."""


def holds(sentence: str, quote: str) -> bool:
    """Whether a candidate sentence is (part of) a quote, or the quote part of it."""
    sentence, quote = collapse_whitespace(sentence).lower(), collapse_whitespace(quote).lower()
    return quote[:QUOTE_HEAD] in sentence or (len(sentence) >= 20 and sentence[:QUOTE_HEAD] in quote)


@dataclass(frozen=True)
class Considered:
    """A training question's candidate sentences as the answer path weighs them, and its quotes."""

    candidates: list[Candidate]
    passage_ranks: dict[str, int]
    quotes: tuple[str, ...]

    @cached_property
    def features(self) -> np.ndarray:
        """``selection_features`` of the candidates (computed once: every fold's fit reads them)."""
        return selection_features(self.candidates, self.passage_ranks)

    @cached_property
    def labels(self) -> np.ndarray:
        """Per candidate, 1.0 when it holds one of the quotes."""
        return np.array([any(holds(c.sentence.text, q) for q in self.quotes) for c in self.candidates], float)

    def found(self, chosen: Sequence[Candidate]) -> float:
        """Share of the quotes some chosen sentence holds."""
        return float(np.mean([any(holds(c.sentence.text, q) for c in chosen) for q in self.quotes]))


def answer_and_candidates(assistant: Any, question: TrainingQuestion) -> tuple[Any, Considered]:
    """The extractive answer to a training question (as ``Assistant.ask`` gives it, its earlier
    question a bare query) and the candidate sentences its composition chose from."""
    condense, retrieve, compose = assistant.chain().steps
    text = clean_question(question.q, assistant.settings.max_question_chars)
    history = conversation_context([question.context] if question.context else [])
    inputs = retrieve.invoke(condense.invoke({"question": text, "history": history}))
    vector = assistant.embeddings.query_vector(inputs["query"])
    lexical = assistant.lexical
    scored = score_sentences(inputs["query"], vector, inputs["sentences"], lexical.chunks, lexical)
    ranks = passage_ranks(inputs["passages"])
    return compose.invoke(inputs), Considered(in_named_column(text, scored), ranks, question.quotes)


def fit_selector(questions: Sequence[Considered]) -> SentenceSelector:
    """The selector's logistic model over every candidate of these questions."""
    kept = [q for q in questions if q.candidates]
    features = np.vstack([q.features for q in kept])
    labels = np.concatenate([q.labels for q in kept])
    w = logistic_weights(features, labels, tuning.SELECTOR_DECAY)
    return SentenceSelector(tuple(float(v) for v in w[:-1]), float(w[-1]))


def train_selector(
    questions: Sequence[Considered], max_points: int, max_chars: int
) -> tuple[SentenceSelector, str]:
    """The selector fitted on every question, and a line with the cross-validated share of quotes the
    chosen sentences hold, with it and with whole passages in order."""
    kept = [q for q in questions if q.candidates]
    rows = list(range(len(kept)))
    random.Random(tuning.SEED).shuffle(rows)
    learned, passages = [], []
    for fold in range(tuning.FOLDS):
        held = rows[fold :: tuning.FOLDS]
        model = fit_selector([kept[i] for i in sorted(set(rows) - set(held))])
        for i in held:
            q = kept[i]
            learned.append(
                q.found(passage_points(q.candidates, q.passage_ranks, max_points, max_chars, model))
            )
            passages.append(q.found(passage_points(q.candidates, q.passage_ranks, max_points, max_chars)))
    summary = (
        f"sentence selection: the chosen sentences hold {np.mean(learned):.1%} of the training questions' "
        f"quotes, against {np.mean(passages):.1%} for whole passages in order (5-fold cross-validated)"
    )
    return fit_selector(kept), summary
