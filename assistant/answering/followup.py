"""Follow-ups about the previous answer, answered from its own cited items before any new search:
"the second one" (select), "which of those are about people?" (filter), "tell me more about that"
(expand). Every sentence stays a verbatim quote of the guidance, re-cited."""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol

import numpy as np

from assistant.answering.tuning import FILTER_SPREADS, WIDEN_CHUNKS
from assistant.index.adapter import AdaptedEmbeddings
from assistant.index.protocols import Embedder
from assistant.records import Answer, Chunk, Citation, Passage, Sentence
from assistant.text.quotes import REFERRAL, overlaps, section_at

# --- The grammar of follow-ups: phrases that point back at the answer, not judgements of meaning. ---

ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "last": -1, "final": -1,
}  # fmt: skip
OPENING = r"^\s*(?:(?:and|so|ok|okay|then|now|right)\s*,?\s+)?"
BACK = r"(?:those|these|them|the above|that list|the list)"
END = r"\s*(?:,?\s*please)?\s*[?.!]*\s*$"

SELECT = re.compile(
    OPENING + r"(?:(?:what|how) about\s+|tell me (?:more )?about\s+|more (?:on|about)\s+|expand on\s+"
    r"|explain\s+|(?:show|give) me\s+)?(?:the\s+)?"
    rf"(?:(?P<ordinal>{'|'.join(ORDINALS)})|(?:number|no\.?|item|point|#)\s*(?P<number>\d{{1,2}})"
    r"|(?P<numeral>\d{1,2})(?:st|nd|rd|th))"
    r"(?:\s+(?:one|item|point|reason|problem|issue|step|thing))?"
    rf"(?:\s+(?:of|from|in|on)\s+{BACK})?" + END,
    re.IGNORECASE,
)
"""A position in the previous answer: "the second one", "number 3", "the last of those"."""

FILTER = re.compile(
    OPENING + rf"(?:which|what|are any|any)(?:\s+ones|\s+of\s+{BACK})(?:\s+(?:are|is|were|was))?\s+"
    r"(?:about|to do with|(?:have|has) to do with|concern(?:s|ed)?|concerned with|concerning"
    r"|relate[sd]?\s+to|related\s+to|involve[sd]?|mention|deal\s+with|apply\s+to|affect|touch\s+on"
    r"|refer\s+to|relevant\s+to)\s+(?P<topic>.+?)" + END,
    re.IGNORECASE,
)
"""Some of the previous answer's items: "which of those are about people?", "any of them about money"."""

EXPAND = re.compile(
    OPENING + r"(?:(?:can|could) you\s+)?(?:"
    r"(?:tell me|say|tell us) more(?:\s+about\s+(?:that|this|it))?"
    r"|more (?:on|about) (?:that|this|it)|more details?(?:\s+(?:on|about)\s+(?:that|this|it))?"
    r"|(?:expand|elaborate)(?:\s+on\s+(?:that|this|it))?"
    r"|what do(?:es)? (?:that|this|it) mean|what do you mean(?: by that)?"
    r"|explain(?: (?:that|this|it))?(?: (?:more|further))?"
    r"|why(?: is that| so| would that be)?|how so|go on|in what way)" + END,
    re.IGNORECASE,
)
"""More of the previous answer's passage: "tell me more about that", "what does that mean?", "why?"."""

MARKER = re.compile(r"\[(\d+)\]")


@dataclass(frozen=True)
class FollowUp:
    """A recognised follow-up: its kind, the position selected (1 = first, -1 = last) or the topic."""

    kind: Literal["select", "filter", "expand"]
    position: int = 0
    topic: str = ""


@dataclass(frozen=True)
class Point:
    """One quote of a follow-up's answer: where it stands in the corpus and how it is shown."""

    doc: str
    quote: str
    start: int
    score: float
    bullet: bool = False
    paragraph: int = 0
    """Points of one paragraph (and not bullets) are shown as one run of prose."""


class Sources(Protocol):
    """What answering a follow-up reads: the embedding model, the index, the chunks, and citing."""

    embeddings: Embedder

    @property
    def index(self) -> Any:
        """The index of passages and their sentences (``assistant.index.protocols.Index``)."""
        ...

    def chunks(self) -> dict[str, Chunk]:
        """Every indexed chunk by id."""
        ...

    def cite(self, doc: str, quote: str, n: int = 1, score: float = 1.0, start: int = 0) -> Citation | None:
        """The citation of ``quote`` in ``doc`` (searched from ``start``), or None."""
        ...


