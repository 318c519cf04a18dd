"""HTML of a guidance document as the app shows it: its byline on source cards, and the document view —
the whole indexed document with its headings, the cited passage highlighted.

Everything from a document is escaped here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from assistant.records import Chunk
from assistant.text.quotes import locate_quote
from assistant.web.render.common import escape, notice_html

UNKNOWN_DOCUMENT = "This document is not in the index (it may have been removed since the answer)."


def short_publisher(details: Mapping[str, Any]) -> str:
    """The publisher without its parenthesised detail (``Socitm``), else the author, else empty."""
    publisher = str(details.get("publisher") or "").split(" (", 1)[0].strip()
    return publisher or str(details.get("author") or "")


def byline(details: Mapping[str, Any]) -> str:
    """``author · publisher · year`` of a document, as plain text (empty when the manifest has none)."""
    parts = [details.get("author"), details.get("publisher"), details.get("year")]
    return " · ".join(str(part) for part in parts if part)


def source_label(n: int, details: Mapping[str, Any], section: str | None) -> str:
    """The accessible name of citation ``[n]``: ``Source 2: Socitm, Reasons why shared services fail``."""
    where = section or str(details.get("title") or details.get("doc") or "")
    who = short_publisher(details)
    return f"Source {n}: {who}, {where}" if who else f"Source {n}: {where}"


def lines_html(text: str) -> str:
    """Each line of an escaped text (or of HTML already escaped) as a paragraph."""
    return "".join(f"<p>{line.strip()}</p>" for line in text.split("\n") if line.strip())


def focus_html(chunk: Chunk, quote: str) -> str:
    """The passage the view opens at: the quote marked in it, or the whole passage when no quote fits."""
    span = locate_quote(chunk.text, quote) if quote.strip() else None
    if span is None:
        body = "\n".join(f"<mark>{escape(line)}</mark>" for line in chunk.text.split("\n") if line.strip())
    else:
        before, quoted, after = chunk.text[: span[0]], chunk.text[span[0] : span[1]], chunk.text[span[1] :]
        body = f"{escape(before)}<mark>{escape(quoted)}</mark>{escape(after)}"
    return f'<div class="doc-focus" id="doc-focus" tabindex="-1">{lines_html(body)}</div>'


def document_html(details: Mapping[str, Any], passages: Sequence[Chunk], start: int, quote: str = "") -> str:
    """The document view: title, byline and the whole document by headings, opened at a passage.

    Args:
        details: The document's card details (``Library.describe``).
        passages: Its indexed passages in document order (none: the document is unknown).
        start: A character offset inside the passage to open at (a citation's ``start``).
        quote: The words to highlight in that passage; the whole passage is highlighted without them.
    """
    if not passages:
        return notice_html(UNKNOWN_DOCUMENT, kind="error")
    focus = next((chunk for chunk in passages if chunk.start <= start < chunk.end), None)
    if focus is None:
        focus = min(passages, key=lambda chunk: abs(chunk.start - start))
    body, section = [], None
    for chunk in passages:
        if chunk.section and chunk.section != section:
            body.append(f'<h3 class="doc-heading">{escape(chunk.section)}</h3>')
        section = chunk.section
        body.append(focus_html(chunk, quote) if chunk is focus else lines_html(escape(chunk.text)))
    meta = byline(details)
    return (
        '<article class="doc-view">'
        f'<h2 class="doc-title" id="doc-view-title">{escape(details.get("title", ""))}</h2>'
        + (f'<p class="doc-byline">{escape(meta)}</p>' if meta else "")
        + (f'<p class="doc-kind">{escape(details["kind"])}</p>' if details.get("kind") else "")
        + f'<div class="doc-body">{"".join(body)}</div>'
        f'<p class="doc-where">{escape(details.get("doc", ""))}</p></article>'
    )
