"""The learned sentence selector: which candidate sentences answer, how the answer is ordered, how the
model is fitted from labelled candidates and saved."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from assistant.answering.compose import passage_points
from assistant.answering.selection import SELECTION_SIGNALS, Candidate, SentenceSelector, selection_features
from assistant.answering.weights import write_weights
from assistant.learning.selection import Considered, fit_selector, holds, train_selector
from assistant.records import Chunk, Sentence


def _candidate(chunk: str, position: int, text: str, score: float) -> Candidate:
    vector = np.zeros(8, dtype=np.float32)
    vector[int(chunk[1]) * 2 + position] = 1.0  # distinct sentences, never near-repeats of one another
    sentence = Sentence(
        f"{chunk}:{position}", chunk, "doc.txt", text, 0, len(text), position, "paragraph", 0, vector
    )
    return Candidate(
        sentence, Chunk(chunk, "doc.txt", "A Guide", f"Section {chunk}", text, 0, 1, 0), score, score
    )


CANDIDATES = [
    _candidate("c2", 3, "A sentence that scores best but answers nothing at all.", 0.9),
    _candidate("c1", 1, "The second sentence of the best passage answers the question.", 0.5),
    _candidate("c1", 0, "The best passage opens with this sentence, which answers too.", 0.4),
    _candidate("c3", 0, "A third passage's sentence that also answers nothing.", 0.3),
]
RANKS = {"c1": 0, "c2": 1, "c3": 2}
BEST_PASSAGE = SELECTION_SIGNALS.index("passage_1")


def _prefers_the_best_passage() -> SentenceSelector:
    weights = [0.0] * len(SELECTION_SIGNALS)
    weights[BEST_PASSAGE] = 4.0
    return SentenceSelector(tuple(weights), -2.0)


def test_features_describe_each_candidate_against_the_best_one() -> None:
    features = selection_features(CANDIDATES, RANKS)
    assert features.shape == (4, len(SELECTION_SIGNALS))
    column = dict(zip(SELECTION_SIGNALS, features.T, strict=True))
    assert column["best_scored"].tolist() == [1, 0, 0, 0]
    assert column["passage_1"].tolist() == [0, 1, 1, 0] and column["passage_2"].tolist() == [1, 0, 0, 0]
    assert column["opens_passage"].tolist() == [0, 0, 1, 1]
    assert np.allclose(column["below_best"], [0.0, 0.4, 0.5, 0.6])
    assert selection_features([], RANKS).shape == (0, len(SELECTION_SIGNALS))


def test_with_a_selector_the_likeliest_sentence_leads_and_the_rest_follow_in_document_order() -> None:
    chosen = passage_points(
        CANDIDATES, RANKS, max_points=2, max_chars=1000, selector=_prefers_the_best_passage()
    )
    assert [c.sentence.id for c in chosen] == ["c1:1", "c1:0"], (
        "the best passage's sentences, not the best score"
    )
    without = passage_points(CANDIDATES, RANKS, max_points=2, max_chars=1000)
    assert without[0].sentence.id == "c2:3", "without a selector the best-scoring sentence leads"


def test_the_selector_learns_what_its_labels_say_and_beats_reading_passages_in_order() -> None:
    answers = "The second sentence of the best passage answers the question."
    questions = [Considered(CANDIDATES, RANKS, (answers,)) for _ in range(20)]
    assert questions[0].labels.tolist() == [0, 1, 0, 0]
    selector = fit_selector(questions)
    probabilities = selector.probabilities(selection_features(CANDIDATES, RANKS))
    assert int(np.argmax(probabilities)) == 1
    _, summary = train_selector(questions, max_points=1, max_chars=1000)
    assert "hold 100.0% of the training questions' quotes, against 0.0% for whole passages" in summary


def test_a_sentence_holds_a_quote_that_starts_it_or_that_it_starts() -> None:
    assert holds("Weak  communications resulting in staff worries.", "weak communications resulting in staff")
    assert holds(
        "Unclear business cases, creating mismanagement",
        "Unclear business cases, creating mismanagement of expectations later",
    )
    assert not holds("Short.", "Short. And then a great deal more that the sentence does not hold at all.")
    assert not holds(
        "Something else entirely, about pace and energy.", "Weak communications resulting in staff"
    )


def test_the_selector_is_saved_and_loaded_only_for_its_signals(tmp_path: Path) -> None:
    selector = _prefers_the_best_passage()
    selector.save(tmp_path / "selector.json")
    assert SentenceSelector.load(tmp_path / "selector.json") == selector
    write_weights(tmp_path / "other.json", ("similarity",), weights=[1.0], bias=0.0)
    assert SentenceSelector.load(tmp_path / "other.json") is None
    assert SentenceSelector.load(tmp_path / "missing.json") is None