def recognise_follow_up(question: str) -> FollowUp | None:
    """The kind of follow-up about the previous answer that a question is, or None."""
    if match := SELECT.match(question):
        word, number = match["ordinal"], match["number"] or match["numeral"]
        return FollowUp("select", position=ORDINALS[word.lower()] if word else int(number))
    if match := FILTER.match(question):
        return FollowUp("filter", topic=match["topic"].strip())
    if EXPAND.match(question):
        return FollowUp("expand")
    return None


def answer_follow_up(
    question: str, previous: Answer | None, sources: Sources, max_chars: int
) -> Answer | None:
    """The answer to a follow-up about ``previous`` from its own items, or None to search as usual.

    Args:
        question: The follow-up, as asked.
        previous: The previous turn's answer (None when it is not known).
        sources: The assistant (embeddings, index, chunks, ``cite``).
        max_chars: Soft length budget of the quoted text.

    Returns:
        None when the question is not a follow-up of these kinds, the previous answer was a refusal, or
        the position asked for is not in it.
    """
    if previous is None or previous.abstained or not previous.citations:
        return None
    follow_up = recognise_follow_up(question)
    if follow_up is None:
        return None
    started = time.perf_counter()
    items = answer_items(previous)
    if follow_up.kind == "select":
        points = select_item(items, follow_up.position, sources, max_chars)
    elif follow_up.kind == "filter":
        points = filter_items(items, follow_up.topic, sources)
    else:
        points = expand_passage(previous, sources, max_chars)
    return as_answer(question, points, previous, sources, started) if points else None


def answer_items(answer: Answer) -> list[tuple[Citation, bool]]:
    """The items of an answer in the order shown, each with whether it is a bullet: its bullets when it
    has any (a list's lead-in is not an item), else every cited sentence."""
    by_n = {citation.n: citation for citation in answer.citations}
    lines = answer.answer.splitlines()
    bullets = [int(n) for line in lines if line.lstrip().startswith("- ") for n in MARKER.findall(line)]
    shown = bullets or [int(n) for n in MARKER.findall(answer.answer)] or list(by_n)
    return [(by_n[n], bool(bullets)) for n in dict.fromkeys(shown) if n in by_n]


def select_item(
    items: Sequence[tuple[Citation, bool]], position: int, sources: Sources, max_chars: int
) -> list[Point]:
    """The item at ``position`` (1 = first, -1 = last) with the rest of its paragraph or list item
    around it, as far as the budget allows; none when there is no such item. When the items are the
    cells of a table's columns ("the three sums"), the column at ``position``: its cells."""
    columns = table_columns(items, sources)
    count = len(columns) if columns else len(items)
    index = position - 1 if position > 0 else count + position
    if not 0 <= index < count:
        return []
    if columns:
        score = max(c.score for c, _ in items if any(overlaps(cell, c) for cell in columns[index]))
        cells = [point_of(cell, score, bullet=True) for cell in columns[index]]
        used = sum(len(cell.quote) for cell in cells)
        return cells + column_prose(columns[index][0], sources, max_chars - used)
    citation, bullet = items[index]
    chunk = section_at(sources.chunks().values(), citation.doc, citation.start)
    block = [] if chunk is None else same_block(citation, sources.index.sentences_of([chunk.id]))
    around = widen(citation, block, max_chars)
    paragraph = around[0].block if around else 0
    points = [point_of(citation, bullet=bullet, paragraph=paragraph)]
    points += [point_of(sentence, citation.score, bullet) for sentence in around]
    return sorted(points, key=lambda point: point.start)


def table_columns(items: Sequence[tuple[Citation, bool]], sources: Sources) -> list[list[Sentence]]:
    """The cells (``Sentence.column``) of each table column the items show, columns in the order shown,
    cells in document order, when most items are cells and they show two columns or more; else none.
    (An answer may follow a table with prose that explains it: "the second one" is still a column.)"""
    chunks = sources.chunks().values()
    holders = {chunk.id for c, _ in items if (chunk := section_at(chunks, c.doc, c.start)) is not None}
    cells = [s for s in sources.index.sentences_of(sorted(holders)) if s.column and s.kind == "list_item"]
    columns = [next((cell.column for cell in cells if overlaps(cell, c)), None) for c, _ in items]
    shown = list(dict.fromkeys(column for column in columns if column is not None))
    if len(shown) < 2 or 2 * columns.count(None) > len(columns):
        return []
    return [sorted((c for c in cells if c.column == column), key=lambda c: c.start) for column in shown]


