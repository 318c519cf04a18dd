"""A conversation of the Ask tab as plain data: its turns shown as chat messages and source panels."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from assistant.records import Answer, Citation, Turn
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


def turn_of(turn: dict[str, Any]) -> Turn:
    """A kept turn (``{"query", "answer"}``, the answer as JSON) as the assistant reads it."""
    return Turn(turn["query"], Answer.from_json(turn["answer"]))


def history_of(turns: Sequence[dict[str, Any]]) -> list[Turn]:
    """The conversation's earlier turns as the assistant reads them: each one's query and answer."""
    return [turn_of(turn) for turn in turns]


def shown_answer(text: str, abstained: bool = False) -> str:
    """An answer (or the text streamed so far) as the chat shows it: a refusal without its run-on list
    of titles, which the "where next" panel offers as buttons."""
    return f"{REFUSAL} {CHOOSE_A_TOPIC}" if abstained or text.startswith(REFUSAL) else text


def chat_messages(turns: Sequence[dict[str, Any]]) -> list[dict[str, str]]:
    """The Chatbot messages of a conversation (user text shown literally; answers with citations)."""
    messages = []
    for turn in turns:
        messages.append({"role": "user", "content": render.chat_markdown(turn["question"])})
        text = shown_answer(turn["answer"]["answer"], turn["answer"]["abstained"])
        messages.append({"role": "assistant", "content": render.chat_markdown(text)})
    return messages


def citation_labels(turns: Sequence[dict[str, Any]]) -> list[dict[int, str]]:
    """Per turn, the accessible name of each citation ``[n]`` (``Source n: publisher, section``)."""
    return [
        {
            int(citation["n"]): render.source_label(
                int(citation["n"]),
                (turn.get("documents") or {}).get(citation["doc"], {"title": citation["title"]}),
                citation.get("section"),
            )
            for citation in turn["answer"]["citations"]
        }
        for turn in turns
    ]


def turn_sources_html(turn: dict[str, Any], turns: Sequence[dict[str, Any]] = ()) -> str:
    """The sources panel of one turn, with the names of every turn's citations (``turns``) for the page
    script, which gives them to the ``[n]`` buttons of each answer."""
    answer = turn["answer"]
    labels = render.citation_labels_html(citation_labels(turns))
    if answer["abstained"]:
        return render.refusal_sources_html() + labels
    return render.sources_html(answer["citations"], turn["passages"], turn.get("documents")) + labels
