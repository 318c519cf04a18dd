"""Tests for eval.metrics: each metric on hand-made examples whose answers are worked out by hand."""

import math

import numpy as np
import pytest

from eval.metrics import (
    Statement,
    citation_is_valid,
    citation_support,
    collapse,
    mean,
    median,
    ndcg_at_k,
    nuggets_found_by_embedding,
    percentile,
    phrase_found,
    rate,
    recall,
    recall_at_k,
    reciprocal_rank_at_k,
    split_statements,
    unit_matches,
)

A1 = ("a.txt", "One")
A2 = ("a.txt", "Two")
B = ("b.txt", None)
C = ("c.txt", "Three")


# --- retrieval -------------------------------------------------------------------------------------


def test_an_expected_section_of_none_matches_any_section_of_its_document():
    assert unit_matches(("b.txt", "Anything"), ("b.txt", None))
    assert unit_matches(("b.txt", None), ("b.txt", None))
    assert not unit_matches(("a.txt", "One"), ("b.txt", None))
    assert unit_matches(A1, A1)
    assert not unit_matches(A2, A1)
    assert not unit_matches(("a.txt", None), A1)


def test_recall_at_5_counts_distinct_expected_units_found_in_the_top_5():
    expected = [A1, B, C]
    retrieved = [A2, A1, A1, ("b.txt", "Other"), C, C]  # C only at rank 5 and 6
    assert recall_at_k(retrieved, expected, 5) == pytest.approx(3 / 3)
    assert recall_at_k(retrieved, expected, 4) == pytest.approx(2 / 3)
    assert recall_at_k(retrieved, [A1, A1], 5) == 1.0  # a repeated expected unit counts once
    assert recall_at_k([], expected, 5) == 0.0


def test_reciprocal_rank_is_one_over_the_rank_of_the_first_relevant_passage():
    assert reciprocal_rank_at_k([A2, C, A1], [A1, C], 10) == pytest.approx(1 / 2)
    assert reciprocal_rank_at_k([A1], [A1], 10) == 1.0
    assert reciprocal_rank_at_k([A2] * 10 + [A1], [A1], 10) == 0.0  # rank 11 is outside @10


def test_ndcg_with_distinct_units_and_no_gain_for_repeats():
    expected = [A1, C]
    # rank 1 relevant (A1), rank 2 repeats A1 (no gain), rank 3 relevant (C)
    dcg = 1 / math.log2(2) + 1 / math.log2(4)
    ideal = 1 / math.log2(2) + 1 / math.log2(3)
    assert ndcg_at_k([A1, A1, C], expected, 10) == pytest.approx(dcg / ideal)
    assert ndcg_at_k([A1, C], expected, 10) == pytest.approx(1.0)
    assert ndcg_at_k([A2, A2], expected, 10) == 0.0


def test_ndcg_with_one_relevant_unit_at_rank_three():
    assert ndcg_at_k([A2, C, A1], [A1], 10) == pytest.approx(1 / math.log2(4))


def test_ndcg_lets_one_document_wide_unit_be_found_once():
    # expected: anywhere in b.txt, plus a.txt/One; two b.txt passages gain only once
    expected = [B, A1]
    retrieved = [("b.txt", "x"), ("b.txt", "y"), A1]
    dcg = 1 + 1 / math.log2(4)
    ideal = 1 + 1 / math.log2(3)
    assert ndcg_at_k(retrieved, expected, 10) == pytest.approx(dcg / ideal)


# --- nuggets ---------------------------------------------------------------------------------------


def test_phrase_match_is_case_insensitive_after_collapsing_whitespace():
    answer = "Loss of\n   SOVEREIGNTY and power [2] are often problems."
    assert phrase_found(["loss of sovereignty"], answer)
    assert phrase_found(["nothing here", "sovereignty and power"], answer)
    assert not phrase_found(["personal agenda"], answer)
    assert collapse("  a \n\t b  ") == "a b"


