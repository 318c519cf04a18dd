"""``assistant train``'s work: every learned artefact rebuilt from the training data, seeded."""

from __future__ import annotations

import random
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.answering.conversation import condense_question
from assistant.answering.facade import Assistant
from assistant.answering.ranking import candidate_features
from assistant.index.adapter import AdaptedEmbeddings, QueryAdapter
from assistant.index.embeddings import EmbeddingCache
from assistant.index.protocols import Embedder
from assistant.learning import tuning
from assistant.learning.data import OutOfScopeQuestion, TrainingQuestion, TrainingSet
from assistant.learning.ranking import Group, fit_ranker, hits_at
from assistant.learning.retriever import Example, Material, read_material, train_adapter, without_document
from assistant.learning.scope import train_scope
from assistant.learning.selection import Considered, answer_and_candidates, train_selector


@dataclass(frozen=True)
class Fold:
    """An adapter trained without some of the questions: the answerable ones (those whose quotes some
    passage holds) and the out-of-scope ones it did not see."""

    adapter: QueryAdapter
    answerable: tuple[TrainingQuestion, ...]
    out_of_scope: tuple[OutOfScopeQuestion, ...]


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
    folds: tuple[Fold, ...] = ()
    """The cross-fitted adapters, for the scope model's signals."""

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
    embeddings = EmbeddingCache(assistant.embeddings)
    embeddings.encode([example.text for example in found])  # every question once, in one batch
    rows = list(range(len(found)))
    random.Random(tuning.SEED).shuffle(rows)
    folds = [rows[fold :: tuning.FOLDS] for fold in range(tuning.FOLDS)]
    steps = tuning.ADAPTER_EPOCHS * (tuning.FOLDS + 1) + tuning.RANKER_EPOCHS
    outside = [question.q for question in data.out_of_scope]
    with tqdm(total=steps, desc="training retrieval", disable=not progress) as bar:
        groups, cross_fitted = [], []
        for fold, held in enumerate(folds):
            kept = set(held)
            training = [found[i] for i in rows if i not in kept]
            seen = [text for i, text in enumerate(outside) if i % tuning.FOLDS != fold]
            fold_adapter = train_adapter(training, material, embeddings, bar.update, seen)
            held_outside = tuple(q for i, q in enumerate(data.out_of_scope) if i % tuning.FOLDS == fold)
            held_answerable = tuple(found[i].question for i in sorted(held))
            cross_fitted.append(Fold(fold_adapter, held_answerable, held_outside))
            groups += _signals(assistant, embeddings, fold_adapter, [found[i] for i in held], material)
            for doc in sorted({found[i].doc for i in held}):
                unseen = without_document(fold_adapter, training, doc)
                groups += _signals(
                    assistant, embeddings, unseen, [found[i] for i in held if found[i].doc == doc], material
                )
        ranker = fit_ranker(groups, bar.update)
        adapter = train_adapter(found, material, embeddings, bar.update, outside)
    adapter.save(adapter_path)
    ranker.save(ranker_path)
    return TrainingReport(
        len(found),
        len(material.pairs),
        len(material.chunks),
        time.perf_counter() - started,
        adapter_path,
        hits_at(groups, ranker, 2),
        tuple(cross_fitted),
    )


def _signals(
    assistant: Assistant, embedder: Embedder, adapter: QueryAdapter, held: list[Example], material: Material
) -> list[Group]:
    """Each held-out question's candidates, their signals under ``adapter`` (questions embedded by
    ``embedder``), and which answer it."""
    embeddings = AdaptedEmbeddings(embedder, adapter)
    hubs = material.hubs(adapter)
    position = material.position
    pool = assistant.settings.top_k * 3
    groups = []
    for example in held:
        vector = embeddings.query_vector(example.text)
        candidates, features, _ = candidate_features(
            example.text, vector, assistant.index, assistant.lexical, hubs, adapter, pool
        )
        answers = np.array([position[chunk_id] in example.passages for chunk_id in candidates])
        groups.append((features, answers))
    return groups


def train_refusal(
    open_adapted: Callable[[Path], Assistant],
    folds: Sequence[Fold],
    ranker: Path,
    out: Path,
    progress: bool = True,
) -> str:
    """Fit the scope model on the signals the training questions, answerable and out-of-scope, get from
    adapters cross-fitted without them (with the new ranker), as a new question's would, and the
    sentence selector on the answerable ones' candidate sentences; write them as ``scope.json`` and
    ``selector.json`` beside the adapter ``out``; say how well they do. ``open_adapted(path)`` opens an
    assistant with the adapter at ``path`` (its ranker beside it) that never refuses."""
    from tqdm import tqdm

    answered: list[tuple[float, ...]] = []
    considered: list[Considered] = []
    out_of_scope: list[tuple[float, ...]] = []
    total = sum(len(fold.answerable) + len(fold.out_of_scope) for fold in folds)
    with (
        tempfile.TemporaryDirectory() as folder,
        tqdm(total=total, desc="signals of the training questions", disable=not progress) as bar,
    ):
        for number, fold in enumerate(folds):
            path = Path(folder) / str(number) / "query_adapter.npz"
            fold.adapter.save(path)
            shutil.copyfile(ranker, path.with_name("ranker.json"))
            assistant = open_adapted(path)
            settings = assistant.settings
            for question in fold.answerable:
                answer, candidates = answer_and_candidates(assistant, question)
                answered.append(answer.signals)
                considered.append(candidates)
                bar.update(1)
            for near_miss in fold.out_of_scope:
                out_of_scope.append(assistant.ask(near_miss.q, []).signals)
                bar.update(1)
    model, summary = train_scope(answered, out_of_scope)
    model.save(out.with_name("scope.json"))
    selector, selection = train_selector(considered, settings.max_points, settings.max_answer_chars)
    selector.save(out.with_name("selector.json"))
    return f"{summary}\n{selection}"
