"""Tests for eval.calibration: threshold search on hand-made scores, and the stored thresholds."""

import pytest

from eval.calibration import best_threshold, best_threshold_pair, candidate_thresholds, f1_score
from eval.gate import load_thresholds


def test_f1_score_by_hand():
    # TP = 2, FP = 1, FN = 1 -> 2*2 / (4 + 1 + 1)
    assert f1_score([True, True, True, False, False], [True, True, False, True, False]) == pytest.approx(
        4 / 6
    )
    assert f1_score([False, False], [False, False]) == 0.0


def test_candidates_are_midpoints_plus_both_ends():
    assert candidate_thresholds([0.2, 0.6, 0.6, 0.4]) == pytest.approx([0.19, 0.3, 0.5, 0.61])


def test_best_threshold_separates_a_separable_sample_at_the_widest_margin():
    scores = [0.9, 0.8, 0.7, 0.3, 0.2]
    labels = [True, True, True, False, False]
    threshold, f1 = best_threshold(scores, labels)
    assert f1 == 1.0
    assert threshold == pytest.approx(0.5)


def test_best_threshold_trades_errors_for_f1():
    scores = [0.9, 0.6, 0.5, 0.4]
    labels = [True, False, True, False]
    # t=0.45 gives TP 2, FP 1 (F1 0.8); t=0.75 gives TP 1, FN 1 (F1 0.667)
    threshold, f1 = best_threshold(scores, labels)
    assert (threshold, f1) == (pytest.approx(0.45), pytest.approx(0.8))


def test_best_threshold_pair_uses_each_signal_where_it_helps():
    # positives: one found by words only, one by embedding only; negatives low on both
    lexical = [0.9, 0.1, 0.2, 0.3]
    embedding = [0.1, 0.8, 0.3, 0.2]
    labels = [True, True, False, False]
    lexical_min, embedding_min, f1 = best_threshold_pair(lexical, embedding, labels)
    assert f1 == 1.0
    assert lexical_min == pytest.approx(0.6)  # the strictest pair that still separates
    assert embedding_min == pytest.approx(0.55)


@pytest.mark.model
def test_stored_thresholds_are_the_calibrated_ones():
    from assistant.index.embeddings import SentenceEmbeddings
    from assistant.settings import Settings
    from eval.calibration import calibrate

    calibration = calibrate(SentenceEmbeddings(Settings().embedding_model))
    stored = load_thresholds()
    assert stored.nugget_match.embedding_min == pytest.approx(calibration.nugget_embedding_min, abs=1e-3)
    assert stored.support.lexical_min == pytest.approx(calibration.support_lexical_min, abs=1e-3)
    assert stored.support.embedding_min == pytest.approx(calibration.support_embedding_min, abs=1e-3)
