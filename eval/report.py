"""Show an eval run: a plain-text table for the terminal, JSON, and a self-contained HTML report.

The HTML report has inline CSS and SVG bar charts drawn here (no scripts, no external files), the
weakest questions of the hybrid pipeline and the corpus gaps. Every text in it is escaped.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from html import escape
from pathlib import Path

from eval.gate import GATED_PIPELINE
from eval.results import METRICS, CaseResult, EvalRun, Metric, PipelineResult

TABLE_METRICS = tuple(metric for metric in METRICS if metric.name != "p90_chars")
"""The terminal table's columns after the pipeline name (the HTML report adds p90 chars)."""

WEAKEST_COUNT = 10
"""How many of the lowest-recall questions the report lists."""

LOW_SUPPORT = 0.5
"""Citation recall below which an answered in-scope question counts as a corpus gap."""

REPORT_NAME = "eval.html"


def format_value(metric: Metric, value: float | None) -> str:
    """A metric value as shown: rates with 3 decimals, characters whole, milliseconds with 1 decimal."""
    if value is None:
        return "–"
    if metric.unit == "rate":
        return f"{value:.3f}"
    if metric.unit == "chars":
        return f"{value:.0f}"
    return f"{value:.1f}"


def render_table(pipelines: Sequence[PipelineResult]) -> str:
    """One row per pipeline, one aligned column per metric, plain text."""
    header = ["pipeline", *(metric.label for metric in TABLE_METRICS)]
    rows = [
        [
            pipeline.name,
            *(format_value(metric, pipeline.summary.value(metric.name)) for metric in TABLE_METRICS),
        ]
        for pipeline in pipelines
    ]
    widths = [max(len(row[column]) for row in [header, *rows]) for column in range(len(header))]
    lines = []
    for row in [header, *rows]:
        cells = [row[0].ljust(widths[0])] + [
            cell.rjust(width) for cell, width in zip(row[1:], widths[1:], strict=True)
        ]
        lines.append("  ".join(cells))
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def render_gate(run: EvalRun) -> str:
    """The gate's verdict as text lines."""
    gate = run.gate
    if gate.passed:
        return f"gate: {gate.pipeline} meets all {len(gate.checked)} thresholds"
    lines = [f"gate: {gate.pipeline} misses {len(gate.failures)} of {len(gate.checked)} thresholds"]
    lines.extend(f"  - {failure}" for failure in gate.failures)
    return "\n".join(lines)


def render_text(run: EvalRun, report_path: Path | None = None) -> str:
    """The terminal report: the table, the gate and where the HTML report is."""
    cases = run.pipelines[0].summary if run.pipelines else None
    lines = []
    if cases is not None:
        lines.append(
            f"{cases.cases} questions ({cases.in_scope} in scope, {cases.out_of_scope} out of scope) "
            f"from {run.cases_file}, {run.seconds:.1f} s"
        )
        lines.append("")
    lines.append(render_table(run.pipelines))
    lines.append("")
    lines.append(render_gate(run))
    if report_path is not None:
        lines.append(f"report: {report_path}")
    return "\n".join(lines)


def render_json(run: EvalRun) -> str:
    """The JSON object with everything the run produced."""
    return json.dumps(run.to_json(), ensure_ascii=False, indent=2)


# --------------------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------------------

STYLE = """
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #1d2733; margin: 2rem auto;
       max-width: 1100px; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #d6dde5; }
.wide { overflow-x: auto; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; font-size: .88rem; }
th, td { padding: .3rem .55rem; border-bottom: 1px solid #e4e9ee; text-align: right; }
th:first-child, td:first-child { text-align: left; }
tr.gated td { font-weight: 600; background: #f2f7fc; }
.muted { color: #5a6877; }
.pass { color: #1b7a36; font-weight: 600; } .fail { color: #b3261e; font-weight: 600; }
.charts { display: flex; flex-wrap: wrap; gap: 1rem; }
.chart { border: 1px solid #e4e9ee; border-radius: 6px; padding: .4rem; }
pre { white-space: pre-wrap; background: #f6f8fa; padding: .6rem; border-radius: 4px; font-size: .9rem; }
.case { border-left: 4px solid #d6dde5; padding: .2rem 0 .2rem .8rem; margin: 1rem 0; }
.case h3 { font-size: 1rem; margin: .2rem 0; } .case p.muted { margin: .1rem 0; }
"""

BAR_COLOURS = {"baseline": "#9aa5b1", "dense": "#6c9bd2", "lexical": "#e0a458", "hybrid": "#2f6db5"}
DEFAULT_BAR_COLOUR = "#7b8794"


