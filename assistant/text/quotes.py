"""Finding a quote in a document's raw text, whatever its line breaks, and citing it."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import replace
from typing import Protocol

from assistant.records import Chunk, Citation, Sentence

LEANS_ON_PREVIOUS = re.compile(
    r"^(they|it|this|these|those|that|such|however|but|so|also|instead|then|there)\b", re.IGNORECASE
)
"""Sentences that only make sense with the sentence before them."""

REFERRAL = re.compile(
    r"^(?:for (?:more|further) (?:information|details|on|about)\b|read more\b|see also\b|click here\b"
    r"|find out more\b|visit (?:our|the) (?:website|site|page)\b)",
    re.IGNORECASE,
)
"""A sentence that sends the reader elsewhere ("For more on Diversity of Perspective, here is an article
published at…", "Read more"): a link of the page, not guidance, so never quoted as an answer."""


class Span(Protocol):
    """Characters of a document: a sentence or a citation."""

    @property
    def doc(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...


def overlaps(a: Span, b: Span) -> bool:
    """Whether two spans share characters of the same document."""
    return a.doc == b.doc and a.start < b.end and b.start < a.end


def locate_quote(raw: str, quote: str, start: int = 0) -> tuple[int, int] | None:
    """The span of ``quote`` in ``raw``, any run of whitespace matching any other, or None.

    ``" ".join(raw[span].split()) == " ".join(quote.split())`` holds for the span returned.
    """
    words = quote.split()
    if not words:
        return None
    match = re.compile(r"\s+".join(re.escape(word) for word in words)).search(raw, start)
    return (match.start(), match.end()) if match else None


def citation_from(sentence: Sentence, chunk: Chunk, n: int, score: float) -> Citation:
    """The citation of a stored sentence (its quote, offsets, document title and section)."""
    return Citation(
        n=n,
        doc=sentence.doc,
        title=chunk.title,
        section=chunk.section,
        quote=sentence.text,
        start=sentence.start,
        end=sentence.end,
        score=round(score, 4),
    )


def section_at(chunks: Iterable[Chunk], doc: str, offset: int) -> Chunk | None:
    """The chunk of ``doc`` that holds a raw offset (for a quote's title and section)."""
    return next((chunk for chunk in chunks if chunk.doc == doc and chunk.start <= offset < chunk.end), None)


def with_context(
    sentence: Sentence,
    by_position: Mapping[tuple[str, int], Sentence],
    chosen: Collection[str] = (),
) -> Sentence:
    """A sentence that leans on the one before it ("They are about…") is quoted together with it,
    unless that one is in the answer already."""
    previous = by_position.get((sentence.chunk_id, sentence.position - 1))
    if (
        not LEANS_ON_PREVIOUS.match(sentence.text)
        or previous is None
        or previous.block != sentence.block
        or previous.id in chosen
    ):
        return sentence
    return replace(sentence, text=f"{previous.text} {sentence.text}", start=previous.start)
