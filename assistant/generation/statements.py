"""A generated answer cut into statements, the way the eval splits answers: a group of ``[n]`` markers
ends a statement, and a stream is cut as soon as what follows shows a statement is complete."""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.generation.support import BULLET, MARKER, STATEMENT_END

SOURCE_MARKER = re.compile(
    r"[\[【]\s*(?:sources?\s*)?(\d{1,3}(?:\s*[,;]\s*(?:sources?\s*)?\d{1,3})*)\s*[\]】]", re.IGNORECASE
)
"""The markers models write: ``[1]``, ``[1,2]``, ``[1; 2]``, ``[Source 1]``, ``【1】``."""


def normalise_markers(text: str) -> str:
    """Rewrite every citation marker in its canonical form, ``[1]`` or ``[1, 2]``."""
    return SOURCE_MARKER.sub(lambda m: "[" + ", ".join(re.findall(r"\d+", m.group(1))) + "]", text)


def cited_numbers(text: str) -> list[int]:
    """The citation numbers of a statement's canonical markers, in order, without repeats."""
    numbers = (int(n) for group in MARKER.findall(text) for n in re.findall(r"\d+", group))
    return list(dict.fromkeys(numbers))


def has_words(text: str) -> bool:
    """Whether the text has a letter once its citation markers are removed."""
    return bool(re.search(r"[^\W\d_]", MARKER.sub("", text)))


def statement_spans(line: str) -> list[tuple[int, int]]:
    """Where the statements of one line (bullet already removed) stand, each with its closing markers.

    A piece that is only markers joins the statement before it.
    """
    bounds = [0, *(match.end() for match in STATEMENT_END.finditer(line)), len(line)]
    spans: list[tuple[int, int]] = []
    for start, end in zip(bounds, bounds[1:], strict=False):
        piece = line[start:end]
        if not piece.strip():
            continue
        if spans and not has_words(piece):
            spans[-1] = (spans[-1][0], end)
        else:
            spans.append((start, end))
    return spans


def split_line(line: str) -> list[str]:
    """The statements of one line (bullet already removed), each with the markers that close it."""
    return [line[start:end].strip() for start, end in statement_spans(line)]


@dataclass(frozen=True)
class Piece:
    """A complete statement of a generated answer, with canonical markers, and where it stands."""

    text: str
    line: int
    bullet: bool


class StatementSplitter:
    """Cuts streamed text into complete statements as soon as what follows shows they are complete."""

    def __init__(self) -> None:
        """Start with an empty first line."""
        self._tail = ""
        self._line = 0
        self._line_started = False
        self._bullet = False

    def feed(self, delta: str) -> list[Piece]:
        """The statements completed by this text delta."""
        self._tail += delta
        ready: list[Piece] = []
        while "\n" in self._tail:
            line, self._tail = self._tail.split("\n", 1)
            ready.extend(self._take(line, final=True))
            self._line += 1
            self._line_started = False
        ready.extend(self._take(self._tail, final=False))
        return ready

    def close(self) -> list[Piece]:
        """The statements left when the stream ends."""
        pieces = self._take(self._tail, final=True)
        self._tail = ""
        return pieces

    def _take(self, text: str, final: bool) -> list[Piece]:
        text = normalise_markers(text)
        if not self._line_started:
            self._bullet = bool(BULLET.match(text))
            text = BULLET.sub("", text, count=1)
        spans = statement_spans(text)
        held = 0 if final else 1  # the last statement may go on (or its markers may follow)
        ready = [text[start:end].strip() for start, end in spans[: max(0, len(spans) - held)]]
        if not final and ready:
            # The rest waits for more text; nothing complete yet keeps the raw tail, whose bullet is
            # judged again when more arrives.
            self._line_started = True
            self._tail = text[spans[len(ready)][0] :]
        return [Piece(piece, self._line, self._bullet) for piece in ready]
