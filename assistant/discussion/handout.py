"""Printable handouts of discussion prompts, in Markdown or Word (DOCX): title, theme, the prompts
numbered and grouped by kind with their facilitator notes, and the quoted sources at the end; or a CSV
sheet, one prompt a row with its kind, note and sources.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

from assistant.discussion.prompts import PromptSet
from assistant.discussion.templates import KINDS

HANDOUT_SUFFIXES = (".md", ".csv", ".docx")
"""File types a handout can be written as."""

KIND_HEADINGS = {
    "question": "Questions",
    "contrast": "Trade-offs",
    "scenario": "Scenarios",
    "self_assessment": "Self-assessments",
    "debate": "Debates",
}

KIND_NAMES = {
    "question": "question",
    "contrast": "trade-off",
    "scenario": "scenario",
    "self_assessment": "self-assessment",
    "debate": "debate",
}
"""A prompt's kind as a handout or a spreadsheet names it."""

KIND_GUIDES = {
    "question": "Open questions for the whole group or for pairs.",
    "contrast": (
        "Two points of the guidance that pull against each other. Ask the group to weigh both sides and "
        "say what they would trade, before you share the note."
    ),
    "scenario": (
        "Situations a council might face, based on anonymised examples in the guidance. Let the group "
        "decide what they would do before you share the note: it holds the example's key learning."
    ),
    "self_assessment": (
        "Each person scores their own partnership, today and in three years, then compares scores in "
        "pairs: the gaps are the discussion."
    ),
    "debate": (
        "Split the group: one side argues for the motion, the other against. Close by asking what the "
        "group would actually do."
    ),
}

NOTE_LABEL = "Facilitator note:"
SOURCES_HEADING = "Sources"
SOURCES_GUIDE = "The numbers in square brackets in the notes refer to these passages, quoted word for word."
UNSUPPORTED_SUFFIX = "a handout must be a .md, .csv or .docx file, not {name}"

CSV_COLUMNS = ("number", "kind", "prompt", "facilitator note", "sources")
SPREADSHEET_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A CSV cell starting with one of these would run as a formula in a spreadsheet: it gets a leading '."""

MARKDOWN_SPECIAL = re.compile(r"([\\`*_<])")


def summary_line(prompt_set: PromptSet) -> str:
    """One line saying how many prompts of each kind the handout holds."""
    parts = []
    for kind in KINDS:
        count = sum(prompt.kind == kind for prompt in prompt_set.prompts)
        if count:
            noun = KIND_NAMES[kind]
            parts.append(f"{count} {noun}{'s' if count > 1 else ''}")
    kinds = ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1] if parts else "no prompts"
    return f"{len(prompt_set.prompts)} prompts from the guidance: {kinds}."


def _grouped(prompt_set: PromptSet) -> list[tuple[str, list[tuple[int, Any]]]]:
    """(kind, [(number, prompt)]) for each kind present, numbers running across the whole handout."""
    numbered = list(enumerate(prompt_set.prompts, start=1))
    groups = [(kind, [(n, p) for n, p in numbered if p.kind == kind]) for kind in KINDS]
    return [(kind, prompts) for kind, prompts in groups if prompts]


def sources_by_document(prompt_set: PromptSet) -> list[tuple[str, list[Any]]]:
    """The cited passages grouped by document title (in order of first citation), by number within."""
    groups: dict[str, list[Any]] = {}
    for citation in prompt_set.sources():
        groups.setdefault(citation.title, []).append(citation)
    return list(groups.items())


def _where(citation: Any) -> str:
    """Where a quote stands: its section heading, or nothing for text before the first heading."""
    return f"“{citation.section}”: " if citation.section else ""


def escape_markdown(text: str) -> str:
    """Text with the characters Markdown would take as formatting escaped."""
    return MARKDOWN_SPECIAL.sub(r"\\\1", text)


def render_markdown(prompt_set: PromptSet) -> str:
    """The handout as Markdown."""
    lines = [f"# Discussion prompts: {escape_markdown(prompt_set.title)}", ""]
    if prompt_set.description:
        lines += [escape_markdown(prompt_set.description), ""]
    lines += [f"*{summary_line(prompt_set)}*", ""]
    if prompt_set.note:
        lines += [f"> **Note:** {escape_markdown(prompt_set.note)}", ""]
    for kind, prompts in _grouped(prompt_set):
        lines += [f"## {KIND_HEADINGS[kind]}", "", f"*{KIND_GUIDES[kind]}*", ""]
        for number, prompt in prompts:
            marker = f"{number}. "
            indent = " " * len(marker)  # the note belongs to the list item only when indented this far
            lines += [f"{marker}{escape_markdown(prompt.text)}", ""]
            lines += [f"{indent}> *{NOTE_LABEL}* {escape_markdown(prompt.facilitator_note)}", ""]
    groups = sources_by_document(prompt_set)
    if groups:
        lines += [f"## {SOURCES_HEADING}", "", f"*{SOURCES_GUIDE}*", ""]
        for title, citations in groups:
            lines += [f"### {escape_markdown(title)}", ""]
            for citation in citations:
                section = escape_markdown(citation.section or "")
                where = f"*“{section}”*: " if section else ""
                lines.append(f"- **[{citation.n}]** {where}“{escape_markdown(citation.quote)}”")
            lines.append("")
    return "\n".join(lines)


