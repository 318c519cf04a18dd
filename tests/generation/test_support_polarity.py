"""The polarity check of ``assistant.generation.support``: a statement that denies what its quote says, or
asserts what the quote denies, is not supported however many words and how close an embedding they share."""

from __future__ import annotations

import pytest

from assistant.generation.support import contradicts, is_supported, polar_segments
from eval.calibration import SUPPORT_SAMPLE, SupportSample
from eval.cases import load_yaml
from tests.conftest import FakeEmbeddings

CONTRADICTIONS = [
    ("Shared services never fail.", "Shared services fail when partners stop trusting each other."),
    (
        "Customers never have the right to leave.",
        "customers always have a right to leave the shared service.",
    ),
    ("Budgets go to the provider.", "budgets stay with the customer, they don’t go to the provider"),
    (
        "Traditional outsourcing produces immediate savings.",
        "traditional outsourcing does not produce immediate savings (if any at all)",
    ),
    ("The 1+1=1½ model causes no disruption for staff.", "There is disruption within the partnership."),
]

AGREEMENTS = [
    ("Shared services fail when trust goes.", "Shared services fail when partners stop trusting each other."),
    ("Budgets do not go to the provider.", "budgets stay with the customer, they don’t go to the provider"),
    (
        "Many collaborations fail because of poor relationship management.",
        "the reason that many collaborations do not succeed is poor relationship management.",
    ),
    (
        "Most barriers to collaboration are behavioural rather than structural.",
        "These can be structural or relate to governance but most are behavioural.",
    ),
]


def test_a_negation_reaches_to_the_end_of_its_clause_at_most() -> None:
    assert polar_segments("Shared services never fail, but councils worry [2]") == [
        (frozenset({"share", "servic"}), False),
        (frozenset({"fail"}), True),
        (frozenset({"council", "worri"}), False),
    ]
    assert polar_segments("They do not succeed and partners leave")[-1] == (
        frozenset({"partner", "leav"}),
        False,
    )


@pytest.mark.parametrize(("statement", "quote"), CONTRADICTIONS)
def test_a_statement_the_other_way_round_is_not_supported(statement: str, quote: str) -> None:
    assert contradicts(statement, quote)
    assert not is_supported(statement, quote, FakeEmbeddings(), lexical_min=0.0, embedding_min=-1.0)


@pytest.mark.parametrize(("statement", "quote"), AGREEMENTS)
def test_a_statement_the_same_way_round_is_not_a_contradiction(statement: str, quote: str) -> None:
    assert not contradicts(statement, quote)


def test_no_supported_pair_of_the_calibration_sample_is_a_contradiction() -> None:
    """The check only removes support: on the labelled sample it flags unsupported pairs alone."""
    sample = load_yaml(SUPPORT_SAMPLE, SupportSample)
    flagged = [pair for pair in sample.pairs if contradicts(pair.statement, pair.quote)]
    assert flagged and not [pair.statement for pair in flagged if pair.supported]


def test_a_quote_never_contradicts_itself() -> None:
    sample = load_yaml(SUPPORT_SAMPLE, SupportSample)
    for pair in sample.pairs:
        assert not contradicts(pair.quote, pair.quote) and not contradicts(pair.statement, pair.statement)


def test_a_statement_the_quote_contains_never_contradicts_it():
    quote = "It is not cheap. Services improve."  # the negation's reach runs on past the full stop
    assert not contradicts("Services improve.", quote)
    assert not contradicts("It is not cheap.", quote)
