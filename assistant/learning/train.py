"""``assistant train``'s work: every learned artefact rebuilt from the training data, seeded."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.answering.conversation import condense_question
from assistant.answering.facade import Assistant
from assistant.answering.ranking import candidate_features
from assistant.index.adapter import AdaptedEmbeddings, QueryAdapter
from assistant.learning import tuning
from assistant.learning.data import TrainingSet
from assistant.learning.ranking import Group, fit_ranker, hits_at
from assistant.learning.retriever import Example, Material, read_material, train_adapter, without_document
from assistant.learning.scope import train_scope


@dataclass(frozen=True)
class TrainingReport:
    """What was trained, on how much, and in how long."""

    questions: int
    self_supervised: int
    passages: int
    seconds: float
    path: Path
    hits_at_2: float
    """Share of questions with an answering passage in the top 2, on cross-fitted signals."""

    def summary(self) -> str:
        return (
            f"retrieval: {self.questions} written questions and {self.self_supervised} sentences and "
            f"headings for {self.passages} passages; an answering passage in the top 2 for "
            f"{self.hits_at_2:.1%} of questions (cross-fitted); {self.seconds:.0f} s → {self.path.parent}"
        )


def train_retrieval(
    assistant: Assistant, data: TrainingSet, adapter_path: Path, ranker_path: Path, progress: bool = True
) -> TrainingReport:
    """Train the query adapter and the ranker on the index ``assistant`` reads (it must not adapt its
    questions): the adapter on every question, the ranker on signals from adapters cross-fitted without
    the question they score, each question scored twice: as it is, and as if nobody had written
    questions for its document (a council's new one)."""
    from tqdm import tqdm

    started = time.perf_counter()
    assistant.chain()
    material = read_material(assistant.index, data.questions, condense_question)
    found = material.found
    rows = list(range(len(found)))
    random.Random(tuning.SEED).shuffle(rows)
    folds = [rows[fold :: tuning.FOLDS] for fold in range(tuning.FOLDS)]
    steps = tuning.ADAPTER_EPOCHS * (tuning.FOLDS + 1) + tuning.RANKER_EPOCHS
    with tqdm(total=steps, desc="training retrieval", disable=not progress) as bar:
        groups = []
        for held in folds:
            kept = set(held)
            training = [found[i] for i in rows if i not in kept]
            fold_adapter = train_adapter(training, material, assistant.embeddings, bar.update)
            groups += _signals(assistant, fold_adapter, [found[i] for i in held], material)
            for doc in sorted({found[i].doc for i in held}):
                unseen = without_document(fold_adapter, training, doc)
                groups += _signals(
                    assistant, unseen, [found[i] for i in held if found[i].doc == doc], material
                )
        ranker = fit_ranker(groups, bar.update)
        outside = [question.q for question in data.out_of_scope]
        adapter = train_adapter(found, material, assistant.embeddings, bar.update, outside)
    adapter.save(adapter_path)
    ranker.save(ranker_path)
    return TrainingReport(
        len(found),
        len(material.pairs),
        len(material.chunks),
        time.perf_counter() - started,
        adapter_path,
        hits_at(groups, ranker, 2),
    )


def _signals(
    assistant: Assistant, adapter: QueryAdapter, held: list[Example], material: Material
) -> list[Group]:
    """Each held-out question's candidates, their signals under ``adapter``, and which answer it."""
    embeddings = AdaptedEmbeddings(assistant.embeddings, adapter)
    hubs = material.hubs(adapter)
    position = material.position
    pool = assistant.settings.top_k * 3
    groups = []
    for example in held:
        vector = embeddings.query_vector(example.text)
        candidates, features, _ = candidate_features(
            example.text, vector, assistant.index, assistant.lexical, hubs, adapter.neighbours(vector), pool
        )
        answers = np.array([position[chunk_id] in example.passages for chunk_id in candidates])
        groups.append((features, answers))
    return groups


def train_refusal(assistant: Assistant, data: TrainingSet, out: Path, progress: bool = True) -> str:
    """Fit the scope model on the signals ``assistant`` (with the new adapter and ranker) gives the
    training questions, answerable and out-of-scope; write it to ``out``; say how well it does."""
    from tqdm import tqdm

    def signals(question: str, history: list[str]) -> tuple[float, ...]:
        return assistant.ask(question, history).signals

    answerable = [
        signals(q.q, [q.context] if q.context else [])
        for q in tqdm(data.questions, desc="signals of answerable questions", disable=not progress)
    ]
    out_of_scope = [
        signals(q.q, [])
        for q in tqdm(data.out_of_scope, desc="signals of out-of-scope ones", disable=not progress)
    ]
    model, summary = train_scope(answerable, out_of_scope)
    model.save(out)
    return summary
