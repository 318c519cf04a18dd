"""The learned review on the real model: planted risks with the right sentence in every format, deferrals
and conditions never "addressed", and what a committed plan looks like."""

from __future__ import annotations

import io

import docx
import numpy as np
import pytest

from assistant.review.judge import review_document, review_text
from assistant.review.model import require_review_model
from assistant.review.records import Review
from tests.reliability.reliability_fixtures import build_pdf
from tests.review.test_review import RISKY, SOUND, finding_of, status_of

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

PLANTED = {
    ("F01",): "A business case will be prepared once both cabinets approve the principle.",
    ("F14",): "Staff will be told after the decision to avoid unsettling them.",
    ("F04", "F08"): "Northby wants to go live in April; Southby says it cannot be ready before next year.",
    ("C01",): "The programme depends on Northby's director of resources, who retires in June.",
}
"""The proposal's four planted risks and the sentence that shows each."""


def joint_hr_docx() -> bytes:
    """The proposal as Word writes it: real heading styles, no blank lines."""
    document = docx.Document()
    document.add_heading("Joint HR service", level=1)
    for block in JOINT_HR.split("\n## ")[1:]:
        heading, body = block.strip().split("\n", 1)
        document.add_heading(heading, level=2)
        document.add_paragraph(body.strip())
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def joint_hr_pdf() -> bytes:
    """The proposal as a PDF, one line of text per line of the Markdown (without the marks)."""
    lines = [line.lstrip("# ").replace("’", "'") for line in JOINT_HR.splitlines() if line]
    return build_pdf("\n".join(lines))


def assert_planted_risks_found(review: Review) -> None:
    for factors, sentence in PLANTED.items():
        risks = [finding_of(review, factor) for factor in factors if status_of(review, factor) == "risk"]
        assert risks, f"{factors} not flagged: {[status_of(review, factor) for factor in factors]}"
        quotes = [item.quote for finding in risks for item in finding.evidence]
        assert any(sentence[:40] in quote.replace("’", "'") for quote in quotes), (factors, quotes)
    assert not review.by_status("addressed")


@pytest.mark.model
@pytest.mark.parametrize(
    "name, data",
    [
        ("joint-hr.md", JOINT_HR.encode()),
        ("pasted.txt", JOINT_HR.replace("\n\n", "\n").encode()),
        ("joint-hr.docx", joint_hr_docx()),
        ("joint-hr.pdf", joint_hr_pdf()),
    ],
)
def test_the_joint_hr_proposal_shows_its_risks_in_every_format(
    real_assistant, name: str, data: bytes
) -> None:
    assert_planted_risks_found(review_document(real_assistant, data, name))


@pytest.mark.model
@pytest.mark.parametrize(
    "sentence, factor",
    [
        ("A detailed business case will be developed after the cabinets have approved the principle.", "F01"),
        ("Staff in both councils will be informed once the decision has been made.", "F14"),
        ("We will not measure benefits.", "U05"),
    ],
)
def test_deferrals_and_refusals_are_never_addressed(real_assistant, sentence: str, factor: str) -> None:
    review = review_text(sentence, "short.txt", real_assistant.embeddings)
    assert status_of(review, factor) != "addressed"
    assert not review.by_status("addressed")


@pytest.mark.model
def test_a_committed_plan_is_addressed_and_a_planted_risk_quoted(real_assistant) -> None:
    sound = review_text(SOUND, "payroll.md", real_assistant.embeddings)
    assert status_of(sound, "F14") == "addressed"
    assert not sound.by_status("risk")
    risky = review_text(RISKY, "print.md", real_assistant.embeddings)
    assert status_of(risky, "F01") == "risk"
    assert any("business case to follow" in item.quote for item in finding_of(risky, "F01").evidence)


@pytest.mark.model
def test_confidence_follows_the_evidence(real_assistant) -> None:
    review = review_text(JOINT_HR, "joint-hr.md", real_assistant.embeddings)
    silent = [finding.confidence for finding in review.by_status("not_covered")]
    assert len(set(silent)) > len(silent) // 2
    assert all(0.0 <= confidence <= 1.0 for confidence in silent)


@pytest.mark.model
def test_the_tuned_reader_reads_the_base_embedding_in_the_same_pass(real_assistant) -> None:
    model = require_review_model()
    assert model.reader is not None
    texts = ["Staff: They will be told after the decision.", "The business case has been approved."]
    own, tuned = model.reader.embed(texts)
    assert np.allclose(own, real_assistant.embeddings.encode(texts), atol=1e-5)  # what the classifiers read
    assert np.allclose(np.linalg.norm(tuned, axis=1), 1.0, atol=1e-5)
    assert not np.allclose(own, tuned, atol=1e-2)  # the top layers are the tuned ones
