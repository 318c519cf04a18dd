"""HTML of a proposal review: the three-sums classification, the checklist and the questions to ask."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from assistant.web.render.common import citations_html, escape

STATUS_LABELS = {"risk": "Risk", "addressed": "Addressed", "not covered": "Not covered"}
"""How each checklist status is shown (the CSS class is the status with a hyphen)."""


def warning_html(warning: str | None) -> str:
    """The plain warning of a text too short to review (nothing when there is none)."""
    return f'<p class="review-warning" role="alert">{escape(warning)}</p>' if warning else ""


def status_key(status: str) -> str:
    """A checklist status normalised to ``risk``, ``addressed`` or ``not covered``."""
    return str(status).strip().lower().replace("_", " ").replace("-", " ")


def review_html(review: Mapping[str, Any]) -> str:
    """A proposal review as HTML: the three-sums classification, the checklist, the questions.

    Risks come first, then what the proposal addresses; factors it is silent on are folded away.

    Args:
        review: The review's JSON (``proposal``, ``sum``, ``factors``, ``questions``).
    """
    proposal = review.get("proposal") or {}
    groups: dict[str, list[Mapping[str, Any]]] = {key: [] for key in STATUS_LABELS}
    for factor in review.get("factors") or []:
        groups.setdefault(status_key(factor.get("status", "")), []).append(factor)
    summary = " ".join(
        status_badge(key, f"{len(groups.get(key, []))} {label.lower()}")
        for key, label in STATUS_LABELS.items()
    )
    parts = [
        '<div class="review">',
        '<div class="review-head"><div>'
        f'<div class="review-name">{escape(proposal.get("name", "Proposal"))}</div>'
        f'<div class="review-meta">{int(proposal.get("chars", 0)):,} characters read</div></div>'
        f'<div class="review-counts">{summary}</div></div>',
        warning_html(proposal.get("warning")),
        sum_html(review.get("sum") or {}),
        '<h3 class="review-h">Checklist against the guidance</h3>',
        checklist_html([*groups.pop("risk"), *groups.pop("addressed")]),
    ]
    silent = [factor for factors in groups.values() for factor in factors]
    if silent:
        parts.append(
            f'<details class="silent"><summary>{len(silent)} factors the proposal does not cover</summary>'
            f"{checklist_html(silent)}</details>"
        )
    questions = review.get("questions") or []
    if questions:
        items = "".join(f"<li>{escape(question_text(question))}</li>" for question in questions)
        parts.append(
            f'<h3 class="review-h">Questions to put to the proposal</h3><ol class="questions">{items}</ol>'
        )
    parts.append("</div>")
    return "".join(parts)


def checklist_html(factors: Sequence[Mapping[str, Any]]) -> str:
    """A checklist table: factor, status (coloured), the proposal's evidence, the guidance cited."""
    rows = []
    for factor in factors:
        key = status_key(factor.get("status", ""))
        label = STATUS_LABELS.get(key, str(factor.get("status", "")))
        if key == "risk" and factor.get("unclear"):
            label = "Risk: unclear, ask"
        evidence_html = evidence_list_html(factor.get("evidence") or []) or (
            '<span class="muted">Nothing found in the proposal.</span>'
        )
        confidence = factor.get("confidence")
        confidence_html = (
            f'<div class="confidence">{float(confidence):.0%} confidence</div>'
            if isinstance(confidence, (int, float)) and key != "not covered"
            else ""
        )
        rows.append(
            f'<tr class="row-{key.replace(" ", "-")}">'
            f'<td class="factor"><span class="factor-id">{escape(factor.get("id", ""))}</span> '
            f"{escape(factor.get('title', ''))}</td>"
            f"<td>{status_badge(key, label)}{confidence_html}</td>"
            f"<td>{evidence_html}</td><td>{citations_html(factor.get('citations') or [])}</td></tr>"
        )
    if not rows:
        return '<div class="sources-empty">No factor is addressed or at risk in this proposal.</div>'
    return (
        '<table class="checklist"><thead><tr><th>Factor</th><th>Status</th>'
        "<th>Evidence in the proposal</th><th>What the guidance says</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def evidence_list_html(evidence: Iterable[Mapping[str, Any] | str]) -> str:
    """Quotes from the proposal (dicts with ``quote``, or strings), escaped."""
    quotes = [item.get("quote", "") if isinstance(item, Mapping) else item for item in evidence]
    return "".join(f'<div class="evidence">“{escape(quote)}”</div>' for quote in quotes)


def status_badge(status: str, text: str) -> str:
    """A coloured badge for a checklist status (``risk``, ``addressed``, ``not covered``)."""
    return f'<span class="badge status-{escape(status.replace(" ", "-"))}">{escape(text)}</span>'


def question_text(question: Any) -> str:
    """The text of a review question, which may be a string or a dict with ``text``/``question``."""
    if isinstance(question, Mapping):
        return str(question.get("text") or question.get("question") or "")
    return str(question)


def sum_html(three_sums: Mapping[str, Any]) -> str:
    """The three-sums classification of a proposal, with its evidence and citations."""
    if not three_sums:
        return ""
    evidence = three_sums.get("evidence") or []
    evidence_html = evidence_list_html(evidence)
    return (
        '<div class="sum-card"><div class="sum-label-caption">Ambition (the three sums)</div>'
        f'<div class="sum-label">{escape(three_sums.get("label", ""))}</div>'
        f"{evidence_html}{citations_html(three_sums.get('citations') or [])}</div>"
    )
