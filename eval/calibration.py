"""Calibrate the matching thresholds on labelled samples (``assistant eval --calibrate``).

- Nugget embedding match: the cosine threshold that maximises F1 on ``nugget_calibration.yaml``.
- Citation support: the pair (lexical_min, embedding_min) of the OR rule that maximises F1 on
  ``support_calibration.yaml``.

The results are printed as TOML for ``assistant/data/calibration.toml``; the file is edited by hand.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import Field

from assistant.generation.support import embedding_support, lexical_support
from assistant.index.embeddings import EmbeddingCache
from eval.cases import CASES_DIR, Nugget, Strict, load_yaml
from eval.gate import Thresholds

NUGGET_SAMPLE = CASES_DIR / "nugget_calibration.yaml"
SUPPORT_SAMPLE = CASES_DIR / "support_calibration.yaml"


class NuggetPair(Strict):
    """A nugget and an answer sentence, labelled by whether the sentence states the nugget."""

    nugget: Nugget
    sentence: str = Field(min_length=1)
    match: bool


class NuggetSample(Strict):
    """The labelled sample for the nugget embedding matcher."""

    pairs: list[NuggetPair] = Field(min_length=2)


class SupportPair(Strict):
    """A statement and a quote, labelled by whether the quote supports the statement."""

    statement: str = Field(min_length=1)
    quote: str = Field(min_length=1)
    supported: bool


class SupportSample(Strict):
    """The labelled sample for the citation support test."""

    pairs: list[SupportPair] = Field(min_length=2)


@dataclass(frozen=True)
class Calibration:
    """Chosen thresholds with the F1 each reaches on its sample."""

    nugget_embedding_min: float
    nugget_f1: float
    nugget_pairs: int
    support_lexical_min: float
    support_embedding_min: float
    support_f1: float
    support_pairs: int


def f1_score(predicted: Sequence[bool], actual: Sequence[bool]) -> float:
    """``F1 = 2·TP / (2·TP + FP + FN)``; 0 when there are no positives at all."""
    true_positive = sum(p and a for p, a in zip(predicted, actual, strict=True))
    false_positive = sum(p and not a for p, a in zip(predicted, actual, strict=True))
    false_negative = sum(a and not p for p, a in zip(predicted, actual, strict=True))
    denominator = 2 * true_positive + false_positive + false_negative
    return 2 * true_positive / denominator if denominator else 0.0


def candidate_thresholds(scores: Sequence[float]) -> list[float]:
    """Midpoints between consecutive distinct scores, plus one below and one above them all.

    Every way a threshold can split the sample is represented once, with the widest margin.
    """
    values = sorted(set(scores))
    if not values:
        return [0.0]
    middles = [(low + high) / 2 for low, high in zip(values, values[1:], strict=False)]
    return [values[0] - 0.01, *middles, values[-1] + 0.01]


def best_threshold(scores: Sequence[float], labels: Sequence[bool]) -> tuple[float, float]:
    """The threshold t maximising F1 of ``score ≥ t`` against the labels; ties go to the highest t.

    Returns:
        (threshold, F1).
    """
    best = (-1.0, 0.0)
    for threshold in candidate_thresholds(scores):
        f1 = f1_score([score >= threshold for score in scores], labels)
        if (f1, threshold) > (best[0], best[1]):
            best = (f1, threshold)
    return best[1], best[0]


def best_threshold_pair(
    lexical: Sequence[float], embedding: Sequence[float], labels: Sequence[bool]
) -> tuple[float, float, float]:
    """The pair (L, E) maximising F1 of ``lexical ≥ L or embedding ≥ E``; ties go to the strictest (L + E).

    Returns:
        (lexical threshold, embedding threshold, F1).
    """
    best = (-1.0, 0.0, 0.0, 0.0)
    for lexical_min in candidate_thresholds(lexical):
        for embedding_min in candidate_thresholds(embedding):
            predicted = [
                x >= lexical_min or y >= embedding_min for x, y in zip(lexical, embedding, strict=True)
            ]
            f1 = f1_score(predicted, labels)
            key = (f1, lexical_min + embedding_min, lexical_min, embedding_min)
            if key > best:
                best = key
    return best[2], best[3], best[0]


def calibrate(
    embeddings: Any, nugget_path: Path = NUGGET_SAMPLE, support_path: Path = SUPPORT_SAMPLE
) -> Calibration:
    """Compute both calibrations from the labelled samples with the given embedding model."""
    cache = EmbeddingCache(embeddings)
    nuggets = load_yaml(nugget_path, NuggetSample).pairs
    nugget_vectors = cache.encode([pair.nugget.text for pair in nuggets])
    sentence_vectors = cache.encode([pair.sentence for pair in nuggets])
    cosines = [float(a @ b) for a, b in zip(nugget_vectors, sentence_vectors, strict=True)]
    nugget_min, nugget_f1 = best_threshold(cosines, [pair.match for pair in nuggets])

    support = load_yaml(support_path, SupportSample).pairs
    lexical = [lexical_support(pair.statement, pair.quote) for pair in support]
    similarity = [embedding_support(pair.statement, pair.quote, cache) for pair in support]
    lexical_min, embedding_min, support_f1 = best_threshold_pair(
        lexical, similarity, [pair.supported for pair in support]
    )
    return Calibration(
        nugget_embedding_min=round(nugget_min, 3),
        nugget_f1=nugget_f1,
        nugget_pairs=len(nuggets),
        support_lexical_min=round(lexical_min, 3),
        support_embedding_min=round(embedding_min, 3),
        support_f1=support_f1,
        support_pairs=len(support),
    )


def render_calibration(calibration: Calibration, current: Thresholds | None = None) -> str:
    """The calibrated thresholds as TOML for ``assistant/data/calibration.toml``, each noting the stored
    value."""

    def line(key: str, value: float, stored: float | None) -> str:
        if stored is None:
            return f"{key} = {value:g}"
        verdict = "same as stored" if abs(stored - value) < 1e-9 else f"stored: {stored:g}, update the file"
        return f"{key} = {value:g}  # {verdict}"

    nugget = current.nugget_match if current else None
    support = current.support if current else None
    support_fit = f"F1 = {calibration.support_f1:.3f} on {calibration.support_pairs} pairs"
    return "\n".join(
        [
            f"# F1 = {calibration.nugget_f1:.3f} on {calibration.nugget_pairs} pairs of {NUGGET_SAMPLE.name}",
            "[nugget_match]",
            line("embedding_min", calibration.nugget_embedding_min, nugget.embedding_min if nugget else None),
            "",
            f"# {support_fit} of {SUPPORT_SAMPLE.name}",
            "[support]",
            line("lexical_min", calibration.support_lexical_min, support.lexical_min if support else None),
            line(
                "embedding_min", calibration.support_embedding_min, support.embedding_min if support else None
            ),
        ]
    )
