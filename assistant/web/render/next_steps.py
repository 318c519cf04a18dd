"""HTML of "where next" under an answer: follow-up questions to ask with one click, passages retrieved but
not quoted (opened in the document view), and after a refusal the topics the guidance covers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from assistant.web.render.common import escape

ASK_NEXT = "Ask next"
TOPICS = "The guidance covers these topics — ask about one:"
ALSO_RELEVANT = "Also relevant"


def open_document_button(doc: str, start: int, label: str, quote: str = "", css: str = "open-doc") -> str:
    """A button that opens the document view of ``doc`` at character ``start`` (``quote`` highlighted)."""
    return (
        f'<button type="button" class="{escape(css)}" data-doc="{escape(doc)}" data-start="{int(start)}" '
        f'data-quote="{escape(quote)}">{escape(label)}</button>'
    )


def related_label(passage: Mapping[str, Any]) -> str:
    """``Title — Section`` of a passage (just the title before its first heading)."""
    section = passage.get("section")
    return f"{passage.get('title', '')} — {section}" if section else str(passage.get("title", ""))


def next_steps_html(questions: Sequence[str], related: Sequence[Mapping[str, Any]], refused: bool) -> str:
    """The "where next" panel (empty when there is nothing to offer).

    Args:
        questions: Follow-up questions; each button asks its question.
        related: Passages (``doc``, ``title``, ``section``, ``start``) to open in the document view.
        refused: Whether the answer was a refusal (the questions are then the topics covered).
    """
    if not questions and not related:
        return ""
    parts = ['<section class="next-steps" aria-label="Where next">']
    if questions:
        heading = TOPICS if refused else ASK_NEXT
        buttons = "".join(
            f'<li><button type="button" class="ask-next" data-question="{escape(question)}">'
            f"{escape(question)}</button></li>"
            for question in questions
        )
        parts.append(f'<h2 class="next-title">{escape(heading)}</h2>')
        parts.append(f'<ul class="next-questions">{buttons}</ul>')
    if related:
        items = "".join(
            "<li>"
            + open_document_button(str(passage["doc"]), int(passage["start"]), related_label(passage))
            + "</li>"
            for passage in related
        )
        parts.append(f'<h2 class="next-title">{escape(ALSO_RELEVANT)}</h2><ul class="related">{items}</ul>')
    return "".join(parts) + "</section>"
