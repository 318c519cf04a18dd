"""HTML of discussion prompts: one card per prompt with its facilitator note and the guidance cited."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from assistant.web.render.common import citations_html, escape


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
