"""HTML and Markdown for the browser app: answers, sources, reviews, prompts and the status page.

Pure functions of plain data (no Gradio import). Everything that came from a question, a document or a
proposal is escaped here, so nothing a user typed or uploaded can run as code in the page.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from assistant.text.quotes import locate_quote

STATUS_LABELS = {"risk": "Risk", "addressed": "Addressed", "not covered": "Not covered"}
"""How each checklist status is shown (the CSS class is the status with a hyphen)."""

NO_SOURCES = "Sources appear here: each quoted passage with its document, section and surrounding text."


def escape(text: object) -> str:
    """Text made safe for HTML (quotes included)."""
    return html.escape(str(text), quote=True)


def chat_markdown(text: str) -> str:
    """Text for a Chatbot message: HTML shown as text, Markdown images disabled (nothing is fetched).

    Markdown otherwise stays (an answer's bullets and paragraphs); inline ``[n]`` markers stay plain
    text, so a copied answer reads cleanly; the page styles them as clickable citations.
    """
    return html.escape(text, quote=False).replace("![", "!\\[")


def source_heading(citation: Mapping[str, Any]) -> str:
    """``Title — Section`` of a citation (or just the title), as plain text."""
    section = citation.get("section")
    return f"{citation.get('title', '')} — {section}" if section else str(citation.get("title", ""))


def passage_html(passage: str | None, quote: str, context_lines: int = 1) -> str:
    """The paragraph around a quote with the quoted words in ``<mark>``, escaped.

    Shows the lines of ``passage`` that hold the quote and ``context_lines`` lines either side; when the
    quote cannot be found in the passage (or there is no passage) the quote alone is marked.
    """
    span = locate_quote(passage, quote) if passage else None
    if passage is None or span is None:
        return f"<p><mark>{escape(quote)}</mark></p>"
    starts = [0] + [index + 1 for index, char in enumerate(passage) if char == "\n"]
    first = max(0, sum(1 for start in starts if start <= span[0]) - 1 - context_lines)
    last = min(len(starts) - 1, sum(1 for start in starts if start < span[1]) - 1 + context_lines)
    begin = starts[first]
    end = starts[last + 1] - 1 if last + 1 < len(starts) else len(passage)
    before, quoted, after = passage[begin : span[0]], passage[span[0] : span[1]], passage[span[1] : end]
    body = f"{escape(before)}<mark>{escape(quoted)}</mark>{escape(after)}"
    lead = "<p class='passage-more'>…</p>" if begin > 0 else ""
    tail = "<p class='passage-more'>…</p>" if end < len(passage.rstrip()) else ""
    lines = [line.strip() for line in body.split("\n") if line.strip()]
    return lead + "".join(f"<p>{line}</p>" for line in lines) + tail


def sources_html(citations: Sequence[Mapping[str, Any]], passages: Sequence[str | None]) -> str:
    """The sources panel: one expandable card per citation, its passage with the quote highlighted.

    Args:
        citations: Citation dicts (``n, doc, title, section, quote, start, end``).
        passages: The text around each citation (the chunk holding it), or None when unknown.
    """
    if not citations:
        return f'<div class="sources-empty">{escape(NO_SOURCES)}</div>'
    cards = []
    for citation, passage in zip(citations, passages, strict=True):
        n = int(citation["n"])
        section = citation.get("section")
        section_html = f'<span class="source-section">{escape(section)}</span>' if section else ""
        cards.append(
            f'<details class="source" id="source-{n}">'
            f'<summary><span class="source-n">{n}</span>'
            f'<span class="source-head"><span class="source-title">{escape(citation.get("title", ""))}</span>'
            f"{section_html}"
            f'<span class="source-quote">“{escape(citation.get("quote", ""))}”</span></span></summary>'
            f'<div class="source-passage">{passage_html(passage, str(citation.get("quote", "")))}</div>'
            f'<div class="source-where">{escape(citation.get("doc", ""))} · characters '
            f"{int(citation.get('start', 0)):,}–{int(citation.get('end', 0)):,}</div>"
            "</details>"
        )
    count = (
        f"{len(citations)} quoted passage{'s' if len(citations) != 1 else ''} — open one to see it in context"
    )
    return f'<div class="sources"><div class="sources-count">{escape(count)}</div>{"".join(cards)}</div>'


def refusal_sources_html() -> str:
    """The sources panel after a refusal."""
    return (
        '<div class="sources-empty">No sources: the guidance does not cover this question, '
        "so nothing is quoted. Try asking it another way, or about one of the topics listed.</div>"
    )


def conversation_markdown(turns: Sequence[Mapping[str, Any]], when: datetime | None = None) -> str:
    """A conversation as a Markdown document: each question, its answer and its numbered sources.

    Args:
        turns: Dicts with ``question`` and ``answer`` (the answer's JSON: ``answer``, ``citations``).
        when: The export time shown in the heading (now by default).
    """
    stamp = (when or datetime.now()).strftime("%d %B %Y, %H:%M")
    lines = ["# Conversation with the Guidance Assistant", "", f"Exported {stamp}.", ""]
    for number, turn in enumerate(turns, start=1):
        answer = turn["answer"]
        lines += [f"## {number}. {turn['question']}", "", str(answer.get("answer", "")).strip(), ""]
        citations = answer.get("citations") or []
        if citations:
            lines += ["**Sources**", ""]
            for citation in citations:
                lines.append(
                    f"{citation['n']}. {source_heading(citation)}: “{citation['quote']}” "
                    f"({citation['doc']}, characters {citation['start']}–{citation['end']})"
                )
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def citation_line_html(citation: Mapping[str, Any] | str, with_quote: bool = True) -> str:
    """One guidance citation of a review or prompt: ``[n]``, heading and quote (a string is shown as is).

    Without the quote (``with_quote=False``) it is the line's tooltip.
    """
    if not isinstance(citation, Mapping):
        return f'<li class="cite-line">{escape(citation)}</li>'
    heading = source_heading(citation) or str(citation.get("doc", ""))
    number = f'<span class="cite-n">[{int(citation["n"])}]</span> ' if citation.get("n") is not None else ""
    quote = str(citation.get("quote") or "")
    quote_html = f' <span class="cite-quote">“{escape(quote)}”</span>' if quote and with_quote else ""
    tooltip = f' title="{escape(quote)}"' if quote and not with_quote else ""
    return (
        f'<li class="cite-line"{tooltip}>{number}<span class="cite-title">{escape(heading)}</span>'
        f"{quote_html}</li>"
    )


def citations_html(citations: Iterable[Mapping[str, Any] | str], with_quotes: bool = True) -> str:
    """A list of guidance citations (empty string when there are none)."""
    items = "".join(citation_line_html(citation, with_quotes) for citation in citations or [])
    return f'<ul class="cite-list">{items}</ul>' if items else ""


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


def prompts_html(prompt_set: Mapping[str, Any]) -> str:
    """Discussion prompts as cards: the prompt, its kind, the facilitator's note and the guidance cited.

    Args:
        prompt_set: The prompts' JSON (``theme``, ``title``, ``description``, ``note``, ``prompts``).
    """
    head = []
    title = prompt_set.get("title") or prompt_set.get("theme")
    if title:
        head.append(f'<h3 class="review-h">{escape(title)}</h3>')
    if prompt_set.get("description"):
        head.append(f'<p class="theme-description">{escape(prompt_set["description"])}</p>')
    if prompt_set.get("note"):
        head.append(f'<div class="notice">{escape(prompt_set["note"])}</div>')
    cards = []
    for number, prompt in enumerate(prompt_set.get("prompts") or [], start=1):
        kind = str(prompt.get("kind") or "").replace("_", " ")
        kind_html = f'<span class="badge kind">{escape(kind)}</span>' if kind else ""
        note = prompt.get("facilitator_note")
        note_html = (
            f'<div class="note"><span class="note-label">Facilitator note</span> {escape(note)}</div>'
            if note
            else ""
        )
        cards.append(
            '<div class="prompt-card">'
            f'<div class="prompt-top"><span class="prompt-n">{number}</span>{kind_html}</div>'
            f'<div class="prompt-text">{escape(prompt.get("text", ""))}</div>{note_html}'
            f"{citations_html(prompt.get('citations') or [], with_quotes=False)}</div>"
        )
    if not cards and not head:
        return '<div class="sources-empty">No prompts for this theme.</div>'
    return f'<div class="prompts">{"".join(head)}{"".join(cards)}</div>'


def status_page_html(
    documents: Sequence[tuple[str, str, int]],
    chunk_count: int,
    generator: str,
    index_location: str,
    version: str,
    feedback_path: str,
    max_upload_mb: float,
    model_host: str | None = None,
) -> str:
    """The About page: what is indexed, what writes the answers, where things are kept.

    Args:
        documents: (file name, title, chunk count) of each indexed document.
        chunk_count: Passages in the index.
        generator: What writes the answers.
        index_location: Folder or URL of the index.
        version: The assistant's version.
        feedback_path: Where thumbs up/down are stored.
        max_upload_mb: Largest upload accepted.
        model_host: The other machine questions go to (a language model server), or None.
    """
    rows = "".join(
        f"<tr><td>{escape(title)}</td><td class='muted'>{escape(doc)}</td><td class='num'>{count}</td></tr>"
        for doc, title, count in documents
    )
    facts = [
        ("Passages indexed", f"{chunk_count:,} from {len(documents)} documents"),
        ("Answers written by", generator),
        ("Index", index_location),
        ("Feedback stored in", feedback_path),
        ("Largest upload", f"{max_upload_mb:g} MB"),
        ("Version", version),
    ]
    where_questions_go = (
        f"Questions, and the guidance passages that answer them, are sent to the language model at "
        f"{model_host}; proposals and prompts stay on this machine."
        if model_host
        else "Everything runs on this machine: questions, proposals and prompts are never sent anywhere else."
    )
    fact_rows = "".join(f"<tr><th>{escape(key)}</th><td>{escape(value)}</td></tr>" for key, value in facts)
    return (
        '<div class="about">'
        '<h3 class="review-h">Guidance in the index</h3>'
        '<table class="docs"><thead>'
        '<tr><th>Document</th><th>File</th><th class="num">Passages</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
        '<h3 class="review-h">Status</h3>'
        f'<table class="facts"><tbody>{fact_rows}</tbody></table>'
        '<h3 class="review-h">Privacy</h3>'
        "<ul class='privacy'>"
        f"<li>{escape(where_questions_go)}</li>"
        "<li>Uploaded proposals are read, reviewed and deleted straight away; they are not stored or "
        "indexed.</li>"
        "<li>Thumbs up/down keep the question, the answer and its citations in the feedback file above — "
        "never proposal content.</li>"
        "</ul></div>"
    )


CSS = """
.gradio-container { max-width: 1280px !important; margin: 0 auto !important; }
footer { opacity: 0.6; }
.app-header { display: flex; align-items: center; gap: 14px; padding: 14px 18px; border-radius: 12px;
  background: linear-gradient(90deg, #1e3a8a 0%, #1d4ed8 100%); color: #fff; }
.app-mark { width: 44px; height: 44px; border-radius: 10px; background: rgba(255,255,255,0.16); color: #fff;
  display: flex; align-items: center; justify-content: center; font-weight: 700; letter-spacing: 0.5px; }
.app-name { font-size: 1.45rem; font-weight: 700; line-height: 1.2; color: #fff !important; }
.app-tagline { font-size: 0.95rem; color: #dbeafe !important; }
.app-badge { margin-left: auto; font-size: 0.8rem; padding: 5px 10px; border-radius: 999px;
  background: rgba(255,255,255,0.14); border: 1px solid rgba(255,255,255,0.3); white-space: nowrap;
  color: #fff; }
@media (max-width: 900px) { .app-badge { display: none; } }
.hint { color: var(--body-text-color-subdued); font-size: 0.82rem; align-self: center; }
.tab-intro { color: var(--body-text-color-subdued); margin: 4px 0 8px; }
.panel-title { font-weight: 600; font-size: 1rem; margin: 2px 0 6px; }
#chat .examples { gap: 10px !important; }
#chat button.example { border: 1px solid var(--border-color-primary) !important;
  border-radius: 10px !important; background: var(--background-fill-secondary) !important;
  padding: 10px 14px !important; text-align: left; }
#chat button.example:hover { border-color: #3b82f6 !important; background: #eff6ff !important; }
#chat sup.cite { color: #1d4ed8; font-weight: 600; cursor: pointer; font-size: 0.72em; padding: 0 1px; }
#chat sup.cite:hover { text-decoration: underline; }
#sources-column { position: sticky; top: 8px; }
.sources { max-height: 640px; overflow-y: auto; padding-right: 4px; }
.sources-count { font-size: 0.85rem; color: var(--body-text-color-subdued); margin-bottom: 6px; }
.sources-empty, .notice { padding: 14px 16px; border-radius: 10px;
  border: 1px dashed var(--border-color-primary);
  color: var(--body-text-color-subdued); background: var(--background-fill-secondary); }
.notice-error { border: 1px solid #fca5a5; background: #fef2f2; color: #991b1b; }
details.source { border: 1px solid var(--border-color-primary); border-left: 4px solid #3b82f6;
  border-radius: 10px; margin-bottom: 8px; background: var(--background-fill-primary);
  transition: box-shadow 0.3s; }
details.source.flash { box-shadow: 0 0 0 3px #93c5fd; }
details.source > summary { list-style: none; cursor: pointer; display: flex; gap: 10px; padding: 10px 12px; }
details.source > summary::-webkit-details-marker { display: none; }
.source-n { flex: none; width: 24px; height: 24px; border-radius: 50%; background: #dbeafe; color: #1e40af;
  font-weight: 700; font-size: 0.8rem; display: flex; align-items: center; justify-content: center; }
.source-head { display: flex; flex-direction: column; gap: 2px; min-width: 0; }
.source-title { font-weight: 600; font-size: 0.9rem; }
.source-section { font-size: 0.8rem; color: var(--body-text-color-subdued); }
.source-quote { font-size: 0.85rem; font-style: italic; display: -webkit-box; -webkit-line-clamp: 2;
  -webkit-box-orient: vertical; overflow: hidden; }
details.source[open] .source-quote { display: none; }
.source-passage { padding: 0 14px 4px 46px; font-size: 0.9rem; line-height: 1.5; }
.source-passage p { margin: 0 0 8px; }
.source-passage p.passage-more { color: var(--body-text-color-subdued); margin: 0 0 4px; }
.source-passage mark { background: #fde68a; color: inherit; padding: 1px 2px; border-radius: 3px; }
.source-where { padding: 0 14px 10px 46px; font-size: 0.75rem; color: var(--body-text-color-subdued); }
.badge { display: inline-block; padding: 2px 9px; border-radius: 999px; font-size: 0.78rem; font-weight: 600;
  white-space: nowrap; }
.status-risk { background: #fee2e2; color: #991b1b; }
.status-addressed { background: #dcfce7; color: #166534; }
.status-not-covered { background: #e2e8f0; color: #334155; }
.badge.kind { background: #ede9fe; color: #5b21b6; text-transform: capitalize; }
.review-head { display: flex; justify-content: space-between; align-items: center; gap: 12px; flex-wrap: wrap;
  margin-bottom: 10px; }
.review-name { font-weight: 700; font-size: 1.1rem; }
.review-meta, .muted, .confidence { color: var(--body-text-color-subdued); font-size: 0.8rem; }
.review-h { font-size: 1.02rem; font-weight: 650; margin: 18px 0 8px; }
.sum-card { border: 1px solid #bfdbfe; background: #eff6ff; border-radius: 10px; padding: 12px 14px; }
.sum-label-caption { font-size: 0.78rem; text-transform: uppercase; letter-spacing: 0.04em; color: #1e40af; }
.sum-label { font-size: 1.3rem; font-weight: 700; color: #1e3a8a; margin: 2px 0 6px; }
table.checklist, table.docs, table.facts { width: 100%; border-collapse: collapse; font-size: 0.88rem;
  border: none !important; }
table.checklist tr, table.checklist thead, table.checklist tbody, table.docs tr, table.docs thead,
table.docs tbody, table.facts tr, table.facts tbody { border: none !important; }
table.checklist td, table.checklist th, table.docs td, table.docs th, table.facts td, table.facts th {
  border-style: solid !important; border-color: var(--border-color-primary) !important;
  border-width: 0 0 1px 0 !important; }
table.checklist th, table.docs th { text-align: left; background: var(--background-fill-secondary);
  padding: 8px 10px; border-bottom: 1px solid var(--border-color-primary); }
table.checklist td, table.docs td, table.facts td, table.facts th { padding: 8px 10px; vertical-align: top;
  border-bottom: 1px solid var(--border-color-primary); }
table.facts th { text-align: left; width: 220px; font-weight: 600; }
table.checklist td.factor { font-weight: 600; width: 22%; }
.factor-id { color: var(--body-text-color-subdued); font-weight: 500; font-size: 0.8rem; }
tr.row-risk td:first-child { border-left: 4px solid #ef4444 !important; }
tr.row-addressed td:first-child { border-left: 4px solid #22c55e !important; }
tr.row-not-covered td:first-child { border-left: 4px solid #94a3b8 !important; }
.evidence { font-style: italic; margin-bottom: 4px; }
ul.cite-list { margin: 4px 0 0; padding-left: 18px; }
.cite-line { margin-bottom: 4px; }
.cite-title { font-weight: 600; font-size: 0.82rem; }
.cite-n { color: #1d4ed8; font-weight: 700; font-size: 0.8rem; }
.theme-description { color: var(--body-text-color-subdued); margin: 0 0 6px; }
.cite-quote { font-size: 0.85rem; }
ol.questions li { margin-bottom: 4px; }
.num { text-align: right; }
.prompts { display: grid; gap: 10px; }
.prompt-card { border: 1px solid var(--border-color-primary); border-radius: 10px; padding: 12px 14px;
  background: var(--background-fill-primary); }
.prompt-top { display: flex; align-items: center; gap: 8px; margin-bottom: 6px; }
.prompt-n { font-weight: 700; color: #1e40af; }
.prompt-text { font-size: 1.02rem; font-weight: 600; margin-bottom: 6px; }
.note { background: #fffbeb; border-left: 3px solid #f59e0b; padding: 6px 10px; border-radius: 6px;
  font-size: 0.88rem; margin-bottom: 6px; }
.note-label { font-weight: 700; font-size: 0.78rem; text-transform: uppercase; color: #92400e;
  margin-right: 4px; }
ul.privacy li { margin-bottom: 4px; }
details.silent { margin-top: 10px; border: 1px solid var(--border-color-primary); border-radius: 10px;
  padding: 8px 12px; }
details.silent > summary { cursor: pointer; font-weight: 600; color: var(--body-text-color-subdued); }
details.silent table { margin-top: 8px; }
"""
"""The app's style sheet (passed to ``launch``)."""
