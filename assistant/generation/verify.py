"""Verification of a generated answer: every sentence must cite a retrieved passage that supports it.

The answer is split into statements the way the eval splits answers (a group of ``[n]`` markers
ends a statement; a sentence without markers takes those of the next marked sentence on its line).
Each cited passage is searched for the sentence that best supports the statement, and the support
test of ``assistant.generation.support`` decides. Supported statements keep only their supporting citations,
renumbered in order of first use, each quoting that best sentence verbatim; unsupported statements
are removed (or marked ``[unverified]``); invalid citation numbers are dropped. It works on a stream:
statements are checked as soon as they are complete.
"""

from __future__ import annotations

import logging
import re
import tomllib
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, NamedTuple

import numpy as np

from assistant.records import Citation
from assistant.index.embeddings import EmbeddingCache
from assistant.text.injection import is_directed_at_model
from assistant.generation.prompts import UNVERIFIED_TAG
from assistant.text.phrases import COVERAGE_HINT, REFUSAL
from assistant.text.quotes import citation_from, with_context
from assistant.records import Chunk, Sentence
from assistant.generation.support import (
    BULLET,
    MARKER,
    STATEMENT_END,
    clean_statement,
    contradicts,
    is_supported,
    lexical_support,
)

log = logging.getLogger(__name__)

THRESHOLDS_FILE = Path(__file__).resolve().parent.parent.parent / "eval" / "thresholds.toml"
"""The eval's thresholds file; its ``[support]`` table holds the calibrated support thresholds."""


class SupportThresholds(NamedTuple):
    """When a quote supports a statement: lexical share ≥ lexical_min OR cosine ≥ embedding_min."""

    lexical_min: float = 0.422
    embedding_min: float = 0.645


DEFAULT_THRESHOLDS = SupportThresholds()
"""Used when the thresholds file is missing: the values calibrated when this module was written."""

QUOTES_TRIED = 3
"""Best-ranked sentences of a cited passage put to the support test before the citation fails."""

PREFILTER_MARGIN = 0.1
"""A sentence whose stored vector is further than this below ``embedding_min`` from the statement is
not embedded again for the exact test: it is most unlikely to pass, and skipping it can only remove a
sentence from the answer, never let one through."""

SOURCE_MARKER = re.compile(
    r"[\[【]\s*(?:sources?\s*)?(\d{1,3}(?:\s*[,;]\s*(?:sources?\s*)?\d{1,3})*)\s*[\]】]", re.IGNORECASE
)
"""The markers models write: ``[1]``, ``[1,2]``, ``[1; 2]``, ``[Source 1]``, ``【1】``."""

REFUSAL_OPENINGS = (REFUSAL.rstrip("."), COVERAGE_HINT.split("{", 1)[0])
"""Statements starting with these are the refusal, not claims to verify."""

UnsupportedPolicy = Literal["remove", "mark"]


@lru_cache(maxsize=4)
def load_support_thresholds(path: Path = THRESHOLDS_FILE) -> SupportThresholds:
    """The ``[support]`` thresholds of the eval's thresholds file, or the defaults when it is missing."""
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))["support"]
        return SupportThresholds(float(table["lexical_min"]), float(table["embedding_min"]))
    except FileNotFoundError:
        return DEFAULT_THRESHOLDS
    except (OSError, KeyError, TypeError, ValueError, tomllib.TOMLDecodeError) as error:
        log.warning("cannot read the support thresholds in %s (%s); using the defaults", path, error)
        return DEFAULT_THRESHOLDS


def normalise_markers(text: str) -> str:
    """Rewrite every citation marker in its canonical form, ``[1]`` or ``[1, 2]``."""
    return SOURCE_MARKER.sub(lambda m: "[" + ", ".join(re.findall(r"\d+", m.group(1))) + "]", text)


def cited_numbers(text: str) -> list[int]:
    """The citation numbers of a statement's canonical markers, in order, without repeats."""
    numbers = (int(n) for group in MARKER.findall(text) for n in re.findall(r"\d+", group))
    return list(dict.fromkeys(numbers))


def _has_words(text: str) -> bool:
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
        if spans and not _has_words(piece):
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


@dataclass(frozen=True)
class Source:
    """A retrieved passage as the prompt numbers it, with its quotable sentences."""

    n: int
    chunk: Chunk
    sentences: tuple[Sentence, ...]


@dataclass(frozen=True)
class Quote:
    """The sentence of a cited passage that supports a statement."""

    sentence: Sentence
    chunk: Chunk
    score: float


