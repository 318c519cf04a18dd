"""Where to go after an answer, built from the retrieval and the documents' metadata (never invented):
follow-up questions on the headings of the passages retrieved, the passages retrieved but not quoted,
and after a refusal the topics the guidance does cover.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from assistant.records import Chunk

FOLLOW_UP = "What does the guidance say about “{topic}”?"
"""A follow-up question on a heading or title that is not itself a question."""

MAX_HEADING_CHARS = 100
"""Longer headings are sentences run together by the text extraction, not headings."""


def usable_heading(text: str | None) -> bool:
    """Whether a heading reads as a topic: two or more words of letters, not too long."""
    if not text or len(text) > MAX_HEADING_CHARS:
        return False
    return len(re.findall(r"[A-Za-z]{2,}", text)) >= 2


def question_about(topic: str) -> str:
    """A question on a heading or title: the heading itself when it is a question."""
    topic = " ".join(topic.split()).rstrip(" .:;")
    return topic if topic.endswith("?") else FOLLOW_UP.format(topic=topic)


def title_topics(title: str) -> list[str]:
    """A title, then its parts (``Main: subtitle``, ``Series — part``): shorter topics to fall back on."""
    parts = [title, *re.split(r"\s+—\s+|:\s+|\?\s+", title)]
    return list(dict.fromkeys(part.strip() for part in parts if usable_heading(part.strip())))


def short_title(title: str) -> str:
    """A title without its series name (``Series — Part`` gives ``Part``)."""
    return title.rsplit(" — ", 1)[-1].strip() or title


def _same(one: str, other: str) -> bool:
    """Whether two texts are the same but for case, punctuation and spacing."""
    return re.sub(r"\W+", " ", one).strip().lower() == re.sub(r"\W+", " ", other).strip().lower()


def is_cited(chunk: Chunk, citations: Iterable[Mapping[str, Any]]) -> bool:
    """Whether any citation quotes this passage."""
    return any(c["doc"] == chunk.doc and chunk.start <= int(c["start"]) < chunk.end for c in citations)


def retrieved_passages(answer: Mapping[str, Any], chunks: Mapping[str, Chunk]) -> list[Chunk]:
    """The indexed passages an answer drew from, best first (those no longer indexed left out)."""
    found = (chunks.get(str(passage["id"])) for passage in answer.get("passages") or [])
    return [chunk for chunk in found if chunk is not None]


def follow_up_questions(
    answer: Mapping[str, Any], question: str, chunks: Mapping[str, Chunk], limit: int | None = None
) -> list[str]:
    """Questions on the headings of the passages retrieved, those not quoted first (``limit`` at most).

    A passage without a usable heading offers its document's title; the question just asked and
    headings already offered are left out.
    """
    citations = answer.get("citations") or []
    passages = retrieved_passages(answer, chunks)
    ordered = [chunk for chunk in passages if not is_cited(chunk, citations)]
    ordered += [chunk for chunk in passages if is_cited(chunk, citations)]
    questions: list[str] = []
    for chunk in ordered:
        topic = chunk.section if usable_heading(chunk.section) else short_title(chunk.title)
        candidate = question_about(str(topic))
        if any(_same(candidate, seen) for seen in [question, *questions]) or _same(str(topic), question):
            continue
        questions.append(candidate)
        if len(questions) == limit:
            break
    return questions


def also_relevant(
    answer: Mapping[str, Any], chunks: Mapping[str, Chunk], limit: int = 3
) -> list[dict[str, Any]]:
    """Up to ``limit`` passages retrieved for the answer but not quoted in it, one per section.

    Each is ``doc``, ``title``, ``section`` and ``start`` (where the document view opens).
    """
    citations = answer.get("citations") or []
    related: list[dict[str, Any]] = []
    seen: set[tuple[str, str | None]] = set()
    for chunk in retrieved_passages(answer, chunks):
        if is_cited(chunk, citations) or (chunk.doc, chunk.section) in seen:
            continue
        seen.add((chunk.doc, chunk.section))
        related.append(
            {"doc": chunk.doc, "title": chunk.title, "section": chunk.section, "start": chunk.start}
        )
        if len(related) == limit:
            break
    return related


def topic_questions(title: str) -> list[str]:
    """Questions on a document's title, then on its parts: what a refusal offers, the first that answers."""
    return [question_about(topic) for topic in title_topics(title)]
