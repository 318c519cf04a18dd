"""A conversation of the Ask tab as plain data: its turns shown as chat messages and source panels."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from assistant.records import Citation
from assistant.text.phrases import REFUSAL
from assistant.web import render

CHOOSE_A_TOPIC = "Choose one of the topics it covers, offered below the conversation, or ask another way."
"""What a refusal says in the chat (the topics are buttons below it, not a run-on list)."""


def passage_of(citation: Citation | dict[str, Any], chunks: dict[str, Any]) -> str | None:
    """The text of the indexed passage that holds a citation (its surrounding paragraph), or None."""
    data = asdict(citation) if isinstance(citation, Citation) else citation
    return next(
        (
            chunk.text
            for chunk in chunks.values()
            if chunk.doc == data["doc"] and chunk.start <= int(data["start"]) < chunk.end
        ),
        None,
    )


def chat_messages(turns: Sequence[dict[str, Any]]) -> list[dict[str, str]]:
    """The Chatbot messages of a conversation (user text shown literally; answers with citations)."""
    messages = []
    for turn in turns:
        messages.append({"role": "user", "content": render.chat_markdown(turn["question"])})
        answer = turn["answer"]
        text = f"{REFUSAL} {CHOOSE_A_TOPIC}" if answer["abstained"] else answer["answer"]
        messages.append({"role": "assistant", "content": render.chat_markdown(text)})
    return messages


def turn_sources_html(turn: dict[str, Any]) -> str:
    """The sources panel of one turn."""
    answer = turn["answer"]
    if answer["abstained"]:
        return render.refusal_sources_html()
    return render.sources_html(answer["citations"], turn["passages"], turn.get("documents"))