def render_html(run: EvalRun, generated: datetime | None = None) -> str:
    """The self-contained HTML report of a run."""
    generated = generated or datetime.now(UTC)
    hybrid = next((pipeline for pipeline in run.pipelines if pipeline.name == GATED_PIPELINE), None)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>Guidance Assistant – eval report</title>",
        f"<style>{STYLE}</style></head><body>",
        "<h1>Guidance Assistant – eval report</h1>",
        f'<p class="muted">{escape(generated.strftime("%Y-%m-%d %H:%M UTC"))} · cases from '
        f"{escape(run.cases_file)} · run time {run.seconds:.1f} s</p>",
        _html_gate(run),
        "<h2>Pipelines</h2>",
        _html_table(run.pipelines),
        _html_descriptions(run.pipelines),
        "<h2>Metrics by pipeline</h2>",
        '<div class="charts">',
        *(_metric_chart(metric, run.pipelines) for metric in METRICS),
        "</div>",
    ]
    if hybrid is not None:
        parts += [
            "<h2>Nugget recall per question (hybrid)</h2>",
            '<p class="muted">Share of expected factors found by phrasing in each in-scope answer.</p>',
            _question_chart([result for result in hybrid.results if result.in_scope]),
            "<h2>Weakest questions (hybrid)</h2>",
            _html_weakest(hybrid.results),
            "<h2>Corpus gaps</h2>",
            _html_gaps(hybrid.results, run.feedback),
        ]
    parts.append("</body></html>")
    return "\n".join(parts)


