"""Tests for assistant.generation.support: the support test strips markers and bullets and applies both
thresholds."""

import pytest

from assistant.generation.support import (
    clean_statement,
    embedding_support,
    is_supported,
    lexical_support,
    support_score,
)


def test_clean_statement_strips_markers_bullets_and_whitespace():
    assert clean_statement("- Budgets stay with the customer [2].") == "Budgets stay with the customer."
    assert clean_statement("  1. Piloting [1, 3]\n") == "Piloting"
    assert (
        clean_statement("Deputy Minister [= permanent secretary] [4]")
        == "Deputy Minister [= permanent secretary]"
    )


def test_lexical_support_is_the_share_of_statement_content_words_in_the_quote():
    # content words of the statement: budget, stay, custom, provid (stemmed; "with", "the" are stopwords)
    assert lexical_support(
        "Budgets stay with the customer, not the provider [1]", "budgets stay with the customer"
    ) == (pytest.approx(3 / 4))
    assert lexical_support("- Piloting [2]", "Piloting") == 1.0
    assert lexical_support("It is. [1]", "anything") == 0.0  # no content words


def test_markers_do_not_change_the_embedding_comparison(fake_embeddings):
    plain = embedding_support("customers may leave", "customers may leave the service", fake_embeddings)
    marked = embedding_support(
        "- customers may leave [3]", "customers may leave the service", fake_embeddings
    )
    assert marked == pytest.approx(plain)


def test_is_supported_accepts_either_test(fake_embeddings):
    statement, quote = "customers may always leave", "customers may always leave the shared service"
    assert is_supported(
        statement, quote, fake_embeddings, lexical_min=1.0, embedding_min=2.0
    )  # lexical alone
    assert is_supported(
        statement, quote, fake_embeddings, lexical_min=2.0, embedding_min=0.5
    )  # embedding alone
    assert not is_supported(statement, quote, fake_embeddings, lexical_min=2.0, embedding_min=2.0)
    assert not is_supported("weak communications", "customers may leave", fake_embeddings, 0.5, 0.9)


def test_is_supported_skips_the_model_when_words_decide(fake_embeddings):
    is_supported("Piloting [1]", "Piloting", fake_embeddings, lexical_min=0.5, embedding_min=0.5)
    assert fake_embeddings.embedded == 0


def test_support_score_is_the_stronger_signal(fake_embeddings):
    assert support_score("Piloting [1]", "Piloting", fake_embeddings) == pytest.approx(1.0)
    assert 0.0 <= support_score("weak communications", "customers may leave", fake_embeddings) <= 1.0
