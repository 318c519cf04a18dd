"""The learned models: seeded and reproducible, they learn what their data says, and they load only
for the embedding model they were trained for."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from assistant.answering.chain import neighbour_signals
from assistant.answering.ranking import FEATURES, VOTES, Ranker, unasked
from assistant.index.adapter import AdaptedEmbeddings, QueryAdapter, normalise, with_adapter
from assistant.learning.ranking import fit_ranker, hits_at
from assistant.learning.retriever import fit_adapter, scope_direction
from assistant.learning.scope import best_threshold, train_scope
from assistant.records import Chunk
from tests.conftest import FakeEmbeddings, identity_adapter


def _rotated_questions(seed: int = 0) -> tuple[np.ndarray, np.ndarray, list[frozenset[int]]]:
    """Passages, and questions that are their passages seen through a fixed mixing of the dimensions
    (as people's words are the guidance's ideas in other terms)."""
    rng = np.random.default_rng(seed)
    passages = normalise(rng.normal(size=(12, 16)).astype(np.float32))
    mixing = np.eye(16, dtype=np.float32) + 0.9 * rng.normal(size=(16, 16)).astype(np.float32)
    rows = [i % 12 for i in range(96)]
    questions = normalise(passages[rows] @ mixing + 0.05 * rng.normal(size=(96, 16)).astype(np.float32))
    return passages, questions, [frozenset([row]) for row in rows]


def _top1(questions: np.ndarray, passages: np.ndarray, targets: list[frozenset[int]]) -> float:
    best = np.argmax(questions @ passages.T, axis=1)
    return float(np.mean([best[i] in targets[i] for i in range(len(targets))]))


def test_the_adapter_learns_to_map_questions_to_their_passages_and_is_reproducible() -> None:
    passages, questions, targets = _rotated_questions()
    first = fit_adapter(questions, targets, passages, "fake")
    second = fit_adapter(questions, targets, passages, "fake")
    assert np.array_equal(first.u, second.u) and np.array_equal(first.v, second.v)
    assert _top1(first.adapt(questions), passages, targets) > _top1(questions, passages, targets) + 0.2


def test_hubness_is_highest_for_the_passage_questions_crowd_around(tmp_path: Path) -> None:
    passages = normalise(np.eye(4, dtype=np.float32))
    pool = normalise(np.array([[1, 0.1, 0, 0]] * 5 + [[0, 0, 1, 0.2]], dtype=np.float32))
    adapter = identity_adapter(pool)
    hubness = adapter.hubness(passages)
    assert int(np.argmax(hubness)) == 0 and hubness[1] < hubness[0]
    adapter.save(tmp_path / "adapter.npz")
    loaded = QueryAdapter.load(tmp_path / "adapter.npz")
    assert loaded is not None and np.allclose(loaded.hubness(passages), hubness, atol=1e-3)


def test_a_passage_is_as_near_as_its_nearest_question_beyond_what_other_questions_get(tmp_path: Path) -> None:
    dim = 6
    pool = normalise(np.array([*np.eye(4, dim), [0.3, 0, 0, 0, 1, 0]], dtype=np.float32))
    adapter = identity_adapter(
        pool,
        answers=(("crowded",),) * 4 + (("focused",),),
        own=normalise(np.eye(1, dim, 5, dtype=np.float32)),
        own_ids=("new",),
    )
    question = normalise(np.array([0.7, 0, 0, 0, 0.6, 0.2], dtype=np.float32))
    nearest = question @ pool.T
    assert abs(nearest[0] - nearest[4]) < 0.1, "as near to a question of each passage"
    near = adapter.neighbours(question)
    assert set(near) == {"crowded", "focused", "new"}, "a passage with no written questions has its own"
    assert near["focused"] > near["crowded"] + 0.2, "questions that cover everything count for less"
    assert near["new"] > 0
    assert adapter.neighbours(pool[4])["focused"] < near["focused"], "a question is not its own neighbour"
    adapter.save(tmp_path / "adapter.npz")
    loaded = QueryAdapter.load(tmp_path / "adapter.npz")
    assert loaded is not None and loaded.neighbours(question).keys() == near.keys()
    assert np.allclose(list(loaded.neighbours(question).values()), list(near.values()), atol=1e-3)


def test_the_nearest_training_questions_vote_for_the_passages_that_answer_them() -> None:
    dim = 4
    pool = normalise(np.array([[1, 0.1, 0, 0], [1, 0, 0.1, 0], [0, 1, 0, 0], [0, 0, 0, 1]], dtype=np.float32))
    adapter = identity_adapter(pool, answers=(("pace",), ("pace", "energy"), ("staff",), ("money",)))
    votes = adapter.votes(normalise(np.array([1, 0.2, 0.05, 0], dtype=np.float32)))
    assert abs(sum(weight for chunk_id, weight in votes.items() if chunk_id != "energy") - 1.0) < 1e-5
    assert votes["pace"] > 0.99, "the two nearest questions both answer it"
    assert 0 < votes["energy"] < votes["pace"] and votes["staff"] < 0.01
    assert adapter.votes(pool[2]).get("staff", 0.0) < 0.01, "a question is not its own neighbour"
    assert identity_adapter(np.zeros((0, dim), np.float32)).votes(pool[0]) == {}


def test_one_near_miss_beside_a_question_does_not_outweigh_the_answerable_ones_around_it() -> None:
    question = normalise(np.array([1, 0.5, 0, 0], dtype=np.float32))
    answerable = normalise(np.array([[1, 0.3, 0.2, 0], [1, 0.6, 0, 0.2], [1, 0.4, 0.1, 0.1]], np.float32))
    near_miss = normalise(np.array([[1, 0.5, 0, 0.05], [0, 0, 1, 0], [0, 0, 0, 1]], np.float32))
    adapter = identity_adapter(answerable, outside=near_miss)
    assert float(np.max(near_miss @ question)) > float(np.max(answerable @ question)), "the nearest is out"
    assert adapter.margin(question) > 0, "but most of its neighbours are answerable"
    assert adapter.margin(normalise(np.array([0, 0, 1, 0.1], np.float32))) < 0


def test_the_scope_direction_learns_which_side_of_the_corpus_a_question_is_on(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    answerable = normalise(np.array([1, 0.2, 0, 0], np.float32) + 0.3 * rng.normal(size=(40, 4)))
    outside = normalise(np.array([0, 0.2, 1, 0], np.float32) + 0.3 * rng.normal(size=(12, 4)))
    adapter = identity_adapter(answerable.astype(np.float32), scope=scope_direction(answerable, outside))
    assert adapter.in_scope(normalise(np.array([1, 0.1, 0.1, 0], np.float32))) > 1
    assert adapter.in_scope(normalise(np.array([0.1, 0.1, 1, 0], np.float32))) < -1
    adapter.save(tmp_path / "adapter.npz")
    loaded = QueryAdapter.load(tmp_path / "adapter.npz")
    assert loaded is not None and np.allclose(loaded.scope, adapter.scope)
    assert identity_adapter(answerable.astype(np.float32)).in_scope(answerable[0]) == 0.0, "none fitted"
    assert len(scope_direction(answerable, np.zeros((0, 4)))) == 0, "no out-of-scope questions: none"


def test_the_answer_chain_reads_the_margin_and_scope_of_the_adapted_question() -> None:
    fake = FakeEmbeddings()
    questions = fake.encode(["shared pace of the partners", "joint staff consultation"])
    outside = fake.encode(["council tax band figures", "pension fund returns"])
    adapter = identity_adapter(questions, outside=outside, scope=scope_direction(questions, outside))
    vector = AdaptedEmbeddings(fake, adapter).query_vector("partners staff pace")
    expected = (adapter.margin(vector), adapter.in_scope(vector))
    assert expected[1] != 0.0
    assert neighbour_signals(AdaptedEmbeddings(fake, adapter), vector) == pytest.approx(expected)
    assert neighbour_signals(fake, vector) == (0.0, 0.0), "no adapter: no signal"


def test_an_adapter_is_used_only_with_the_model_it_was_trained_for(tmp_path: Path) -> None:
    dim = FakeEmbeddings().dimensions
    adapter = QueryAdapter(
        "fake", np.zeros((dim, 2), np.float32), np.zeros((2, dim), np.float32), np.zeros((0, dim)), 3, 0.5
    )
    adapter.save(tmp_path / "mine.npz")
    assert isinstance(with_adapter(FakeEmbeddings(), tmp_path / "mine.npz"), AdaptedEmbeddings)
    other = FakeEmbeddings()
    other.model_name = "another-model"
    assert with_adapter(other, tmp_path / "mine.npz") is other
    assert with_adapter(other, tmp_path / "missing.npz") is other
    assert with_adapter(other, None) is other


def test_the_ranker_learns_which_signal_finds_the_answer() -> None:
    rng = np.random.default_rng(0)
    groups = []
    for _ in range(60):
        features = rng.normal(size=(10, len(FEATURES))).astype(np.float32)
        answer = np.zeros(10, dtype=bool)
        answer[int(np.argmax(features[:, 2]))] = True  # only the third signal tells
        groups.append((features, answer))
    ranker = fit_ranker(groups)
    assert int(np.argmax(np.abs(ranker.weights))) == 2
    assert hits_at(groups, ranker, 1) > 0.9
    assert ranker == fit_ranker(groups)


def test_a_passage_no_question_can_vote_for_gets_the_votes_its_other_signals_predict(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    neighbours = FEATURES.index("neighbours")
    groups = []
    for _ in range(40):
        features = rng.normal(size=(10, len(FEATURES))).astype(np.float32)
        features[:, VOTES] = 0.5 * features[:, neighbours] + 0.2
        groups.append((features, features[:, VOTES] == features[:, VOTES].max()))
    fitted = fit_ranker(groups).imputed_votes
    others = [name for name in FEATURES if name != "votes"]
    assert abs(fitted[others.index("neighbours")] - 0.5) < 1e-3 and abs(fitted[-1] - 0.2) < 1e-3
    ranker = Ranker(tuple(float(name == "votes") for name in FEATURES), fitted)
    candidates = np.zeros((2, len(FEATURES)), dtype=np.float32)
    candidates[0, [neighbours, VOTES]] = 0.2, 0.3  # asked about: its votes are real
    candidates[1, neighbours] = 0.8  # in a document no question is about: no votes, though near
    assert ranker.score(candidates)[1] == 0.0, "without the mark it has no votes"
    scores = ranker.score(candidates, np.array([False, True]))
    assert scores[0] == np.float32(0.3) and abs(scores[1] - 0.6) < 1e-3
    ranker.save(tmp_path / "ranker.json")
    assert Ranker.load(tmp_path / "ranker.json") == Ranker(ranker.weights, tuple(round(c, 6) for c in fitted))


def test_the_passages_unasked_are_those_of_documents_no_written_question_is_about() -> None:
    chunks = {name: Chunk(name, f"{name[0]}.txt", "Guide", None, "text", 0, 4) for name in ("a1", "a2", "b1")}
    adapter = identity_adapter(np.zeros((1, 4), np.float32), answers=(("a1",),))
    assert unasked(["a2", "b1", "a1"], chunks, adapter).tolist() == [False, True, False]
    assert not unasked(["b1"], chunks, None).any()


def test_the_refusal_threshold_separates_the_two_kinds_and_the_scope_model_learns_it() -> None:
    assert best_threshold([0.6, 0.7, 0.8], [0.1, 0.2, 0.3]) == 0.45
    answerable = [(0.6 + 0.01 * i, 0.0, 0.0, 0.5, 0.1, 1.0) for i in range(30)]
    out_of_scope = [(0.2 + 0.01 * i, 0.5, 1.0, 0.2, -0.1, -1.0) for i in range(30)]
    model, summary = train_scope(answerable, out_of_scope)
    assert model.probability(answerable[0]) >= model.threshold > model.probability(out_of_scope[-1])
    assert "100.0% of answerable" in summary