def column_prose(cell: Sentence, sources: Sources, max_chars: int) -> list[Point]:
    """The prose of the cell's document about the cell's column: each paragraph from its first sentence
    that opens with the column heading ("1+1=2 collaborations are…") on, in order, as far as
    ``max_chars`` allows; none when no sentence opens so."""
    heading = "".join((cell.column or "").lower().split())
    ids = sorted(chunk.id for chunk in sources.chunks().values() if chunk.doc == cell.doc)
    sentences = sorted(
        (s for s in sources.index.sentences_of(ids) if s.kind != "list_item"), key=lambda s: s.start
    )
    openings = {s.block: s.start for s in reversed(sentences) if heading and opens_with(s.text, heading)}
    points, used = [], 0
    for sentence in (s for s in sentences if s.block in openings and s.start >= openings[s.block]):
        used += len(sentence.text) + 1
        if used > max_chars:
            break
        points.append(point_of(sentence, 0.0, paragraph=sentence.block))
    return points


def opens_with(text: str, heading: str) -> bool:
    """Whether a sentence opens with a heading (spaces and case aside) and goes on to say something."""
    squeezed = "".join(text.lower().split())
    return squeezed.startswith(heading) and any(ch.isalpha() for ch in squeezed[len(heading) :])


def filter_items(items: Sequence[tuple[Citation, bool]], topic: str, sources: Sources) -> list[Point]:
    """The items whose meaning stands out as closest to ``topic``, in the order shown (at least one).

    Each item's sentence vector (from the index) is compared with the topic's vector from the same
    model, without the learned question adapter: both are plain text, so the plain model is symmetric.
    """
    citations = [citation for citation, _ in items]
    scores = item_vectors(citations, sources) @ plain_vector(sources.embeddings, topic)
    kept = clearly_above(scores)
    return [
        point_of(citation, float(scores[i]), bullet, paragraph=i)
        for i, (citation, bullet) in enumerate(items)
        if i in kept
    ]


def clearly_above(scores: np.ndarray, spreads: float = FILTER_SPREADS) -> set[int]:
    """Indices of the scores that stand clearly above the rest: at least their mean plus ``spreads``
    standard deviations. Always the best one; all of them when they are level.

    Cosines of a short topic to sentences sit in a narrow band whose height depends on the model, the
    topic's wording and the sentences' length, so no absolute threshold holds across topics; what marks
    a match is standing out from the other items of the same answer.
    """
    if len(scores) == 0:
        return set()
    spread = float(scores.std())
    if spread == 0.0:
        return set(range(len(scores)))
    cut = float(scores.mean()) + spreads * spread
    return {i for i, score in enumerate(scores) if score >= cut} | {int(np.argmax(scores))}


def expand_passage(previous: Answer, sources: Sources, max_chars: int) -> list[Point]:
    """The previous answer's first cited passage widened: its quote (unless it is a list's lead-in) with
    the nearest sentences of its section around it (its chunk and the chunks beside it) that the answer
    did not quote already; none when there are no such sentences."""
    anchor = previous.citations[0]
    chunks = sources.chunks()
    chunk = section_at(chunks.values(), anchor.doc, anchor.start)
    if chunk is None:
        return []
    nearby = [
        other.id
        for other in chunks.values()
        if other.doc == chunk.doc
        and other.section == chunk.section
        and abs(other.index - chunk.index) <= WIDEN_CHUNKS
    ]
    sentences = sources.index.sentences_of(nearby)
    fresh = [s for s in sentences if not any(overlaps(s, citation) for citation in previous.citations)]
    around = widen(anchor, sorted(fresh, key=lambda sentence: sentence.start), max_chars)
    if not around:
        return []
    vector = plain_vector(sources.embeddings, anchor.quote)
    block = next((sentence.block for sentence in sentences if overlaps(sentence, anchor)), -1)
    # A list's lead-in ("…problems include:") without its list, which was just shown, reads as cut off.
    points = [] if anchor.quote.endswith(":") else [point_of(anchor, paragraph=block)]
    points += [point_of(s, float(s.vector @ vector) if s.vector.size else 0.0) for s in around]
    return sorted(points, key=lambda point: point.start)


