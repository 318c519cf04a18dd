"""Handouts: Markdown and Word files with the title, the prompts by kind, the notes and the sources."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import docx
import pytest

from assistant.cli.prompts import HANDOUT_SUFFIXES as COMMAND_SUFFIXES
from assistant.discussion.handout import (
    CSV_COLUMNS,
    HANDOUT_SUFFIXES,
    KIND_HEADINGS,
    KIND_NAMES,
    NOTE_LABEL,
    SOURCES_HEADING,
    escape_markdown,
    render_csv,
    render_markdown,
    write_handout,
)
from assistant.discussion.prompts import DiscussionPrompt, PromptSet, generate_prompts
from assistant.discussion.templates import KINDS
from assistant.records import Citation


@pytest.fixture(scope="module")
def prompt_set(fake_assistant: Any) -> PromptSet:  # noqa: F811
    return generate_prompts(fake_assistant, "anonymised-examples", count=8, seed=0)


def docx_text(path: Path) -> tuple[list[str], dict[str, list[str]]]:
    """The document's paragraph texts, and the texts of its headings by style."""
    document = docx.Document(str(path))
    paragraphs = [paragraph.text for paragraph in document.paragraphs]
    headings: dict[str, list[str]] = {}
    for paragraph in document.paragraphs:
        if paragraph.style.name.startswith(("Heading", "Title")):
            headings.setdefault(paragraph.style.name, []).append(paragraph.text)
    return paragraphs, headings


def test_the_markdown_handout_has_everything(prompt_set: PromptSet, tmp_path: Path) -> None:
    path = write_handout(prompt_set, tmp_path / "handout.md")
    text = path.read_text(encoding="utf-8")
    assert text.startswith(f"# Discussion prompts: {prompt_set.title}")
    assert escape_markdown(prompt_set.description) in text
    for number, prompt in enumerate(prompt_set.prompts, start=1):
        assert f"\n{number}. {escape_markdown(prompt.text)}\n" in text
        assert escape_markdown(prompt.facilitator_note) in text
    for kind in {prompt.kind for prompt in prompt_set.prompts}:
        assert f"\n## {KIND_HEADINGS[kind]}\n" in text
    assert text.count(NOTE_LABEL) == len(prompt_set.prompts)
    sources = text.split(f"## {SOURCES_HEADING}")[1]
    for citation in prompt_set.sources():
        assert f"**[{citation.n}]**" in sources and escape_markdown(citation.quote) in sources
        assert f"### {escape_markdown(citation.title)}" in sources


def test_the_word_handout_reads_back_with_prompts_and_sources(prompt_set: PromptSet, tmp_path: Path) -> None:
    path = write_handout(prompt_set, tmp_path / "handout.docx")
    paragraphs, headings = docx_text(path)
    assert headings["Title"] == [f"Discussion prompts: {prompt_set.title}"]
    present = {prompt.kind for prompt in prompt_set.prompts}
    kinds = [KIND_HEADINGS[kind] for kind in KINDS if kind in present]
    assert len(kinds) >= 3
    assert headings["Heading 1"] == kinds + [SOURCES_HEADING]
    for number, prompt in enumerate(prompt_set.prompts, start=1):
        assert f"{number}.\t{prompt.text}" in paragraphs
        assert f"{NOTE_LABEL} {prompt.facilitator_note}" in paragraphs
    for citation in prompt_set.sources():
        assert any(
            p.startswith(f"[{citation.n}]\t") and p.endswith(f"“{citation.quote}”") for p in paragraphs
        )
    assert set(headings["Heading 2"]) == {citation.title for citation in prompt_set.sources()}


def test_a_note_and_missing_kinds_are_handled(tmp_path: Path) -> None:
    citation = Citation(1, "doc.txt", "A *bold* title", None, "Quote with_underscores.", 0, 10, 0.5)
    prompt = DiscussionPrompt(
        "Is *this* a_question?", "question", "It says “Quote with_underscores.” [1]", [citation]
    )
    prompt_set = PromptSet("custom", "Custom", "", [prompt], note="Only 1 distinct prompt.")
    text = render_markdown(prompt_set)
    assert "> **Note:** Only 1 distinct prompt." in text
    assert "Is \\*this\\* a\\_question?" in text and "## Scenarios" not in text
    assert "- **[1]** “Quote with\\_underscores.”" in text
    paragraphs, headings = docx_text(write_handout(prompt_set, tmp_path / "h.docx"))
    assert headings["Heading 1"] == ["Questions", SOURCES_HEADING]
    assert "Note: Only 1 distinct prompt." in paragraphs


@pytest.mark.parametrize("name", ["handout.pdf", "handout.txt", "handout"])
def test_other_file_types_are_refused(prompt_set: PromptSet, tmp_path: Path, name: str) -> None:
    with pytest.raises(ValueError, match=r"\.md, \.csv or \.docx"):
        write_handout(prompt_set, tmp_path / name)


def test_the_command_accepts_the_same_file_types() -> None:
    assert COMMAND_SUFFIXES == HANDOUT_SUFFIXES


def test_every_note_stays_inside_its_numbered_item(prompt_set: PromptSet) -> None:
    markdown_it = pytest.importorskip("markdown_it")
    many = PromptSet("t", "T", "", prompt_set.prompts * 2)
    html = markdown_it.MarkdownIt("commonmark").render(render_markdown(many))
    assert html.count("<blockquote>") == len(many.prompts)
    assert html.count("<li>\n<p>") >= len(many.prompts)
    assert "</blockquote>\n</li>" in html and "</ol>\n<blockquote>" not in html


def test_the_csv_handout_has_a_row_per_prompt_with_kind_note_and_sources(
    prompt_set: PromptSet, tmp_path: Path
) -> None:
    path = write_handout(prompt_set, tmp_path / "handout.csv")
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == len(prompt_set.prompts) + 1
    by_text = {row[2]: row for row in rows[1:]}
    for number, prompt in enumerate(prompt_set.prompts, start=1):
        row = by_text[prompt.text]
        assert row[0] == str(number) and row[1] == KIND_NAMES[prompt.kind]
        assert row[3] == prompt.facilitator_note
        for citation in prompt.citations:
            assert f"[{citation.n}] {citation.title}" in row[4] and f"“{citation.quote}”" in row[4]
    assert {row[1] for row in rows[1:]} >= {"scenario", "debate"}


def test_csv_cells_cannot_run_as_spreadsheet_formulas() -> None:
    citation = Citation(1, "doc.txt", "Title", None, "=SUM(A1)", 0, 10, 0.5)
    prompt = DiscussionPrompt("=HYPERLINK(1)", "question", "-note “=SUM(A1)” [1]", [citation])
    rows = list(csv.reader(io.StringIO(render_csv(PromptSet("t", "T", "", [prompt])), newline="")))
    assert rows[1][2] == "'=HYPERLINK(1)" and rows[1][3].startswith("'-note")