def render_csv(prompt_set: PromptSet) -> str:
    """The prompts as CSV, one row each in handout order: number, kind, prompt, facilitator note and the
    passages it cites ("[n] title, “section”: “quote”", separated by " | ")."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for kind, prompts in _grouped(prompt_set):
        for number, prompt in prompts:
            sources = " | ".join(
                f"[{citation.n}] {citation.title}, {_where(citation)}“{citation.quote}”"
                for citation in prompt.citations
            )
            row = [str(number), KIND_NAMES[kind], prompt.text, prompt.facilitator_note, sources]
            writer.writerow(
                ["'" + cell if cell.startswith(SPREADSHEET_FORMULA_STARTS) else cell for cell in row]
            )
    return buffer.getvalue()


def write_docx(prompt_set: PromptSet, path: Path) -> None:
    """Write the handout as a Word document."""
    from docx import Document
    from docx.enum.text import WD_BREAK
    from docx.shared import Cm, Pt, RGBColor

    document = Document()
    for section in document.sections:
        section.left_margin = section.right_margin = Cm(2.2)
        section.top_margin = section.bottom_margin = Cm(2)
        _add_page_footer(section, f"Discussion prompts: {prompt_set.title}")
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)
    normal.paragraph_format.space_after = Pt(4)
    grey = RGBColor(0x44, 0x44, 0x44)

    document.add_heading(f"Discussion prompts: {prompt_set.title}", level=0)
    if prompt_set.description:
        document.add_paragraph(prompt_set.description)
    document.add_paragraph().add_run(summary_line(prompt_set)).italic = True
    if prompt_set.note:
        note = document.add_paragraph()
        note.add_run("Note: ").bold = True
        note.add_run(prompt_set.note)

    for kind, prompts in _grouped(prompt_set):
        document.add_heading(KIND_HEADINGS[kind], level=1)
        guide_paragraph = document.add_paragraph()
        guide_paragraph.paragraph_format.keep_with_next = True
        guide = guide_paragraph.add_run(KIND_GUIDES[kind])
        guide.italic = True
        guide.font.color.rgb = grey
        for number, prompt in prompts:
            paragraph = document.add_paragraph()
            paragraph.paragraph_format.left_indent = Cm(0.8)
            paragraph.paragraph_format.first_line_indent = Cm(-0.8)
            paragraph.paragraph_format.space_before = Pt(8)
            paragraph.paragraph_format.keep_with_next = True
            paragraph.add_run(f"{number}.\t").bold = True
            paragraph.add_run(prompt.text)
            paragraph.paragraph_format.tab_stops.add_tab_stop(Cm(0.8))
            note = document.add_paragraph()
            note.paragraph_format.left_indent = Cm(0.8)
            note.paragraph_format.keep_together = True
            label = note.add_run(f"{NOTE_LABEL} ")
            label.bold = label.italic = True
            label.font.size = Pt(9.5)
            body = note.add_run(prompt.facilitator_note)
            body.font.size = Pt(9.5)
            body.font.color.rgb = grey

    groups = sources_by_document(prompt_set)
    if groups:
        document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        document.add_heading(SOURCES_HEADING, level=1)
        document.add_paragraph().add_run(SOURCES_GUIDE).italic = True
        for title, citations in groups:
            document.add_heading(title, level=2)
            for citation in citations:
                paragraph = document.add_paragraph()
                paragraph.paragraph_format.left_indent = Cm(1.0)
                paragraph.paragraph_format.first_line_indent = Cm(-1.0)
                paragraph.paragraph_format.tab_stops.add_tab_stop(Cm(1.0))
                paragraph.paragraph_format.keep_together = True
                paragraph.add_run(f"[{citation.n}]\t").bold = True
                paragraph.add_run(_where(citation)).italic = True
                paragraph.add_run(f"“{citation.quote}”")
                for run in paragraph.runs:
                    run.font.size = Pt(10)
    document.save(str(path))


def _add_page_footer(section: Any, text: str) -> None:
    """A footer line: the handout's title and the page number (a Word PAGE field)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    paragraph = section.footer.paragraphs[0]
    paragraph.text = f"{text} · page "
    run = paragraph.add_run()
    for tag, attributes in (
        ("w:fldChar", {"w:fldCharType": "begin"}),
        ("w:instrText", {"xml:space": "preserve"}),
        ("w:fldChar", {"w:fldCharType": "end"}),
    ):
        element = OxmlElement(tag)
        for key, value in attributes.items():
            element.set(qn(key), value)
        if tag == "w:instrText":
            element.text = "PAGE"
        run._r.append(element)
    for footer_run in paragraph.runs:
        footer_run.font.size = Pt(8)


def write_handout(prompt_set: PromptSet, path: Path) -> Path:
    """Write the handout as Markdown (``.md``), CSV (``.csv``) or Word (``.docx``), chosen by the file's
    suffix.

    Raises:
        ValueError: for any other suffix.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".md":
        path.write_text(render_markdown(prompt_set), encoding="utf-8")
    elif suffix == ".csv":
        path.write_text(render_csv(prompt_set), encoding="utf-8", newline="")
    elif suffix == ".docx":
        write_docx(prompt_set, path)
    else:
        raise ValueError(UNSUPPORTED_SUFFIX.format(name=path.name))
    return path