def test_embedding_match_takes_the_best_sentence_against_the_threshold():
    nuggets = np.array([[1.0, 0.0], [0.0, 1.0]])
    sentences = np.array([[0.6, 0.8], [1.0, 0.0]])
    assert nuggets_found_by_embedding(nuggets, sentences, 0.9) == [True, False]  # best cosines 1.0 and 0.8
    assert nuggets_found_by_embedding(nuggets, sentences, 0.8) == [True, True]
    assert nuggets_found_by_embedding(nuggets, np.zeros((0, 2)), 0.1) == [False, False]


def test_recall_is_the_share_found():
    assert recall([True, False, True, False]) == 0.5
    assert recall([]) == 0.0


# --- citations -------------------------------------------------------------------------------------

RAW = "Title\n\nThe first   sentence\nwraps here. Second one."


def test_a_citation_is_valid_when_its_quote_is_the_collapsed_span():
    start = RAW.index("The")
    end = RAW.index("here.") + len("here.")
    assert citation_is_valid("The first sentence wraps here.", start, end, RAW)
    assert not citation_is_valid("The first sentence wraps here", start, end, RAW)  # not the whole span
    assert not citation_is_valid("The first sentence wraps here.", start, end + 50, RAW)  # past the end
    assert not citation_is_valid("The first sentence wraps here.", start, end, None)  # unreadable document


def test_split_statements_keeps_markers_with_their_sentences():
    answer = "\n".join(
        [
            "Lead sentence. [1]",
            "",
            "- First bullet [2]",
            "- Two sentences. Under one citation [3][4]",
            "- Uncited tail.",
        ]
    )
    assert split_statements(answer) == [
        Statement("Lead sentence.", (1,)),
        Statement("First bullet", (2,)),
        Statement("Two sentences.", (3, 4)),
        Statement("Under one citation", (3, 4)),
        Statement("Uncited tail.", ()),
    ]


def test_split_statements_ends_a_statement_at_every_marker():
    answer = "customers may leave. [1] on a larger scale, a board decides [2] Budgets stay put [3, 4]."
    assert split_statements(answer) == [
        Statement("customers may leave.", (1,)),
        Statement("on a larger scale, a board decides", (2,)),
        Statement("Budgets stay put.", (3, 4)),
    ]


def test_split_statements_leaves_out_the_refusal():
    answer = "I can't find this in the guidance. The guidance covers: A; B."
    assert split_statements(answer) == []


def test_split_statements_leaves_out_a_fallback_notice():
    from assistant.generation.prompts import NOTICE_TIMEOUT, NOTICE_UNVERIFIED

    for notice in (NOTICE_TIMEOUT, NOTICE_UNVERIFIED):
        answer = f"{notice}\n\nShared services fail for many reasons. [1]"
        assert split_statements(answer) == [Statement("Shared services fail for many reasons.", (1,))]


def test_citation_recall_and_precision_follow_alce():
    statements = [
        Statement("alpha beta", (1, 2)),  # supported by 1, not by 2
        Statement("gamma", (3,)),  # not supported
        Statement("delta", ()),  # no citation
        Statement("alpha", (9,)),  # cites a number the answer does not have
    ]
    quotes = {1: "alpha beta", 2: "zeta", 3: "epsilon"}
    support = citation_support(statements, quotes, lambda statement, quote: statement in quote)
    assert support.recall == pytest.approx(1 / 4)
    assert support.precision == pytest.approx(1 / 4)  # 1 of the pairs (1), (2), (3), (9)
    empty = citation_support([], quotes, lambda statement, quote: True)
    assert empty.recall is None and empty.precision is None


# --- refusals, length, latency ---------------------------------------------------------------------


def test_rate_mean_median_and_percentile():
    assert rate([True, False, False, True]) == 0.5
    assert rate([]) is None
    assert mean([1.0, None, 3.0]) == 2.0
    assert mean([None]) is None
    assert median([5, 1, 3, 2]) == 2.5
    assert median([]) is None
    values = [float(value) for value in range(1, 21)]  # 1..20
    assert percentile(values, 50) == 10.0  # ceil(0.5 * 20) = 10th
    assert percentile(values, 95) == 19.0  # ceil(0.95 * 20) = 19th
    assert percentile(values, 90) == 18.0
    assert percentile([7.0], 95) == 7.0
    assert percentile([], 50) is None
