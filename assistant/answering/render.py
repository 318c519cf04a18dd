"""Answers as terminal text: the answer, then its numbered sources with their quotes."""

from __future__ import annotations

import textwrap

from assistant.records import Answer, Citation


def source_label(citation: Citation) -> str:
    """``Title — Section`` (or just the title)."""
    return f"{citation.title} — {citation.section}" if citation.section else citation.title


def render_text(answer: Answer, width: int = 100) -> str:
    """The answer and its sources, for the terminal."""
    lines = [answer.answer]
    if answer.citations:
        lines.append("")
        lines.append("Sources:")
        for citation in answer.citations:
            quote = textwrap.shorten(citation.quote, width=300, placeholder=" …")
            where = f"{citation.doc}, chars {citation.start}-{citation.end}"
            lines.append(f"[{citation.n}] {source_label(citation)} ({where})")
            lines.extend(
                textwrap.wrap(f"“{quote}”", width=width, initial_indent="    ", subsequent_indent="    ")
            )
    return "\n".join(lines)
