"""HTML and Markdown of the Ask tab: chat messages, the sources panel and the exported conversation.

Everything that came from a question or a document is escaped here, so nothing a user typed can run as
code in the page.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from assistant.text.quotes import locate_quote
from assistant.web.render.common import escape, source_heading
from assistant.web.render.document import byline, source_label
from assistant.web.render.next_steps import open_document_button

NO_SOURCES = "Sources appear here: each quoted passage with its document, section and surrounding text."


def chat_markdown(text: str) -> str:
    """Text for a Chatbot message: HTML shown as text, Markdown images disabled (nothing is fetched).

    Markdown otherwise stays (an answer's bullets and paragraphs); inline ``[n]`` markers stay plain
    text, so a copied answer reads cleanly; the page styles them as clickable citations.
    """
    return html.escape(text, quote=False).replace("![", "!\\[")


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


def source_card_html(citation: Mapping[str, Any], passage: str | None, details: Mapping[str, Any]) -> str:
    """One source card: title, publisher and year, section and quote; opened, the passage in context,
    a button to the document view, and the file and characters in a small line."""
    n = int(citation["n"])
    section = citation.get("section")
    quote = str(citation.get("quote", ""))
    title = details.get("title") or citation.get("title", "")
    meta = byline(details) or str(details.get("kind") or "")
    optional = (f'<span class="source-byline">{escape(meta)}</span>' if meta else "") + (
        f'<span class="source-section">{escape(section)}</span>' if section else ""
    )
    opener = open_document_button(
        str(citation.get("doc", "")), int(citation.get("start", 0)), "Open the whole document here", quote
    )
    return (
        f'<details class="source" id="source-{n}" data-label="{escape(source_label(n, details, section))}">'
        f'<summary><span class="source-n">{n}</span>'
        f'<span class="source-head"><span class="source-title">{escape(title)}</span>{optional}'
        f'<span class="source-quote">“{escape(quote)}”</span></span></summary>'
        f'<div class="source-passage">{passage_html(passage, quote)}</div>'
        f'<div class="source-actions">{opener}</div>'
        f'<div class="source-where">{escape(citation.get("doc", ""))} · characters '
        f"{int(citation.get('start', 0)):,}–{int(citation.get('end', 0)):,}</div>"
        "</details>"
    )


def sources_html(
    citations: Sequence[Mapping[str, Any]],
    passages: Sequence[str | None],
    documents: Mapping[str, Mapping[str, Any]] | None = None,
) -> str:
    """The sources panel: one expandable card per citation, its passage with the quote highlighted.

    Args:
        citations: Citation dicts (``n, doc, title, section, quote, start, end``).
        passages: The text around each citation (the chunk holding it), or None when unknown.
        documents: Each cited document's details by file name (``Library.describe``: title, publisher,
            author, year); a document left out is shown with the citation's title alone.
    """
    if not citations:
        return f'<div class="sources-empty">{escape(NO_SOURCES)}</div>'
    documents = documents or {}
    cards = [
        source_card_html(citation, passage, documents.get(str(citation.get("doc")), {}))
        for citation, passage in zip(citations, passages, strict=True)
    ]
    count = (
        f"{len(citations)} quoted passage{'s' if len(citations) != 1 else ''} — open one to see it in context"
    )
    return f'<div class="sources"><div class="sources-count">{escape(count)}</div>{"".join(cards)}</div>'


def citation_labels_html(labels: Sequence[Mapping[int, str]]) -> str:
    """The names of each answer's citations, hidden, for the page script (empty without any)."""
    if not any(labels):
        return ""
    lists = "".join(
        f'<ol data-turn="{turn}">'
        + "".join(f'<li data-n="{int(n)}">{escape(label)}</li>' for n, label in names.items())
        + "</ol>"
        for turn, names in enumerate(labels)
    )
    return f'<div class="cite-labels" hidden>{lists}</div>'


def refusal_sources_html() -> str:
    """The sources panel after a refusal."""
    return (
        '<div class="sources-empty">No sources: the guidance does not cover this question, '
        "so nothing is quoted. Try asking it another way, or about one of the topics offered below the "
        "conversation.</div>"
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
