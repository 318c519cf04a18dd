"""A proposal is read whatever its layout: a Markdown heading with its text on the next line is a
heading, and the text under it is judged (it used to be dropped with its heading)."""

from __future__ import annotations

from assistant.review.reading import split_passages

JOINT_HR = """# Joint HR service

## Business case
A business case will be prepared once both cabinets approve the principle.

## Staff
Staff will be told after the decision to avoid unsettling them.

## Pace
Northby wants to go live in April; Southby says it cannot be ready before next year.

## Leadership
The programme depends on Northby's director of resources, who retires in June.
"""


def test_text_right_under_a_markdown_heading_is_judged() -> None:
    passages = split_passages(JOINT_HR)
    assert [p.text for p in passages] == [
        "A business case will be prepared once both cabinets approve the principle.",
        "Staff will be told after the decision to avoid unsettling them.",
        "Northby wants to go live in April; Southby says it cannot be ready before next year.",
        "The programme depends on Northby's director of resources, who retires in June.",
    ]
    assert all(JOINT_HR[p.start : p.end] == p.text for p in passages)


def test_headings_rules_and_labels_are_still_not_judged() -> None:
    text = (
        "## Costs and savings\n| --- | --- |\n**Author:** J Smith\n"
        "The shared team will save £200,000 a year.\n"
    )
    assert [p.text for p in split_passages(text)] == ["The shared team will save £200,000 a year."]
