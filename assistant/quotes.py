"""Finding a quote in a document's raw text, whatever its line breaks, and citing it."""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.answer import Citation
from assistant.store import StoredChunk, StoredSentence


def locate_quote(raw: str, quote: str, start: int = 0) -> tuple[int, int] | None:
    """The span of ``quote`` in ``raw``, any run of whitespace matching any other, or None.

    ``" ".join(raw[span].split()) == " ".join(quote.split())`` holds for the span returned.
    """
    words = quote.split()
    if not words:
        return None
    match = re.compile(r"\s+".join(re.escape(word) for word in words)).search(raw, start)
    return (match.start(), match.end()) if match else None


def citation_from(sentence: StoredSentence, chunk: StoredChunk, n: int, score: float) -> Citation:
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


def section_at(chunks: Iterable[StoredChunk], doc: str, offset: int) -> StoredChunk | None:
    """The chunk of ``doc`` that holds a raw offset (for a quote's title and section)."""
    return next((chunk for chunk in chunks if chunk.doc == doc and chunk.start <= offset < chunk.end), None)