def write_html(run: EvalRun, out_dir: Path) -> Path:
    """Write the HTML report to ``out_dir/eval.html`` (creating the folder) and return its path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / REPORT_NAME
    path.write_text(render_html(run), encoding="utf-8")
    return path


def _html_gate(run: EvalRun) -> str:
    gate = run.gate
    if gate.passed:
        count = len(gate.checked)
        return f'<p class="pass">Gate passed: {escape(gate.pipeline)} meets all {count} thresholds.</p>'
    items = "".join(f"<li>{escape(failure)}</li>" for failure in gate.failures)
    return (
        f'<p class="fail">Gate failed: {escape(gate.pipeline)} misses these thresholds:</p><ul>{items}</ul>'
    )


def _html_table(pipelines: Sequence[PipelineResult]) -> str:
    header = "".join(
        f"<th>{escape(label)}</th>" for label in ["pipeline", *(metric.label for metric in METRICS)]
    )
    rows = []
    for pipeline in pipelines:
        cells = "".join(
            f"<td>{escape(format_value(metric, pipeline.summary.value(metric.name)))}</td>"
            for metric in METRICS
        )
        css = ' class="gated"' if pipeline.name == GATED_PIPELINE else ""
        rows.append(f"<tr{css}><td>{escape(pipeline.name)}</td>{cells}</tr>")
    body = "".join(rows)
    return f'<div class="wide"><table><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table></div>'


def _html_descriptions(pipelines: Sequence[PipelineResult]) -> str:
    items = "".join(
        f"<li><b>{escape(pipeline.name)}</b>: {escape(pipeline.description)} "
        f'<span class="muted">({pipeline.seconds:.1f} s)</span></li>'
        for pipeline in pipelines
    )
    return f"<ul>{items}</ul>"


def _metric_chart(metric: Metric, pipelines: Sequence[PipelineResult]) -> str:
    """Horizontal bars, one per pipeline, for one metric (rates on 0-1, others on 0-max)."""
    values = [pipeline.summary.value(metric.name) for pipeline in pipelines]
    scale = 1.0 if metric.unit == "rate" else max([value for value in values if value is not None] + [1e-9])
    label_width, bar_width, row, top = 70, 150, 22, 24
    height = top + row * len(pipelines) + 6
    width = label_width + bar_width + 60
    direction = "higher is better" if metric.higher_is_better else "lower is better"
    shapes = [
        f'<text x="0" y="14" font-size="13" font-weight="600">{escape(metric.label)}</text>',
        f'<text x="{width}" y="14" font-size="10" text-anchor="end" fill="#5a6877">{direction}</text>',
    ]
    for index, (pipeline, value) in enumerate(zip(pipelines, values, strict=True)):
        y = top + index * row
        length = 0.0 if value is None else max(0.0, min(1.0, value / scale)) * bar_width
        colour = BAR_COLOURS.get(pipeline.name, DEFAULT_BAR_COLOUR)
        shapes += [
            f'<text x="0" y="{y + 13}" font-size="11">{escape(pipeline.name)}</text>',
            f'<rect x="{label_width}" y="{y + 2}" width="{length:.1f}" height="14" fill="{colour}"/>',
            f'<text x="{label_width + length + 4:.1f}" y="{y + 13}" font-size="11">'
            f"{escape(format_value(metric, value))}</text>",
        ]
    return (
        f'<svg class="chart" width="{width + 8}" height="{height}" viewBox="-4 0 {width + 8} {height}" '
        f'role="img" aria-label="{escape(metric.label)}">{"".join(shapes)}</svg>'
    )


def _question_chart(results: Sequence[CaseResult]) -> str:
    """One horizontal bar per in-scope question: its nugget recall by phrasing."""
    label_width, bar_width, row = 250, 500, 16
    height = row * len(results) + 4
    shapes = []
    for index, result in enumerate(results):
        y = index * row
        value = result.nugget_recall_phrase or 0.0
        colour = "#b3261e" if result.abstained else ("#2f6db5" if value >= 0.5 else "#e0a458")
        shapes += [
            f'<text x="{label_width - 6}" y="{y + 12}" font-size="11" text-anchor="end">'
            f"{escape(result.case_id)}</text>",
            f'<rect x="{label_width}" y="{y + 2}" width="{value * bar_width:.1f}" height="12" '
            f'fill="{colour}"/>',
            f'<text x="{label_width + value * bar_width + 4:.1f}" y="{y + 12}" font-size="10">'
            f"{value:.2f}{' (refused)' if result.abstained else ''}</text>",
        ]
    width = label_width + bar_width + 80
    return (
        f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="nugget recall per question">{"".join(shapes)}</svg>'
    )


def _html_heading(result: CaseResult) -> str:
    earlier = "".join(
        f'<p class="muted">after: {escape(question)}</p>' for question in result.earlier_questions
    )
    return f"<h3>{escape(result.case_id)}: {escape(result.question)}</h3>{earlier}"


def _html_answer(result: CaseResult) -> str:
    sources = "".join(
        f"<li>[{escape(str(citation.get('n')))}] {escape(str(citation.get('doc')))}"
        f" – {escape(str(citation.get('section') or '(no section)'))}</li>"
        for citation in result.citations
    )
    return f"<pre>{escape(result.answer)}</pre>" + (f'<ul class="muted">{sources}</ul>' if sources else "")


def _html_weakest(results: Sequence[CaseResult]) -> str:
    weakest = sorted(
        (result for result in results if result.in_scope and (result.nugget_recall_phrase or 0.0) < 1.0),
        key=lambda result: (
            result.nugget_recall_phrase or 0.0,
            result.nugget_recall_embedding or 0.0,
            result.case_id,
        ),
    )[:WEAKEST_COUNT]
    if not weakest:
        return "<p>Every in-scope answer contains all its expected factors.</p>"
    blocks = []
    for result in weakest:
        missing = ", ".join(result.missing_nuggets)
        blocks.append(
            '<div class="case">'
            f"{_html_heading(result)}"
            f"<p>nugget recall {result.nugget_recall_phrase or 0.0:.2f} (phrase), "
            f"{result.nugget_recall_embedding or 0.0:.2f} (embedding) · missing: {escape(missing)}</p>"
            f"{_html_answer(result)}</div>"
        )
    return "".join(blocks)


def _html_gaps(results: Sequence[CaseResult], feedback: Sequence[dict[str, object]]) -> str:
    refused = [result for result in results if result.in_scope and result.abstained]
    weak = [
        result
        for result in results
        if result.in_scope and not result.abstained and (result.citation_recall or 0.0) < LOW_SUPPORT
    ]
    parts = [
        "<h3>In-scope questions refused</h3>",
        _html_case_list(refused, "None: every in-scope question was answered."),
        f"<h3>In-scope answers with low citation support (citation recall below {LOW_SUPPORT:g})</h3>",
        _html_case_list(weak, "None."),
        "<h3>Thumbs-down feedback</h3>",
    ]
    if not feedback:
        parts.append("<p>No thumbs-down feedback recorded.</p>")
    for entry in feedback:
        citations = entry.get("citations")
        count = len(citations) if isinstance(citations, list) else 0
        parts.append(
            '<div class="case">'
            f"<h3>{escape(str(entry.get('question', '')))}</h3>"
            f"<pre>{escape(str(entry.get('answer', '')))}</pre>"
            f'<p class="muted">{count} citation(s)</p></div>'
        )
    return "".join(parts)


def _html_case_list(results: Sequence[CaseResult], empty: str) -> str:
    if not results:
        return f"<p>{escape(empty)}</p>"
    return "".join(
        f'<div class="case">{_html_heading(result)}{_html_answer(result)}</div>' for result in results
    )
