"""The learned review judgement: which factor a proposal sentence is about, its stance on it, and which
of the three sums a statement of ambition shows.

Four multinomial logistic regressions, trained by ``assistant train`` from the labelled sentences in
``assistant/data/training/review_*.yaml``. They read which of the training data's words and word pairs a
sentence contains and whether it negates, defers, makes a condition, worries or reassures
(``stance_features``); the factor, joint and sum models also read its embedding, with its heading.
Stance is in words the embedding blurs ("will be prepared once", "has been signed"); the joint model
(factor and polarity at once) learns what is a risk for one factor only ("a new brand on day one").
The factor, stance and joint models are averaged with the heads of a fine-tuned reader
(``assistant.review.encoder``) when the model has one (``ReviewModel.judge``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from assistant.errors import UsageError
from assistant.review.encoder import HEADS, TunedLayers, TunedReader
from assistant.review.tuning import ASSURANCE, CONCERN, CONDITION, DEFERRAL, NEGATION
from assistant.settings import LEARNED_REVIEW
from assistant.text.terms import stemmed_words

STANCES = ("risk", "handled", "unclear", "neutral")
"""What a sentence does for its factor: shows it as a risk, handles it, defers or hedges it, mentions it."""

NO_FACTOR = "none"
"""The factor class of a sentence about no factor."""

OTHER_SUM = "other"
"""The sum class of a sentence that states no ambition."""

EMBEDDING_SCALE = 10.0
"""Embedding components are multiplied by this (half the square root of their dimension: a spread like the
word features'), so that one regularisation strength suits both."""


WORD_SIGNALS = (NEGATION, DEFERRAL, CONDITION, CONCERN, ASSURANCE)
"""The word lists whose presence the stance model sees (each counted up to two)."""


RISK, HANDLED, UNCLEAR = (STANCES.index(name) for name in ("risk", "handled", "unclear"))

UNCALIBRATED = np.array([[1.0, 0.0], [1.0, 0.0]], dtype=np.float32)
"""Platt scaling that leaves the scores as they are (slope 1, intercept 0)."""


def sentence_scores(about: np.ndarray, stance: np.ndarray, joint: np.ndarray) -> np.ndarray:
    """Per sentence (rows of ``about``, ``stance`` and ``joint``) and factor (columns of ``about``): index
    0, the chance it shows the factor at risk; index 1, the chance it handles it. Each is the geometric
    mean of two models' chances: P(about the factor) x P(risk or unclear) (or x P(handled)), and the joint
    model's (``joint``: per factor, the risk column then the handled column, as ``joint_columns`` orders
    them)."""
    product = np.stack([about * (stance[:, [RISK]] + stance[:, [UNCLEAR]]), about * stance[:, [HANDLED]]])
    return np.sqrt(product * np.stack([joint[:, 0::2], joint[:, 1::2]]))


def polarity(
    factor_labels: np.ndarray, stance_labels: np.ndarray, factors: int
) -> tuple[np.ndarray, np.ndarray]:
    """Which sentences show their factor at risk (risk or unclear) and which handle it; a sentence about
    no factor (label ``factors``) does neither."""
    about = factor_labels < factors
    return np.isin(stance_labels, [RISK, UNCLEAR]) & about, (stance_labels == HANDLED) & about


def joint_labels(factor_labels: np.ndarray, stance_labels: np.ndarray, factors: int) -> np.ndarray:
    """The joint model's class of each sentence: ``2f`` shows factor ``f`` at risk (risk or unclear),
    ``2f + 1`` handles it, ``2 * factors`` neither (neutral, or about no factor: ``factors``)."""
    labels = np.full(len(factor_labels), 2 * factors)
    risky, handled = polarity(factor_labels, stance_labels, factors)
    labels[risky] = 2 * factor_labels[risky]
    labels[handled] = 2 * factor_labels[handled] + 1
    return labels


def joint_columns(columns: Sequence[int]) -> list[int]:
    """The joint model's risk and handled columns of the factors at ``columns`` (in that order)."""
    return [2 * column + polarity for column in columns for polarity in (0, 1)]


def log_odds(probabilities: np.ndarray) -> np.ndarray:
    """log(p / (1 - p)), with p kept inside [1e-6, 1 - 1e-6]."""
    clipped = np.clip(probabilities, 1e-6, 1 - 1e-6)
    return np.log(clipped / (1 - clipped))


def sentence_text(text: str, heading: str | None) -> str:
    """What the model reads of a sentence: its heading gives it context ("Staff: They will be told.")."""
    return f"{heading}: {text}" if heading else text


def stance_features(texts: Sequence[str]) -> np.ndarray:
    """Per text, how often (0, 0.5, 1 for two or more) each word list of ``WORD_SIGNALS`` occurs."""
    return np.array(
        [[min(len(signal.findall(text)), 2) / 2 for signal in WORD_SIGNALS] for text in texts],
        dtype=np.float32,
    ).reshape(len(texts), len(WORD_SIGNALS))


def softmax_probabilities(weights: np.ndarray, features: np.ndarray) -> np.ndarray:
    """Class probabilities of a multinomial logistic regression (last weight row: the intercepts)."""
    return softmax(features @ weights[:-1] + weights[-1])


def combine(first: np.ndarray, second: np.ndarray) -> np.ndarray:
    """Two models' class probabilities (rows) as one: their geometric mean, each row summing to one."""
    product = np.sqrt(np.clip(first, 1e-12, None) * np.clip(second, 1e-12, None))
    return product / product.sum(axis=1, keepdims=True)


def with_reader(
    judged: Sequence[np.ndarray], tuned: TunedLayers, vectors: np.ndarray
) -> tuple[np.ndarray, ...]:
    """The factor, stance and joint classifiers' probabilities (``judged``, rows: sentences) averaged
    (``combine``) with those of the reader's heads over the sentences' tuned embeddings ``vectors``."""
    heads = (softmax_probabilities(tuned.heads[name], EMBEDDING_SCALE * vectors) for name in HEADS)
    return tuple(combine(own, head) for own, head in zip(judged, heads, strict=True))


def softmax(scores: np.ndarray) -> np.ndarray:
    """Each row of class scores as probabilities."""
    scores = scores - scores.max(axis=1, keepdims=True)
    exponentials = np.exp(scores)
    return exponentials / exponentials.sum(axis=1, keepdims=True)


def word_features(text: str) -> set[str]:
    """A text's stemmed words and pairs of neighbouring words ("busi_case", "retir")."""
    words = stemmed_words(text)
    return {*words, *(f"{first}_{second}" for first, second in zip(words, words[1:], strict=False))}


def word_columns(vocabulary: Sequence[str]) -> dict[str, int]:
    """Each word of the vocabulary and its column among the word features."""
    return {word: index for index, word in enumerate(vocabulary)}


def model_features(
    vectors: np.ndarray | None, texts: Sequence[str], columns: Mapping[str, int]
) -> np.ndarray:
    """The models' input: scaled embeddings (none for the stance), which vocabulary words (``columns``,
    from ``word_columns``) each text has, and its word signals."""
    present = np.zeros((len(texts), len(columns)), dtype=np.float32)
    for row, text in enumerate(texts):
        for word in word_features(text):
            if word in columns:
                present[row, columns[word]] = 1.0
    if vectors is None:
        return np.hstack([present, stance_features(texts)])
    scaled = EMBEDDING_SCALE * np.asarray(vectors, dtype=np.float32)
    return np.hstack([scaled, present, stance_features(texts)])


@dataclass(frozen=True)
class ReviewModel:
    """The three trained classifiers and their class names."""

    factors: tuple[str, ...]
    """Factor ids in column order, then ``NO_FACTOR``."""
    sums: tuple[str, ...]
    """Sum labels in column order, then ``OTHER_SUM``."""
    vocabulary: tuple[str, ...]
    """The words and word pairs the models read."""
    factor_weights: np.ndarray
    stance_weights: np.ndarray
    sum_weights: np.ndarray
    joint_weights: np.ndarray
    """The joint model: classes as ``joint_labels`` numbers them."""
    calibration: np.ndarray = field(default_factory=UNCALIBRATED.copy)
    """Platt scaling (slope, intercept) of the risk and handled scores of ``sentence_scores``: fitted on
    each training file's sentences as scored by models trained without its fold of files, it maps a score to
    how often such a score was right for another writer's sentence (the raw product is under-confident
    there: of the scores between 0.4 and 0.5, two thirds were right)."""
    tuned: TunedLayers | None = None
    """The fine-tuned reader (``assistant.review.encoder``), averaged with the factor, stance and joint
    models by ``judge``; without it they judge alone."""

    @cached_property
    def reader(self) -> TunedReader | None:
        """The fine-tuned reader, loaded on first use."""
        return TunedReader(self.tuned) if self.tuned is not None else None

    def judge(
        self, features: np.ndarray, tuned: np.ndarray | None, sentences: Sequence[str]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """P(about each factor), P(each stance) and the joint model's probabilities of sentences (rows;
        ``features`` of the sentences with their headings, ``sentences`` without): the logistic models'
        averaged with the fine-tuned reader's heads (``combine``) when ``tuned`` gives the reader's
        embeddings of the sentences with their headings."""
        judged = (
            self.factor_probabilities(features),
            self.stance_probabilities(sentences),
            self.joint_probabilities(features),
        )
        if self.tuned is None or tuned is None:
            return judged
        first, second, third = with_reader(judged, self.tuned, tuned)
        return first, second, third

    @cached_property
    def columns(self) -> dict[str, int]:
        """The vocabulary's word columns (built once per model)."""
        return word_columns(self.vocabulary)

    def features(self, vectors: np.ndarray, texts: Sequence[str]) -> np.ndarray:
        """The factor and sum models' input for sentences (with their headings) and their embeddings."""
        return model_features(vectors, texts, self.columns)

    def factor_probabilities(self, features: np.ndarray) -> np.ndarray:
        """Rows: sentences (``features``); columns: P(about that factor), the last for no factor."""
        return softmax_probabilities(self.factor_weights, features)

    def stance_probabilities(self, sentences: Sequence[str]) -> np.ndarray:
        """Rows: sentences (without their headings); columns: P(stance) in the order of ``STANCES``.

        The stance model reads words only: on the labelled sentences it is as accurate alone (0.855) as
        with the embedding (0.858), and the embedding ties stance to topic in ways that do not carry over
        to other writers' proposals."""
        return softmax_probabilities(self.stance_weights, model_features(None, sentences, self.columns))

    def sum_probabilities(self, features: np.ndarray) -> np.ndarray:
        """Rows: sentences (``features``); columns: P(it states that sum's ambition), the last for none."""
        return softmax_probabilities(self.sum_weights, features)

    def joint_probabilities(self, features: np.ndarray) -> np.ndarray:
        """Rows: sentences (``features``); columns: P(factor 0 at risk), P(factor 0 handled), …, and last
        P(neither)."""
        return softmax_probabilities(self.joint_weights, features)

    def calibrated_scores(self, about: np.ndarray, stance: np.ndarray, joint: np.ndarray) -> np.ndarray:
        """``sentence_scores`` mapped by the calibration to the chance that they are right."""
        scores = sentence_scores(about, stance, joint)
        slopes, intercepts = self.calibration[:, :1, None], self.calibration[:, 1:, None]
        return 1 / (1 + np.exp(-(slopes * log_odds(scores) + intercepts)))

    def save(self, path: Path) -> None:
        """Write the model as one ``.npz`` file."""
        path.parent.mkdir(parents=True, exist_ok=True)
        tuned: dict[str, Any] = self.tuned.arrays("tuned/") if self.tuned is not None else {}
        with path.open("wb") as handle:
            np.savez_compressed(
                handle,
                **tuned,
                factors=np.array(self.factors),
                sums=np.array(self.sums),
                vocabulary=np.array(self.vocabulary),
                factor_weights=self.factor_weights.astype(np.float32),
                stance_weights=self.stance_weights.astype(np.float32),
                sum_weights=self.sum_weights.astype(np.float32),
                joint_weights=self.joint_weights.astype(np.float32),
                calibration=self.calibration.astype(np.float32),
            )


def require_review_model() -> ReviewModel:
    """The shipped model (``assistant/data/models/review.npz``).

    Raises:
        UsageError: when it is missing (``assistant train`` writes it).
    """
    model = load_review_model(LEARNED_REVIEW)
    if model is None:
        raise UsageError(f"the review model {LEARNED_REVIEW} is missing: run `assistant train` to build it")
    return model


@lru_cache(maxsize=4)
def load_review_model(path: Path) -> ReviewModel | None:
    """The model ``assistant train`` wrote, or None when there is none (the review then cannot judge)."""
    if not path.is_file():
        return None
    with np.load(path) as data:
        return ReviewModel(
            tuple(str(name) for name in data["factors"]),
            tuple(str(name) for name in data["sums"]),
            tuple(str(word) for word in data["vocabulary"]),
            data["factor_weights"],
            data["stance_weights"],
            data["sum_weights"],
            data["joint_weights"],
            data["calibration"],
            TunedLayers.from_arrays(data, "tuned/"),
        )
