"""Review output: the JSON contract, the Markdown report, the CSV checklist and the terminal summary."""

from __future__ import annotations

import csv
import io
import json

import pytest

from assistant.records import Citation
from assistant.review.judge import review_text
from assistant.review.records import Review
from assistant.review.render import render_csv, render_json, render_markdown, render_text
from tests.review.test_review import RISKY


def fake_cite(doc: str, quote: str, n: int, score: float) -> Citation:
    return Citation(n, doc, "A guidance document", "A section", quote, 0, len(quote), score)


pytestmark = pytest.mark.model


@pytest.fixture
def review(real_assistant) -> Review:
    return review_text(RISKY, "print.md", real_assistant.embeddings, cite=fake_cite)


def test_json_follows_the_contract(review: Review) -> None:
    data = json.loads(render_json(review))
    assert set(data) == {"proposal", "sum", "factors", "questions"}
    assert data["proposal"] == {"name": "print.md", "chars": len(RISKY), "sentences": 3}
    assert data["sum"]["label"] in ("1+1=1½", "1+1=2", "1+1=3")
    assert all(isinstance(quote, str) for quote in data["sum"]["evidence"])
    citation_keys = {"n", "doc", "title", "section", "quote", "start", "end", "score"}
    assert set(data["sum"]["citations"][0]) == citation_keys
    assert len(data["factors"]) == 37
    for factor in data["factors"]:
        assert set(factor) == {"id", "title", "status", "confidence", "unclear", "evidence", "citations"}
        assert factor["status"] in ("risk", "addressed", "not_covered")
        assert 0.0 <= factor["confidence"] <= 1.0
        assert all(set(item) == {"quote", "start", "end"} for item in factor["evidence"])
        assert set(factor["citations"][0]) == citation_keys
    assert data["questions"] and all(isinstance(question, str) for question in data["questions"])


def test_terminal_summary_puts_risks_first(review: Review) -> None:
    text = render_text(review)
    risks = len(review.by_status("risk"))
    assert text.splitlines()[1].startswith(f"{risks} risks, ")
    assert text.index("Risks:") < text.index("Not covered (")
    assert "S04 Piloting" in text and "Questions for the authors:" in text


def test_markdown_report_has_checklist_questions_and_sources(review: Review) -> None:
    report = render_markdown(review)
    assert report.startswith("# Proposal review: print.md")
    rows = [line for line in report.splitlines() if line.startswith("| ") and "---" not in line]
    assert len(rows) == 1 + 37
    assert "| Risk" in rows[1]
    assert "## Questions for the authors" in report and "## Sources" in report
    assert "[1] A guidance document — A section" in report


def test_markdown_escapes_proposal_text(real_assistant) -> None:
    review = review_text(
        "There will be no pilot | and [click](http://x) *now* before all services go live at once.",
        "odd.md",
        real_assistant.embeddings,
    )
    report = render_markdown(review)
    assert "[click](http" not in report and "no pilot \\| and" in report


def test_csv_has_one_row_per_factor_risks_first(review: Review) -> None:
    rows = list(csv.reader(io.StringIO(render_csv(review))))
    assert rows[0] == [
        "id",
        "factor",
        "status",
        "confidence",
        "proposal evidence",
        "guidance",
        "source",
        "question",
    ]
    assert len(rows) == 1 + 37
    statuses = [row[2].split(":")[0] for row in rows[1:]]
    assert statuses == sorted(statuses, key=["Risk", "Addressed", "Not covered"].index)
    pilot = next(row for row in rows if row[0] == "S04")
    assert "no pilot" in pilot[4] and pilot[7]


def test_csv_cells_cannot_become_spreadsheet_formulas(real_assistant) -> None:
    review = review_text(
        '=HYPERLINK("x") There will be no pilot: all services go live at once.',
        "f.txt",
        real_assistant.embeddings,
    )
    cells = [cell for row in csv.reader(io.StringIO(render_csv(review))) for cell in row]
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)
    assert any(cell.startswith("'=HYPERLINK") for cell in cells)


def test_a_deferred_point_is_shown_as_unclear_with_its_question(real_assistant) -> None:
    review = review_text(
        "The business case will be prepared once both cabinets have approved the principle.",
        "deferred.md",
        real_assistant.embeddings,
    )
    finding = next(finding for finding in review.factors if finding.id == "F01")
    assert finding.status == "risk" and finding.unclear
    assert "Risk: unclear, ask" in render_markdown(review) and finding.question in review.questions
