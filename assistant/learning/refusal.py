"""Calibrating the refusal: the relevance below which a question is refused, learned from the training
questions the guidance answers and its out-of-scope ones (never the dev set)."""

from __future__ import annotations

from collections.abc import Sequence


def best_threshold(answered: Sequence[float], refused: Sequence[float]) -> float:
    """The threshold maximising Youden's J (share answered + share refused - 1): the midpoint between
    the two relevances where it is best, so neither side sits on the edge."""
    values = sorted(set(answered) | set(refused))
    best, best_j = 0.0, -1.0
    for low, high in zip(values, values[1:], strict=False):
        threshold = (low + high) / 2
        j = sum(r >= threshold for r in answered) / len(answered) + sum(r < threshold for r in refused) / len(
            refused
        )
        if j > best_j:
            best, best_j = threshold, j
    return round(best, 4)
