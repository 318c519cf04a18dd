"""Generated answers: a language model writes from the numbered passages, every sentence is verified.

condense (the model rewrites a follow-up) → the grounded extract (decides refusal, and is the
fallback) → retrieve → prompt → stream the model's tokens within the timeout → verify each sentence as
it completes (``assistant.generation.answer_builder``) → the verified answer; or, when the model fails,
times out or writes nothing verifiable, the grounded extract with a one-line notice.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import replace
from typing import Any

from langchain_core.messages import BaseMessage

from assistant.generation.answer_builder import AnswerBuilder
from assistant.generation.prompts import (
    ANSWER_PROMPT,
    CONDENSE_PROMPT,
    NOTICE_FAILED,
    NOTICE_RATE_LIMITED,
    NOTICE_TIMEOUT,
    NOTICE_UNREACHABLE,
    NOTICE_UNVERIFIED,
    SOURCE_ENTRY,
)
from assistant.generation.providers import generator_name
from assistant.generation.tuning import CONDENSE_MAX_CHARS, SOURCE_BUDGET_CHARS
from assistant.generation.verify import Source, Verifier, load_support_thresholds, sources_from
from assistant.records import Answer, Turn
from assistant.settings import Settings
from assistant.text.phrases import REFUSAL, refusal
from assistant.text.question import clean_question
from assistant.text.terms import content_terms

log = logging.getLogger(__name__)


class GenerationError(RuntimeError):
    """The model did not give an answer (timeout, unreachable, rate limit, error); ``notice`` says which."""

    def __init__(self, notice: str) -> None:
        """Remember the notice shown with the fallback answer."""
        super().__init__(notice)
        self.notice = notice


def notice_for(error: BaseException) -> str:
    """The fallback notice for an error of a model client (judged by its class names and causes)."""
    names = ""
    cause: BaseException | None = error
    while cause is not None and len(names) < 2000:
        names += " ".join(cls.__name__ for cls in type(cause).__mro__) + " "
        cause = cause.__cause__ or cause.__context__
    if "Timeout" in names:
        return NOTICE_TIMEOUT
    if "RateLimit" in names:
        return NOTICE_RATE_LIMITED
    if any(name in names for name in ("Connect", "Protocol", "Transport", "Network", "ReadError")):
        return NOTICE_UNREACHABLE
    return NOTICE_FAILED


def stream_tokens(chat_model: Any, messages: Sequence[BaseMessage], timeout: float) -> Iterator[str]:
    """The model's text deltas, ending within ``timeout`` seconds whatever the model or server does.

    The model is called in a worker thread; when the time is up (or the caller stops reading), the
    worker is told to stop and drops the stream at its next delta.

    Raises:
        GenerationError: on timeout or any error of the model client.
    """
    deltas: queue.Queue[tuple[str, Any]] = queue.Queue()
    cancelled = threading.Event()

    def produce() -> None:
        try:
            for chunk in chat_model.stream(list(messages)):
                if cancelled.is_set():
                    break
                text = chunk.text if isinstance(chunk.text, str) else ""
                if text:
                    deltas.put(("text", text))
        except Exception as error:  # noqa: BLE001 - any client error becomes the fallback
            deltas.put(("error", error))
            return
        deltas.put(("end", None))

    threading.Thread(target=produce, name="llm-stream", daemon=True).start()
    deadline = time.monotonic() + timeout
    try:
        while True:
            remaining = deadline - time.monotonic()
            try:
                # Past the deadline, only what has already arrived is taken.
                kind, value = deltas.get(timeout=remaining) if remaining > 0 else deltas.get_nowait()
            except queue.Empty:
                raise GenerationError(NOTICE_TIMEOUT) from None
            if kind == "text":
                yield value
            elif kind == "error":
                log.warning("the language model failed: %s: %s", type(value).__name__, value)
                raise GenerationError(notice_for(value)) from value
            else:
                return
    finally:
        cancelled.set()


def as_data(text: str) -> str:
    """User or document text for a prompt: without the ``<<<``/``>>>`` delimiters that frame data."""
    return text.replace("<<<", "‹‹‹").replace(">>>", "›››")


def condense_with_model(chat_model: Any, question: str, history: Sequence[str], timeout: float) -> str | None:
    """The model's standalone version of a follow-up question, or None when its reply is not usable.

    A usable reply is one line, at most ``CONDENSE_MAX_CHARS`` long, keeping at least half of the
    question's content words.

    Raises:
        GenerationError: when the model fails or times out.
    """
    messages = CONDENSE_PROMPT.format_messages(
        history="\n".join(f"- {as_data(query)}" for query in history[-3:]), question=as_data(question)
    )
    reply = ""
    for delta in stream_tokens(chat_model, messages, timeout):
        reply += delta
        if "\n" in reply.strip() or len(reply) > CONDENSE_MAX_CHARS:
            break
    line = next((line for line in reply.strip().splitlines() if line.strip()), "")
    line = line.removeprefix("Standalone question:").strip().strip("\"'“”*`").strip()
    if not line or len(line) > CONDENSE_MAX_CHARS or "<<<" in line or ">>>" in line:
        return None
    wanted = set(content_terms(question))
    if wanted and len(wanted & set(content_terms(line))) * 2 < len(wanted):
        return None
    return line


def format_sources(sources: Sequence[Source]) -> str:
    """The numbered passages as the prompt shows them."""
    entries = []
    for source in sources:
        chunk = source.chunk
        label = f"{chunk.title} — {chunk.section}" if chunk.section else chunk.title
        entries.append(SOURCE_ENTRY.format(n=source.n, label=as_data(label), text=as_data(chunk.text)))
    return "\n\n".join(entries)


def within_budget(passages: Sequence[Any], budget: int = SOURCE_BUDGET_CHARS) -> list[Any]:
    """The best-ranked passages whose text fits the budget (always at least one)."""
    kept: list[Any] = []
    used = 0
    for passage in passages:
        if kept and used + len(passage.page_content) > budget:
            break
        kept.append(passage)
        used += len(passage.page_content)
    return kept


def with_notice(answer: Answer, notice: str, started: float, **changes: Any) -> Answer:
    """The grounded extract as a fallback: the notice on its first line, ``generator="extractive"``."""
    timings = {**answer.timings_ms, "total": (time.perf_counter() - started) * 1000}
    return replace(
        answer, answer=f"{notice}\n\n{answer.answer}", generator="extractive", timings_ms=timings, **changes
    )


def stream_answer(
    assistant: Any, question: str, history: Sequence[Turn | str], chat_model: Any, settings: Settings
) -> Iterator[str | Answer]:
    """Answer with the language model: yield the verified text as it grows, then the final ``Answer``.

    Only verified sentences are yielded, each once complete. When the final answer is a fallback
    (its ``generator`` is "extractive"), its text is not the yielded text: show it instead.

    Args:
        assistant: The ``Assistant`` (retrieval, index, embeddings and the extractive chain).
        question: What the user asked.
        history: The earlier turns, oldest first (or their standalone queries).
        chat_model: A LangChain chat model, or None for the extractive answer.
        settings: Timeout, answer length and what to do with unsupported sentences.

    Raises:
        InputError: for an empty or over-long question.
    """
    started = time.perf_counter()
    text = clean_question(question, settings.max_question_chars)
    follow_up = assistant.answer_follow_up(text, history)
    if follow_up is not None:  # "which of those…": answered from the previous answer's own quotes
        yield follow_up
        return
    query = assistant.standalone_query(text, history)
    if chat_model is None:
        yield extract_answer(assistant, query, text)
        return
    deadline = time.monotonic() + settings.llm_timeout
    asked = text
    if history:
        try:
            condensed = condense_with_model(chat_model, text, Turn.queries(history), settings.llm_timeout)
        except GenerationError as error:
            yield with_notice(extract_answer(assistant, query, text), error.notice, started)
            return
        if condensed:
            query = asked = condensed

    extract = extract_answer(assistant, query, text)
    if extract.abstained:
        yield extract
        return
    builder, messages = prepare_answer(assistant, query, asked, settings)
    generating = time.perf_counter()
    try:
        for delta in stream_tokens(chat_model, messages, max(0.0, deadline - time.monotonic())):
            yield from builder.feed(delta)
        yield from builder.close()
    except GenerationError as error:
        yield with_notice(extract, error.notice, started)
        return
    yield final_answer(assistant, builder, extract, settings, started, generating)


def extract_answer(assistant: Any, query: str, question: str) -> Answer:
    """The grounded extract: the extractive chain's answer to ``query``, shown as answering ``question``."""
    return replace(assistant.chain().invoke({"question": query, "history": []}), question=question)


