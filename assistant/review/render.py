"""A proposal review as terminal text, JSON, Markdown (a report) or CSV (to paste into a committee paper)."""

from __future__ import annotations

import csv
import io
import json
import textwrap

from assistant.answering.render import source_label
from assistant.records import Citation
from assistant.review.judge import FactorFinding, Review

STATUS_LABELS = {"risk": "Risk", "addressed": "Addressed", "not_covered": "Not covered"}
"""How each status is shown to people."""

UNCLEAR_LABEL = "Risk: unclear, ask"
"""How a risk is shown when the proposal defers, conditions or hedges the point rather than showing a
problem: the question to the authors settles it."""


def status_label(finding: FactorFinding) -> str:
    """The status as people read it, a deferred or hedged point told apart from a stated problem."""
    return UNCLEAR_LABEL if finding.status == "risk" and finding.unclear else STATUS_LABELS[finding.status]


TERMINAL_QUESTIONS = 8
"""Questions shown in the terminal summary (the Markdown report and JSON list them all)."""

CSV_COLUMNS = ("id", "factor", "status", "confidence", "proposal evidence", "guidance", "source", "question")

SPREADSHEET_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A CSV cell starting with one of these would run as a formula in a spreadsheet: it gets a leading '."""


def render_json(review: Review) -> str:
    """The review as one JSON object (the contract of ``assistant review --json``)."""
    return json.dumps(review.to_json(), ensure_ascii=False)


def render_text(review: Review, width: int = 100) -> str:
    """The terminal summary: the sum, then risks (most confident first), addressed and not-covered counts."""
    risks, addressed, silent = (review.by_status(status) for status in ("risk", "addressed", "not_covered"))
    lines = [
        f"Review of {review.name} ({review.chars:,} characters)",
        f"{len(risks)} risks, {len(addressed)} addressed, {len(silent)} not covered "
        f"(of {len(review.factors)} factors)",
        *([_wrapped(f"Warning: {review.warning}", width, "")] if review.warning else []),
        "",
        f"Ambition: {review.sum.label}",
    ]
    lines.extend(_wrapped(f"“{item.quote}”", width, "    ") for item in review.sum.evidence)
    if risks:
        lines += ["", "Risks:"]
        for finding in risks:
            unclear = ", unclear: ask" if finding.unclear else ""
            lines.append(f"  ! {finding.id} {finding.title} ({finding.confidence:.0%}{unclear})")
            lines.extend(_wrapped(f"proposal: “{item.quote}”", width, "      ") for item in finding.evidence)
            lines.extend(
                _wrapped(f"guidance: “{citation.quote}”", width, "      ") for citation in finding.citations
            )
    if addressed:
        lines += ["", "Addressed:"]
        for finding in addressed:
            lines.append(f"  + {finding.id} {finding.title} ({finding.confidence:.0%})")
            lines.extend(_wrapped(f"“{item.quote}”", width, "      ") for item in finding.evidence[:1])
    if silent:
        lines += ["", f"Not covered ({len(silent)}):"]
        names = ", ".join(f"{finding.id} {finding.title}" for finding in silent)
        lines.append(_wrapped(names, width, "  "))
    if review.questions:
        lines += ["", "Questions for the authors:"]
        for number, question in enumerate(review.questions[:TERMINAL_QUESTIONS], start=1):
            lines.append(_wrapped(f"{number}. {question}", width, "  "))
        if len(review.questions) > TERMINAL_QUESTIONS:
            lines.append(f"  … and {len(review.questions) - TERMINAL_QUESTIONS} more (use --format md)")
    return "\n".join(lines)


def _wrapped(text: str, width: int, indent: str) -> str:
    return "\n".join(textwrap.wrap(text, width=width, initial_indent=indent, subsequent_indent=indent + "  "))


def render_markdown(review: Review) -> str:
    """A Markdown report: summary, the factor checklist (risks first), questions and sources."""
    risks, addressed, silent = (review.by_status(status) for status in ("risk", "addressed", "not_covered"))
    lines = [
        f"# Proposal review: {_markdown_text(review.name)}",
        "",
        f"**{len(risks)}** risks, **{len(addressed)}** addressed, **{len(silent)}** not covered "
        f"(of {len(review.factors)} factors from the guidance).",
        *(["", f"**Warning:** {_markdown_text(review.warning)}"] if review.warning else []),
        "",
        f"**Ambition:** {review.sum.label}{_markers(review.sum.citations)}",
        "",
    ]
    lines.extend(f"> {_markdown_text(item.quote)}" for item in review.sum.evidence)
    lines += [
        "",
        "## Checklist",
        "",
        "| Factor | Status | Confidence | What the proposal says | Why it matters (guidance) |",
        "| --- | --- | --- | --- | --- |",
    ]
    for finding in [*risks, *addressed, *silent]:
        said = "<br>".join(f"“{_markdown_cell(item.quote)}”" for item in finding.evidence) or "—"
        guidance = "<br>".join(
            f"“{_markdown_cell(citation.quote)}” [{citation.n}]" for citation in finding.citations
        )
        lines.append(
            f"| {finding.id} {_markdown_cell(finding.title)} | {status_label(finding)} | "
            f"{finding.confidence:.0%} | {said} | {guidance or '—'} |"
        )
    if review.questions:
        lines += ["", "## Questions for the authors", ""]
        lines.extend(
            f"{number}. {_markdown_text(question)}" for number, question in enumerate(review.questions, 1)
        )
    sources = _sources(review)
    if sources:
        lines += ["", "## Sources", ""]
        for citation in sources:
            lines.append(
                f"[{citation.n}] {_markdown_text(source_label(citation))} "
                f"({citation.doc}, characters {citation.start}-{citation.end})"
            )
    lines += [
        "",
        "*Checked automatically against the guidance; confirm each finding by reading the proposal.*",
    ]
    return "\n".join(lines) + "\n"


def _markers(citations: list[Citation]) -> str:
    return "".join(f" [{citation.n}]" for citation in citations)


def _sources(review: Review) -> list[Citation]:
    """Every cited guidance passage once, in number order."""
    found: dict[int, Citation] = {}
    for citation in review.sum.citations + [c for finding in review.factors for c in finding.citations]:
        found.setdefault(citation.n, citation)
    return [found[number] for number in sorted(found)]


def _markdown_text(text: str) -> str:
    """Text with Markdown's emphasis and link characters escaped (proposal text is not markup)."""
    return "".join("\\" + char if char in "\\`*_[]<>#|" else char for char in " ".join(text.split()))


def _markdown_cell(text: str) -> str:
    return _markdown_text(text)


def render_csv(review: Review) -> str:
    """The factor checklist as CSV, one row per factor (risks first), ready for a spreadsheet."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for status in ("risk", "addressed", "not_covered"):
        for finding in review.by_status(status):
            writer.writerow([_spreadsheet_safe(cell) for cell in _csv_row(finding)])
    return buffer.getvalue()


def _csv_row(finding: FactorFinding) -> list[str]:
    return [
        finding.id,
        finding.title,
        status_label(finding),
        f"{finding.confidence:.2f}",
        " | ".join(item.quote for item in finding.evidence),
        " | ".join(citation.quote for citation in finding.citations),
        " | ".join(source_label(citation) for citation in finding.citations),
        finding.question if finding.status != "addressed" else "",
    ]


def _spreadsheet_safe(cell: str) -> str:
    return "'" + cell if cell.startswith(SPREADSHEET_FORMULA_STARTS) else cell