def widen(anchor: Citation, sentences: Sequence[Sentence], max_chars: int) -> list[Sentence]:
    """The sentences nearest the anchor in document order, outward from it (the one after first), while
    the anchor and they fit ``max_chars``; in document order, links elsewhere left out. ``sentences``
    are sorted by offset."""
    others = [s for s in sentences if not overlaps(s, anchor) and not REFERRAL.match(s.text)]
    after = [sentence for sentence in others if sentence.start >= anchor.end]
    before = [sentence for sentence in others if sentence.end <= anchor.start][::-1]
    order = [s for pair in zip(after, before, strict=False) for s in pair]
    order += after[len(before) :] + before[len(after) :]
    used, taken = len(anchor.quote), []
    for sentence in order:
        used += len(sentence.text) + 1
        if used > max_chars:
            break
        taken.append(sentence)
    return sorted(taken, key=lambda sentence: sentence.start)


def same_block(citation: Citation, sentences: Sequence[Sentence]) -> list[Sentence]:
    """The sentences of the paragraph or list item that holds a citation, in order."""
    blocks = {sentence.block for sentence in sentences if overlaps(sentence, citation)}
    return sorted((s for s in sentences if s.block in blocks), key=lambda sentence: sentence.start)


def item_vectors(citations: Sequence[Citation], sources: Sources) -> np.ndarray:
    """One unit vector per cited item: the mean of its sentences' vectors in the index (the quote's own
    vector when the index has none)."""
    chunks = sources.chunks().values()
    holders = {chunk.id for c in citations if (chunk := section_at(chunks, c.doc, c.start)) is not None}
    sentences = [s for s in sources.index.sentences_of(sorted(holders)) if s.vector.size]
    rows = []
    for citation in citations:
        found = [sentence.vector for sentence in sentences if overlaps(sentence, citation)]
        row = np.mean(found, axis=0) if found else plain_vector(sources.embeddings, citation.quote)
        rows.append(row / (np.linalg.norm(row) or 1.0))
    return np.asarray(rows, dtype=np.float32)


def plain_vector(embeddings: Embedder, text: str) -> np.ndarray:
    """The model's own vector of a text (without the learned question adapter)."""
    model = embeddings.base if isinstance(embeddings, AdaptedEmbeddings) else embeddings
    return np.asarray(model.query_vector(text), dtype=np.float32)


def point_of(
    quoted: Citation | Sentence, score: float | None = None, bullet: bool = False, paragraph: int = 0
) -> Point:
    """A point from a previous citation (its score unless given) or from a stored sentence."""
    if isinstance(quoted, Citation):
        score = quoted.score if score is None else score
        return Point(quoted.doc, quoted.quote, quoted.start, score, bullet, paragraph)
    bullet = bullet or quoted.kind == "list_item"
    return Point(quoted.doc, quoted.text, quoted.start, score or 0.0, bullet, quoted.block)


def as_answer(
    question: str, points: Sequence[Point], previous: Answer, sources: Sources, started: float
) -> Answer | None:
    """The answer of the points, each re-cited in the corpus and numbered anew (None if none can be)."""
    cited: list[tuple[Point, Citation]] = []
    for point in points:
        citation = sources.cite(point.doc, point.quote, len(cited) + 1, point.score, start=point.start)
        if citation is not None:
            cited.append((point, citation))
    if not cited:
        return None
    blocks: list[list[str]] = []
    previous_key: tuple[bool, int] | None = None
    for point, citation in cited:
        key = (point.bullet, -2 if point.bullet else point.paragraph)
        if key != previous_key:
            blocks.append([])
        text = citation.quote[:-1] if citation.quote.endswith(":") else citation.quote
        blocks[-1].append(f"- {text} [{citation.n}]" if point.bullet else f"{text} [{citation.n}]")
        previous_key = key
    elapsed = (time.perf_counter() - started) * 1000
    return Answer(
        question=question,
        answer="\n\n".join(("\n" if block[0].startswith("- ") else " ").join(block) for block in blocks),
        abstained=False,
        citations=[citation for _, citation in cited],
        timings_ms={"retrieve": 0.0, "answer": elapsed, "total": elapsed},
        passages=passages_of([citation for _, citation in cited], previous, sources.chunks()),
        relevance=previous.relevance,
        signals=previous.signals,
    )


def passages_of(citations: Sequence[Citation], previous: Answer, chunks: dict[str, Chunk]) -> list[Passage]:
    """The passages that hold the citations, as the previous answer ranked them (else at score 0)."""
    ranked = {passage.id: passage for passage in previous.passages}
    passages: dict[str, Passage] = {}
    for citation in citations:
        chunk = section_at(chunks.values(), citation.doc, citation.start)
        if chunk is not None and chunk.id not in passages:
            passages[chunk.id] = ranked.get(chunk.id) or Passage(
                chunk.id, chunk.doc, chunk.title, chunk.section, chunk.text, 0.0
            )
    return sorted(passages.values(), key=lambda passage: -passage.score)
