"""HTML pieces every part of the app uses: escaping, notices and guidance citations."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from typing import Any


def escape(text: object) -> str:
    """Text made safe for HTML (quotes included)."""
    return html.escape(str(text), quote=True)


def notice_html(message: str, kind: str = "info", alert: bool = False) -> str:
    """A short message box (``info`` or ``error``), escaped; ``alert`` has screen readers read it out."""
    role = ' role="alert"' if alert else ""
    return f'<div class="notice notice-{escape(kind)}"{role}>{escape(message)}</div>'


def source_heading(citation: Mapping[str, Any]) -> str:
    """``Title — Section`` of a citation (or just the title), as plain text."""
    section = citation.get("section")
    return f"{citation.get('title', '')} — {section}" if section else str(citation.get("title", ""))


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
