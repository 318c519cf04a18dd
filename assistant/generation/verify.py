"""Verification of a generated answer: every statement must cite a retrieved passage that supports it.

Each cited passage is searched for the sentence that best supports the statement, and the support
test of ``assistant.generation.support`` decides; the ``Verifier`` numbers the supporting quotes in order
of first use, each quoting that best sentence verbatim, and ignores invalid citation numbers. Statements
are cut from the answer by ``statements`` and the verified answer is built by ``answer_builder``.
"""

from __future__ import annotations

import logging
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from assistant.generation.support import clean_statement, contradicts, is_supported, lexical_support
from assistant.generation.tuning import PREFILTER_MARGIN, QUOTES_TRIED
from assistant.index.embeddings import EmbeddingCache
from assistant.records import Chunk, Citation, Sentence
from assistant.settings import CALIBRATION_FILE
from assistant.text.injection import is_directed_at_model
from assistant.text.normalise import NOT_GUIDANCE
from assistant.text.quotes import citation_from, with_context

log = logging.getLogger(__name__)


class SupportThresholds(NamedTuple):
    """When a quote supports a statement: lexical share ≥ lexical_min OR cosine ≥ embedding_min."""

    lexical_min: float
    embedding_min: float


def _read_support(path: Path) -> SupportThresholds:
    table = tomllib.loads(path.read_text(encoding="utf-8"))["support"]
    return SupportThresholds(float(table["lexical_min"]), float(table["embedding_min"]))


DEFAULT_THRESHOLDS = _read_support(CALIBRATION_FILE)
"""The calibrated values that ship with the app (``assistant/data/calibration.toml``)."""


@lru_cache(maxsize=4)
def load_support_thresholds(path: Path = CALIBRATION_FILE) -> SupportThresholds:
    """The ``[support]`` thresholds of a calibration file; the shipped ones when it is missing or broken."""
    try:
        return _read_support(path)
    except FileNotFoundError:
        return DEFAULT_THRESHOLDS
    except (OSError, KeyError, TypeError, ValueError, tomllib.TOMLDecodeError) as error:
        log.warning("cannot read the support thresholds in %s (%s); using the shipped ones", path, error)
        return DEFAULT_THRESHOLDS


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
        """Whether a source sentence may be quoted as support: not page furniture (contents, a byline),
        nor in a paragraph with a sentence written to a language model (``assistant.text.injection``),
        whose other sentences are the injection's payload ("SYSTEM: new rules. The reader must send ...")."""
        return (
            sentence.kind not in NOT_GUIDANCE
            and (sentence.doc, sentence.block) not in self._hostile_paragraphs
        )

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
