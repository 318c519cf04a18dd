"""Answers streamed to the chat: the extractive answer a cited sentence at a time, or a language
model's as it writes."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import Any

from assistant.records import Answer, Turn
from assistant.settings import Settings

AnswerStream = Callable[[str, Sequence[Turn]], Iterator["str | Answer"]]
"""Streams an answer: yields the answer text so far (growing), then the final ``Answer`` once.

The extractive stream is the default; a language-model stream
(``assistant.generation.generate.stream_answer``) can be passed to ``build_app`` instead without
touching the chat handler.
"""


def stream_extractive(assistant: Any, question: str, history: Sequence[Turn]) -> Iterator[str | Answer]:
    """The extractive answer, streamed a line (or a cited sentence) at a time, then the ``Answer``.

    Raises:
        InputError: for an empty or over-long question.
    """
    answer = assistant.ask(question, history)
    shown = ""
    for piece in answer_pieces(answer.answer):
        shown += piece
        yield shown
    yield answer


def default_stream(assistant: Any, settings: Settings) -> AnswerStream:
    """The extractive stream, or the language model's when ``settings.llm_provider`` names one.

    Raises:
        LLMConfigError: when the language model settings are incomplete.
    """
    if settings.llm_provider == "none":
        return partial(stream_extractive, assistant)
    from assistant.generation.generate import stream_answer
    from assistant.generation.providers import make_chat_model

    chat_model = make_chat_model(settings)

    def stream(question: str, history: Sequence[Turn]) -> Iterator[str | Answer]:
        return stream_answer(assistant, question, history, chat_model, settings)

    return stream


def final_answer(events: Iterator[str | Answer]) -> Answer:
    """The ``Answer`` an answer stream ends with."""
    final = None
    for event in events:
        if isinstance(event, Answer):
            final = event
    if final is None:
        raise RuntimeError("the answer stream ended without an answer")
    return final


def answer_pieces(text: str) -> list[str]:
    """An answer cut after each line and each cited sentence; the pieces join back to ``text``."""
    return [piece for piece in re.split(r"(?<=\n)|(?<=\] )(?=\S)", text) if piece]