class Verifier:
    """Checks statements against the passages they cite and numbers the supporting quotes."""

    def __init__(
        self,
        sources: Sequence[Source],
        embeddings: Any,
        thresholds: SupportThresholds = DEFAULT_THRESHOLDS,
    ) -> None:
        """Remember the numbered sources, the embedding model and the support thresholds."""
        self.sources = {source.n: source for source in sources}
        self.embeddings = EmbeddingCache(embeddings, one_at_a_time=True)
        self.thresholds = thresholds
        self.citations: list[Citation] = []
        self._numbers: dict[tuple[str, int, int], int] = {}
        self._by_position = {
            (sentence.chunk_id, sentence.position): sentence
            for source in sources
            for sentence in source.sentences
        }
        self._hostile_paragraphs = {
            (sentence.doc, sentence.block)
            for source in sources
            for sentence in source.sentences
            if is_directed_at_model(sentence.text)
        }

    def can_support(self, sentence: Sentence) -> bool:
        """Whether a source sentence may be quoted as support: not a table of contents, and not in a
        paragraph with a sentence written to a language model (``assistant.text.injection``), whose other
        sentences are the injection's payload ("SYSTEM: new rules. The reader must send ...")."""
        return sentence.kind != "contents" and (sentence.doc, sentence.block) not in self._hostile_paragraphs

    def best_quote(self, statement: str, source: Source) -> Quote | None:
        """The sentence of ``source`` that best supports ``statement``, if one does.

        Sentences are ranked by the larger of lexical share and cosine (stored vectors); the best
        few are put to the support test, each also with the sentence before it when it leans on it.
        The lexical test runs first; the quotes it does not settle are embedded in one batch. Only
        sentences that ``can_support`` are tried, and a quote the statement contradicts never supports it.
        """
        candidates = [sentence for sentence in source.sentences if self.can_support(sentence)]
        if not candidates:
            return None
        vector = self.embeddings.encode([statement])[0]

        def cosine(sentence: Sentence) -> float:
            return float(np.dot(vector, sentence.vector)) if sentence.vector.shape == vector.shape else 0.0

        def rank(sentence: Sentence) -> float:
            return max(lexical_support(statement, sentence.text), cosine(sentence))

        ranked = sorted(candidates, key=lambda sentence: -rank(sentence))
        lexical_min, embedding_min = self.thresholds
        undecided: list[tuple[Sentence, Sentence]] = []
        for sentence in ranked[:QUOTES_TRIED]:
            in_context = with_context(sentence, self._by_position)
            for quoted in (in_context, sentence) if in_context is not sentence else (sentence,):
                if not self.can_support(quoted) or contradicts(statement, quoted.text):
                    continue
                if lexical_support(statement, quoted.text) >= lexical_min:
                    return Quote(quoted, source.chunk, rank(sentence))
                if cosine(sentence) >= embedding_min - PREFILTER_MARGIN:
                    undecided.append((quoted, sentence))
        if not undecided:
            return None
        self.embeddings.encode([clean_statement(quoted.text) for quoted, _ in undecided])
        for quoted, sentence in undecided:
            if is_supported(statement, quoted.text, self.embeddings, lexical_min, embedding_min):
                return Quote(quoted, source.chunk, rank(sentence))
        return None

    def check(self, statement: str, cited: Sequence[int]) -> list[int]:
        """The new citation numbers of the quotes that support ``statement`` (empty: unsupported).

        Numbers the model made up, or that name no retrieved passage, are ignored.
        """
        numbers: list[int] = []
        for n in cited:
            source = self.sources.get(n)
            quote = self.best_quote(statement, source) if source else None
            if quote is not None:
                number = self._number(quote)
                if number not in numbers:
                    numbers.append(number)
        return numbers

    def _number(self, quote: Quote) -> int:
        key = (quote.sentence.doc, quote.sentence.start, quote.sentence.end)
        if key not in self._numbers:
            self._numbers[key] = len(self.citations) + 1
            self.citations.append(citation_from(quote.sentence, quote.chunk, self._numbers[key], quote.score))
        return self._numbers[key]


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
            if not _has_words(statement):
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
        thresholds: Support thresholds (default: ``eval/thresholds.toml``).
        unsupported: "remove" or "mark".
    """
    verifier = Verifier(sources, embeddings, thresholds or load_support_thresholds())
    builder = AnswerBuilder(verifier, unsupported)
    for _ in builder.feed(text):
        pass
    for _ in builder.close():
        pass
    return Verification(builder.text, builder.citations, builder.sentences, builder.kept, builder.refused)


def sources_from(
    passages: Sequence[Any], chunks: Mapping[str, Chunk], sentences: Sequence[Sentence]
) -> list[Source]:
    """Number the retrieved passages (``Document`` objects with an ``id``) from 1, with their sentences."""
    by_chunk: dict[str, list[Sentence]] = {}
    for sentence in sentences:
        by_chunk.setdefault(sentence.chunk_id, []).append(sentence)
    sources: list[Source] = []
    for passage in passages:
        chunk = chunks.get(passage.metadata["id"])
        if chunk is None:
            continue
        own = sorted(by_chunk.get(chunk.id, []), key=lambda sentence: sentence.position)
        sources.append(Source(len(sources) + 1, chunk, tuple(own)))
    return sources
