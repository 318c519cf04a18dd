"""Word-level helpers: the names a question uses."""

from __future__ import annotations

from assistant.text.terms import named_terms


def test_names_are_acronyms_numbers_and_capitalised_words_inside_a_sentence() -> None:
    assert named_terms("What is the VAT treatment of a section 113 agreement with Dunmore?") == [
        "vat",
        "113",
        "dunmor",
    ]


def test_months_and_days_date_things_rather_than_name_them() -> None:
    assert named_terms("Can Northby go live in April, on a Monday, with the TUPE transfer?") == [
        "northbi",
        "tupe",
    ]
