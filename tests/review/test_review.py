"""The proposal review engine: risks, addressed factors, silences, negation, evidence spans, citations."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

import pytest

from assistant.review.catalogue import load_catalogue
from assistant.review.judge import review_document, review_text
from assistant.review.model import require_review_model
from assistant.review.reading import read_proposal, split_passages
from assistant.review.records import Review
from assistant.text.loaders import DocumentError
from tests.conftest import ROOT, FakeEmbeddings

RISKY = """# Shared print service

**Report to:** Executive

The two councils will merge their print rooms into one team. There will be no pilot: all services go live
at once on 1 April. The business case to follow will set out the savings, which are yet to be quantified.
"""

SOUND = """# Shared payroll service

A detailed business case has been approved by both councils. It shows baseline costs, one-off
implementation costs and a payback period of two years, with a sensitivity analysis.

A communications plan is in place, with staff briefings every month and trade union consultation.
"""


def status_of(review: Review, factor_id: str) -> str:
    return next(finding.status for finding in review.factors if finding.id == factor_id)


def finding_of(review: Review, factor_id: str):
    return next(finding for finding in review.factors if finding.id == factor_id)


def test_every_factor_is_judged_once(fake_embeddings: FakeEmbeddings) -> None:
    review = review_text(RISKY, "print.md", fake_embeddings)
    assert [finding.id for finding in review.factors] == [factor.id for factor in load_catalogue().factors]
    assert all(finding.status in ("risk", "addressed", "not_covered") for finding in review.factors)
    assert review.sum.label in ("1+1=1½", "1+1=2", "1+1=3")


@pytest.mark.model
@pytest.mark.parametrize("text", [RISKY, SOUND])
def test_evidence_spans_quote_the_proposal(real_assistant, text: str) -> None:
    review = review_text(text, "proposal.md", real_assistant.embeddings)
    spans = [item for finding in review.factors for item in finding.evidence] + review.sum.evidence
    assert spans
    for item in spans:
        assert " ".join(text[item.start : item.end].split()) == item.quote


def test_a_text_too_short_to_judge_says_so_plainly(fake_embeddings: FakeEmbeddings) -> None:
    from assistant.review.render import render_markdown, render_text
    from assistant.web.render.review import review_html

    short = review_text("# Joint HR\n\nWe will share HR.", "note.md", fake_embeddings)
    assert short.sentences == 1
    assert short.to_json()["proposal"]["warning"].startswith("Only 1 sentence of this text could be judged")
    assert "Warning: Only 1 sentence" in render_text(short)
    assert "**Warning:** Only 1 sentence" in render_markdown(short)
    assert 'role="alert">Only 1 sentence' in review_html(short.to_json())
    full = review_text(SOUND, "payroll.md", fake_embeddings)
    assert full.sentences >= 3 and full.warning is None and "warning" not in full.to_json()["proposal"]


def test_each_sentence_is_embedded_once_with_its_heading(
    fake_embeddings: FakeEmbeddings, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = require_review_model()
    embedded = fake_embeddings.embedded
    review_text(SOUND, "payroll.md", fake_embeddings, model=dataclasses.replace(shipped, tuned=None))
    assert fake_embeddings.embedded - embedded == len(split_passages(SOUND))
    assert {passage.heading for passage in split_passages(SOUND)} == {"Shared payroll service"}
    assert shipped.reader is not None  # with its tuned reader the model embeds them itself, once
    read: list[list[str]] = []
    embed = shipped.reader.embed
    monkeypatch.setattr(shipped.reader, "embed", lambda texts: read.append(texts) or embed(texts))
    review_text(SOUND, "payroll.md", fake_embeddings)
    assert fake_embeddings.embedded - embedded == len(split_passages(SOUND))
    assert read == [[f"Shared payroll service: {passage.text}" for passage in split_passages(SOUND)]]


def test_headings_and_labels_are_not_evidence() -> None:
    text = "# Timetable\n\n## Risks\n\n| --- | --- |\n\nThe councils will agree a joint timetable in May.\n"
    passages = split_passages(text)
    assert [passage.text for passage in passages] == ["The councils will agree a joint timetable in May."]


def test_only_proposal_file_types_are_read() -> None:
    assert "payroll" in read_proposal(SOUND.encode(), "p.md", 10_000)
    with pytest.raises(DocumentError, match="unsupported file type .html"):
        read_proposal(b"<p>hello</p>", "p.html", 10_000)


def test_review_cites_the_guidance_and_keeps_the_proposal_private(
    settings, fake_embeddings: FakeEmbeddings, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    from assistant.service import open_assistant

    assistant = open_assistant(settings, embeddings=fake_embeddings)
    secret = RISKY.replace("print rooms", "Zanzibarquux print rooms")
    with caplog.at_level(logging.DEBUG):
        review = review_document(assistant, secret.encode(), "print.md")
    finding = finding_of(review, "S04")
    citation = finding.citations[0]
    assert citation.doc == "002_8674c1d0b52dbe3c.txt" and citation.quote == "Piloting"
    raw = (settings.corpus_dir / citation.doc).read_text(encoding="utf-8")
    assert " ".join(raw[citation.start : citation.end].split()) == citation.quote
    numbers = [c.n for f in review.factors for c in f.citations]
    assert len(numbers) == len(set(numbers)) == len(review.factors)
    assert "Zanzibarquux" not in caplog.text
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert b"Zanzibarquux" not in path.read_bytes(), path


@pytest.mark.model
def test_real_model_reviews_an_eval_proposal(real_assistant) -> None:
    path = ROOT / "eval" / "proposals" / "flawed-trading-company.md"
    review = review_document(real_assistant, path.read_bytes(), path.name)
    assert status_of(review, "C05") == "risk"
    assert status_of(review, "F02") == "risk"
    assert len(review.by_status("risk")) >= 4
    text = read_proposal(path.read_bytes(), path.name, 1_000_000)
    for finding in review.by_status("risk"):
        assert finding.evidence and finding.citations
        for item in finding.evidence:
            assert " ".join(text[item.start : item.end].split()) == item.quote