def prepare_answer(
    assistant: Any, query: str, asked: str, settings: Settings
) -> tuple[AnswerBuilder, list[BaseMessage]]:
    """The passages for ``query`` within the budget, numbered: a builder that verifies against them, and
    the prompt that asks the model ``asked`` about them."""
    passages = within_budget(assistant.retrieve(query))
    sentences = assistant.index.sentences_of([passage.metadata["id"] for passage in passages])
    sources = sources_from(passages, assistant.chunks(), sentences)
    verifier = Verifier(sources, assistant.embeddings, load_support_thresholds())
    builder = AnswerBuilder(verifier, settings.unsupported_sentences)
    messages = ANSWER_PROMPT.format_messages(
        max_sentences=settings.max_points,
        refusal=REFUSAL,
        sources=format_sources(sources),
        question=as_data(asked),
    )
    return builder, messages


def final_answer(
    assistant: Any,
    builder: AnswerBuilder,
    extract: Answer,
    settings: Settings,
    started: float,
    generating: float,
) -> Answer:
    """The answer once the model's stream has ended: the verified text, the refusal when the model
    refused, or the extract with a notice when nothing it wrote could be verified."""
    done = time.perf_counter()
    verification = {"sentences": builder.sentences, "kept": builder.kept}
    if builder.kept == 0 and not builder.refused:
        return with_notice(extract, NOTICE_UNVERIFIED, started, verification=verification)
    timings = {  # "retrieve": everything before the model is asked (condense, extract, retrieval)
        "retrieve": (generating - started) * 1000,
        "answer": (done - generating) * 1000,
        "total": (done - started) * 1000,
    }
    if builder.kept == 0:
        topics = assistant.topics(assistant.chunks().values())
        return Answer(
            question=extract.question,
            answer=refusal(topics),
            abstained=True,
            timings_ms=timings,
            generator=generator_name(settings),
            verification=verification,
            relevance=extract.relevance,
        )
    return Answer(
        question=extract.question,
        answer=builder.text,
        abstained=False,
        citations=list(builder.citations),
        timings_ms=timings,
        generator=generator_name(settings),
        verification=verification,
        relevance=extract.relevance,
        passages=extract.passages,
    )


def generate_answer(
    assistant: Any, question: str, history: Sequence[Turn | str], chat_model: Any, settings: Settings
) -> Answer:
    """Answer with the language model (``stream_answer`` without the intermediate text)."""
    final: Answer | None = None
    for item in stream_answer(assistant, question, history, chat_model, settings):
        if isinstance(item, Answer):
            final = item
    assert final is not None, "stream_answer always ends with an Answer"
    return final
