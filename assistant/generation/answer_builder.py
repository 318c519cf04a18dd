"""The verified answer, built statement by statement as the model's text streams in.

Each complete statement is checked by the ``Verifier`` against the passages it cites (a citation covers
the run of text before it on its line). Supported statements keep only their supporting citations,
renumbered in order of first use; unsupported statements are removed (or marked ``[unverified]``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from assistant.generation.prompts import UNVERIFIED_TAG
from assistant.generation.statements import Piece, StatementSplitter, cited_numbers, has_words
from assistant.generation.support import clean_statement
from assistant.generation.verify import Source, SupportThresholds, Verifier, load_support_thresholds
from assistant.records import Citation
from assistant.text.phrases import COVERAGE_HINT, REFUSAL

REFUSAL_OPENINGS = (REFUSAL.rstrip("."), COVERAGE_HINT.split("{", 1)[0])
"""Statements starting with these are the refusal, not claims to verify."""

UnsupportedPolicy = Literal["remove", "mark"]


@dataclass
class AnswerBuilder:
    """Builds the verified answer statement by statement, yielding the text it adds each time.

    Attributes:
        verifier: Checks each statement.
        unsupported: "remove" drops unsupported statements; "mark" keeps them tagged ``[unverified]``.
        sentences: Statements checked so far (the refusal and repeats left out).
        kept: Statements that passed.
        refused: Whether the model wrote the refusal sentence.
    """

    verifier: Verifier
    unsupported: UnsupportedPolicy = "remove"
    sentences: int = 0
    kept: int = 0
    refused: bool = False
    text: str = ""
    _splitter: StatementSplitter = field(default_factory=StatementSplitter)
    _pending: list[Piece] = field(default_factory=list)
    _seen: set[str] = field(default_factory=set)
    _last: Piece | None = None

    @property
    def citations(self) -> list[Citation]:
        """The citations of the kept statements, numbered in order of first use."""
        return self.verifier.citations

    def feed(self, delta: str) -> Iterator[str]:
        """Take a text delta of the model; yield the verified text it completes."""
        for piece in self._splitter.feed(delta):
            yield from self._add(piece)

    def close(self) -> Iterator[str]:
        """The stream ended: check what is left."""
        for piece in self._splitter.close():
            yield from self._add(piece)
        yield from self._flush()

    def _add(self, piece: Piece) -> Iterator[str]:
        if self._pending and self._pending[-1].line != piece.line:
            yield from self._flush()
        cited = cited_numbers(piece.text)
        self._pending.append(piece)
        if cited:
            yield from self._flush(cited)

    def _flush(self, cited: Sequence[int] = ()) -> Iterator[str]:
        """Check the pending statements against ``cited`` (a citation covers the run of text before it)."""
        pending, self._pending = self._pending, []
        for piece in pending:
            statement = clean_statement(piece.text)
            if not has_words(statement):
                continue
            if statement.startswith(REFUSAL_OPENINGS):
                self.refused = True
                continue
            key = " ".join(statement.lower().split())
            if key in self._seen:
                continue
            self._seen.add(key)
            self.sentences += 1
            numbers = self.verifier.check(statement, cited)
            if numbers:
                self.kept += 1
                yield self._append(piece, f"{statement} [{', '.join(map(str, numbers))}]")
            elif self.unsupported == "mark":
                yield self._append(piece, _tagged(statement))

    def _append(self, piece: Piece, rendered: str) -> str:
        last = self._last
        if last is None:
            separator = ""
        elif last.line == piece.line:
            separator = " "
        else:
            separator = "\n" if (last.bullet and piece.bullet) else "\n\n"
        delta = separator + ("- " if piece.bullet and separator != " " else "") + rendered
        self._last = piece
        self.text += delta
        return delta


def _tagged(statement: str) -> str:
    """``Some claim [unverified].``: the tag before the closing punctuation."""
    body, punctuation = re.match(r"(.*?)([.!?:;]*)$", statement, re.DOTALL).groups()  # type: ignore[union-attr]
    return f"{body} {UNVERIFIED_TAG}{punctuation}"


@dataclass(frozen=True)
class Verification:
    """A verified answer: its text, citations and counts."""

    text: str
    citations: list[Citation]
    sentences: int
    kept: int
    refused: bool


def verify_answer(
    text: str,
    sources: Sequence[Source],
    embeddings: Any,
    thresholds: SupportThresholds | None = None,
    unsupported: UnsupportedPolicy = "remove",
) -> Verification:
    """Verify a whole generated answer (``AnswerBuilder`` over one delta).

    Args:
        text: The model's answer with ``[n]`` markers numbering ``sources``.
        sources: The numbered passages the prompt gave the model.
        embeddings: Anything with ``encode(list[str]) -> np.ndarray`` of normalised rows.
        thresholds: Support thresholds (default: ``load_support_thresholds()``).
        unsupported: "remove" or "mark".
    """
    verifier = Verifier(sources, embeddings, thresholds or load_support_thresholds())
    builder = AnswerBuilder(verifier, unsupported)
    for _ in builder.feed(text):
        pass
    for _ in builder.close():
        pass
    return Verification(builder.text, builder.citations, builder.sentences, builder.kept, builder.refused)
