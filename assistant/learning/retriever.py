"""Training the query adapter from written questions (``assistant train``), seeded and reproducible.

Each training question names the passages that answer it (the chunks holding its quotes); each
document's own sentences and headings are added as questions for their passage, so that every document,
also one nobody wrote questions for, keeps its place. The loss is a softmax over all passages of the
corpus; the adapter is low-rank and held near the identity.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

import numpy as np

from assistant.index.adapter import QueryAdapter
from assistant.index.protocols import Embedder, Index
from assistant.learning import tuning
from assistant.learning.data import TrainingQuestion
from assistant.learning.scope import logistic_weights
from assistant.records import Chunk, Sentence


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class Example:
    """A question's text (as the retriever sees it), the indices of the passages that answer it, and
    the training question it comes from."""

    text: str
    passages: frozenset[int]
    question: TrainingQuestion

    @property
    def doc(self) -> str:
        """The document the question is about."""
        return self.question.doc


def question_text(question: TrainingQuestion, condense: Callable[[str, list[str]], str]) -> str:
    """What the retriever is asked: a follow-up condensed with the question before it."""
    return condense(question.q, [question.context]) if question.context else question.q


def examples(
    questions: Sequence[TrainingQuestion],
    chunks: Sequence[Chunk],
    condense: Callable[[str, list[str]], str],
) -> list[Example]:
    """Questions with the chunks that hold their quotes (those whose quotes are in no chunk are left out)."""
    texts = [_collapse(chunk.text) for chunk in chunks]
    found = []
    for question in questions:
        passages = _passages_of(question, chunks, texts)
        if passages:
            found.append(Example(question_text(question, condense), passages, question))
    return found


def _passages_of(question: TrainingQuestion, chunks: Sequence[Chunk], texts: Sequence[str]) -> frozenset[int]:
    heads = [_collapse(quote)[:50] for quote in question.quotes]
    return frozenset(
        i
        for i, chunk in enumerate(chunks)
        if chunk.doc.startswith(question.doc) and any(head in texts[i] for head in heads)
    )


def self_supervised(chunks: Sequence[Chunk], sentences: Sequence[Sentence]) -> list[tuple[int, str]]:
    """(passage index, text): every long enough sentence of a passage, and its section heading."""
    where = {chunk.id: i for i, chunk in enumerate(chunks)}
    pairs = [
        (where[s.chunk_id], s.text)
        for s in sentences
        if s.chunk_id in where and len(s.text.split()) >= tuning.MIN_QUOTE_WORDS
    ]
    pairs += [(i, chunk.section) for i, chunk in enumerate(chunks) if chunk.section]
    return pairs


def fit_adapter(
    questions: np.ndarray,
    targets: Sequence[frozenset[int]],
    passages: np.ndarray,
    model_name: str,
    progress: Callable[[int], None] | None = None,
) -> QueryAdapter:
    """Fit ``U·V`` so that each question's softmax over all passages puts its weight on its targets.

    Args:
        questions: Question vectors (the model's own), one row per target set.
        targets: The passage indices that answer each question.
        passages: Every passage's vector.
        model_name: The embedding model the vectors come from.
        progress: Called with 1 after each epoch.
    """
    import torch

    torch.manual_seed(tuning.SEED)
    generator = torch.Generator().manual_seed(tuning.SEED)
    x = torch.tensor(questions, dtype=torch.float32)
    c = torch.tensor(passages, dtype=torch.float32)
    target = torch.zeros(len(x), len(c))
    for row, indices in enumerate(targets):
        for index in indices:
            target[row, index] = 1.0 / len(indices)
    dim = x.shape[1]
    u = (torch.randn(dim, tuning.ADAPTER_RANK, generator=generator) * 0.01).requires_grad_()
    v = torch.zeros(tuning.ADAPTER_RANK, dim, requires_grad=True)
    optimiser = torch.optim.Adam([u, v], lr=tuning.ADAPTER_LEARNING_RATE)
    for _ in range(tuning.ADAPTER_EPOCHS):
        order = torch.randperm(len(x), generator=generator)
        for start in range(0, len(x), tuning.ADAPTER_BATCH):
            batch = order[start : start + tuning.ADAPTER_BATCH]
            adapted = torch.nn.functional.normalize(x[batch] + x[batch] @ u @ v, dim=1)
            log_p = torch.log_softmax(adapted @ c.T / tuning.TEMPERATURE, dim=1)
            loss = -(target[batch] * log_p).sum(1).mean() + tuning.ADAPTER_DECAY * ((u @ v) ** 2).sum()
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
        if progress:
            progress(1)
    return QueryAdapter(
        model_name=model_name,
        u=u.detach().numpy(),
        v=v.detach().numpy(),
        pool=np.zeros((0, dim), dtype=np.float32),
        hub_neighbours=tuning.HUB_NEIGHBOURS,
        hub_weight=tuning.HUB_WEIGHT,
    )


def train_adapter(
    found: Sequence[Example],
    material: Material,
    embedder: Embedder,
    progress: Callable[[int], None] | None = None,
    outside: Sequence[str] = (),
) -> QueryAdapter:
    """The adapter from written questions (``found``) plus the material's self-supervised pairs, with its
    pools: the adapted training questions with the passages that answer them (for hubness, the neighbour
    signal and the neighbour margin) and the adapted ``outside`` ones (out-of-scope questions, for the
    margin); and its scope direction, a logistic regression of the two."""
    pairs = material.pairs
    question_vectors = embedder.encode([example.text for example in found])
    pair_vectors = embedder.encode([text for _, text in pairs])
    vectors = np.vstack([question_vectors, pair_vectors])
    targets = [example.passages for example in found] + [frozenset([index]) for index, _ in pairs]
    adapter = fit_adapter(vectors, targets, material.passages, embedder.model_name, progress)
    outside_vectors = (
        adapter.adapt(embedder.encode(list(outside))) if outside else np.zeros((0, vectors.shape[1]))
    )
    chunks = material.chunks
    pool = adapter.adapt(question_vectors)
    return replace(
        adapter,
        pool=pool,
        outside=outside_vectors.astype(np.float32),
        scope=scope_direction(pool, outside_vectors),
        answers=tuple(tuple(chunks[index].id for index in sorted(example.passages)) for example in found),
        own=adapter.adapt(pair_vectors),
        own_ids=tuple(chunks[index].id for index, _ in pairs),
    )


def scope_direction(answerable: np.ndarray, outside: np.ndarray) -> np.ndarray:
    """Weights and bias of a logistic regression of answerable (1) against out-of-scope (0) question
    vectors; empty without both."""
    if not len(answerable) or not len(outside):
        return np.zeros(0, dtype=np.float32)
    labels = np.r_[np.ones(len(answerable)), np.zeros(len(outside))]
    vectors = np.vstack([answerable, outside]).astype(np.float64)
    return logistic_weights(vectors, labels, tuning.SCOPE_DIRECTION_DECAY).astype(np.float32)


def without_document(adapter: QueryAdapter, found: Sequence[Example], doc: str) -> QueryAdapter:
    """``adapter`` (trained on ``found``) as if nobody had written questions for ``doc``: those are taken
    out of its pool, so its hubness and neighbours are those a new document's passages would have."""
    keep = [row for row, example in enumerate(found) if example.doc != doc]
    return replace(adapter, pool=adapter.pool[keep], answers=tuple(adapter.answers[row] for row in keep))


@dataclass(frozen=True)
class Material:
    """What training reads from the index: passages in order, their vectors, the written questions with
    the passages that answer them, and each document's own sentences and headings."""

    chunks: list[Chunk]
    ids: list[str]
    """Chunk ids in the order of ``vectors`` (the index's order)."""
    vectors: np.ndarray
    passages: np.ndarray
    """The vectors in the order of ``chunks``."""
    found: list[Example]
    pairs: list[tuple[int, str]]

    @property
    def position(self) -> dict[str, int]:
        return {chunk.id: i for i, chunk in enumerate(self.chunks)}

    def hubs(self, adapter: QueryAdapter) -> dict[str, float]:
        """Per chunk id, its hubness under ``adapter``."""
        return dict(zip(self.ids, adapter.hubness(self.vectors).tolist(), strict=True))


def read_material(
    index: Index, questions: Sequence[TrainingQuestion], condense: Callable[[str, list[str]], str]
) -> Material:
    """The training material of the corpus an index holds."""
    chunks = index.load_chunks()
    ids, vectors = index.chunk_vectors()
    order = {chunk_id: row for row, chunk_id in enumerate(ids)}
    sentences = index.sentences_of([chunk.id for chunk in chunks])
    return Material(
        chunks,
        ids,
        vectors,
        vectors[[order[chunk.id] for chunk in chunks]],
        examples(questions, chunks, condense),
        self_supervised(chunks, sentences),
    )
