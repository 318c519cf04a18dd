"""The records every layer shares, each defined once: a ``Sentence`` and the ``Chunk`` (passage) that holds
it, as ingest makes them and the index stores them; a ``Citation``; an ``Answer``; a conversation's
``Turn``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Sentence:
    """A quotable sentence or list item: ``collapse_whitespace(raw[start:end]) == text``.

    Ingest makes it from the raw text (``id``, ``chunk_id`` and ``position`` empty until its chunk is
    known); the index stores it with its ``vector``.

    Attributes:
        id: ``{chunk id}:{position}``.
        chunk_id: The chunk that holds it.
        doc: Document identifier: the file name, such as ``"001_42277acb122cae47.txt"``.
        text: The sentence with whitespace collapsed.
        start: Offset of the sentence's first character in the raw text.
        end: Offset just after the sentence's last character.
        position: Its place among its chunk's sentences, from 0.
        kind: The kind of block it comes from: ``"paragraph"`` or ``"list_item"``.
        block: Position of that block in the document, so sentences of one block can be told apart.
        vector: Its unit-length embedding, once embedded.
        column: For a cell of a table read row by row, its column's heading (``assistant.text.tables``).
    """

    id: str
    chunk_id: str
    doc: str
    text: str
    start: int
    end: int
    position: int = 0
    kind: str = "paragraph"
    block: int = 0
    vector: np.ndarray = field(default_factory=lambda: np.zeros(0, np.float32), compare=False, repr=False)
    column: str | None = None


@dataclass(frozen=True)
class Chunk:
    """A run of blocks from one section of a document: the unit that is embedded and retrieved.

    Attributes:
        id: Deterministic identifier, from the document, span and text.
        doc: Document identifier (the file name).
        title: The document's title.
        section: Text of the nearest preceding heading, or None before the first heading.
        text: The blocks' texts joined with newlines; every line is verbatim, whitespace collapsed.
        start: Raw offset of the first block's start.
        end: Raw offset of the last block's end.
        index: Position of the chunk in its document, from 0.
        sentences: Every sentence of every block in the chunk, in order (as ingest makes it; the
            index returns chunks without them and sentences separately).
    """

    id: str
    doc: str
    title: str
    section: str | None
    text: str
    start: int
    end: int
    index: int = 0
    sentences: tuple[Sentence, ...] = ()


@dataclass(frozen=True)
class Citation:
    """One quoted passage: ``quote`` is verbatim document text and ``raw[start:end]`` its span."""

    n: int
    doc: str
    title: str
    section: str | None
    quote: str
    start: int
    end: int
    score: float


@dataclass(frozen=True)
class Passage:
    """A retrieved passage as programs see it (``ask --json``'s ``passages``): best first."""

    id: str
    doc: str
    title: str
    section: str | None
    text: str
    score: float


@dataclass
class Answer:
    """An answer as the CLI, the web app and the eval see it (the stable JSON contract)."""

    question: str
    answer: str
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    generator: str = "extractive"
    verification: dict[str, int] | None = None
    passages: list[Passage] = field(default_factory=list)
    """The ranked passages the answer drew from (none for a refusal)."""
    relevance: float = 0.0
    """How well the guidance covers the question (0-1), against the abstention threshold; not in JSON."""
    signals: tuple[float, ...] = ()
    """What the relevance was judged on (``assistant.answering.scope.SCOPE_SIGNALS``); not in JSON."""

    def to_json(self) -> dict[str, Any]:
        """The JSON object of ``assistant ask --json``."""
        data: dict[str, Any] = {
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "citations": [asdict(citation) for citation in self.citations],
            "timings_ms": {key: round(value, 2) for key, value in self.timings_ms.items()},
            "generator": self.generator,
            "passages": [asdict(passage) for passage in self.passages],
        }
        if self.verification is not None:
            data["verification"] = self.verification
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Answer:
        """The answer back from its JSON object (``to_json``), as a conversation keeps it."""
        return cls(
            question=data["question"],
            answer=data["answer"],
            abstained=data["abstained"],
            citations=[Citation(**citation) for citation in data.get("citations", [])],
            timings_ms=dict(data.get("timings_ms", {})),
            generator=data.get("generator", "extractive"),
            verification=data.get("verification"),
            passages=[Passage(**passage) for passage in data.get("passages", [])],
        )


@dataclass(frozen=True)
class Turn:
    """An earlier turn of a conversation: the standalone query it stood for and the answer it got.

    Follow-ups search with ``query`` ("and how do we avoid that?") or answer from ``answer``'s own cited
    items ("which of those are about people?").
    """

    query: str
    answer: Answer | None = None

    @classmethod
    def of(cls, turn: Turn | str) -> Turn:
        """A turn, also from a bare standalone query (a turn whose answer is not known)."""
        return turn if isinstance(turn, Turn) else cls(turn)

    @classmethod
    def queries(cls, history: Sequence[Turn | str]) -> list[str]:
        """The standalone queries of a conversation's turns, oldest first."""
        return [cls.of(turn).query for turn in history]
