"""Grounded answers without a language model: the best-supported sentences of the guidance.

Every sentence or bullet of an answer is a verbatim sentence (or list item) of the guidance, followed
by the citation of exactly that quote, so nothing in it can be unsupported by what it cites.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

from assistant.answering.scope import ScopeModel
from assistant.answering.selection import UNRETRIEVED, Candidate, SentenceSelector
from assistant.answering.tuning import (
    KEEP_RATIO,
    LIST_BUDGET,
    LIST_MIN_ITEMS,
    LIST_MIN_SHARE,
    LIST_PASSAGES,
    REDUNDANT,
    SAME_SECTION_BONUS,
    UNKNOWN_NAME_PENALTY,
    UNKNOWN_TERM_PENALTY,
    WEIGHT_OVERLAP,
)
from assistant.index.lexical import LexicalIndex
from assistant.records import Chunk, Citation, Sentence
from assistant.text.normalise import NOT_GUIDANCE
from assistant.text.phrases import refusal
from assistant.text.quotes import REFERRAL, citation_from, overlaps, with_context
from assistant.text.terms import content_terms, named_terms

LIST_QUESTION = re.compile(
    r"\b(why|reasons|factors|causes|examples|risks|problems|issues|lessons|barriers|principles|conditions|"
    r"ways|steps|tips|pitfalls|mistakes|signs|consequences|benefits|things|"
    r"how (?:do|can|could|should|to|might)|what (?:are|makes|should)|list)\b",
    re.IGNORECASE,
)
"""Questions that ask for reasons, factors or examples get a lead and bullets."""


@dataclass(frozen=True)
class Composition:
    """An answer's text and citations, or a refusal."""

    text: str
    citations: list[Citation]
    abstained: bool
    relevance: float
    signals: tuple[float, ...] = ()
    """What the relevance was judged on (``SCOPE_SIGNALS``)."""


def asks_for_list(question: str) -> bool:
    """Whether a question asks for reasons, factors, examples or steps."""
    return bool(LIST_QUESTION.search(question))


def relevance(best_similarity: float, unknown_share: float, names_unknown: bool = False) -> float:
    """How well the guidance covers a question (0-1): best dense similarity, lowered by unknown words
    and by names of things the guidance never mentions."""
    score = max(0.0, best_similarity) * (1.0 - UNKNOWN_TERM_PENALTY * unknown_share)
    return score * (1.0 - UNKNOWN_NAME_PENALTY) if names_unknown else score


def score_sentences(
    query: str,
    query_vector: np.ndarray,
    sentences: Sequence[Sentence],
    chunks: Mapping[str, Chunk],
    lexical: LexicalIndex,
) -> list[Candidate]:
    """Score candidate sentences: ``cosine(question, sentence) + WEIGHT_OVERLAP * overlap``, best first."""
    terms = content_terms(query)
    candidates = []
    for sentence in sentences:
        chunk = chunks.get(sentence.chunk_id)
        if chunk is None or not _quotable(sentence):
            continue
        similarity = float(np.dot(query_vector, sentence.vector))
        score = similarity + WEIGHT_OVERLAP * lexical.overlap(terms, sentence.text)
        candidates.append(Candidate(sentence, chunk, score, similarity))
    if not candidates:
        return []
    top = max(candidates, key=lambda candidate: candidate.score).chunk
    if top.section is not None:
        candidates = [
            replace(candidate, score=candidate.score + SAME_SECTION_BONUS)
            if (candidate.chunk.doc, candidate.chunk.section) == (top.doc, top.section)
            else candidate
            for candidate in candidates
        ]
    return sorted(candidates, key=lambda candidate: -candidate.score)


def _quotable(sentence: Sentence) -> bool:
    """Questions, fragments and links elsewhere are not answers; short list items (\"Piloting\") are."""
    text = sentence.text.strip()
    if sentence.kind in NOT_GUIDANCE or REFERRAL.match(text):
        return False
    if sentence.kind == "list_item":
        return len(text) >= 3
    return len(text) >= 25 and not text.endswith("?")


def select_points(
    candidates: Sequence[Candidate], max_points: int, max_chars: int, keep_ratio: float | None = KEEP_RATIO
) -> list[Candidate]:
    """Greedy pick of candidates in the order given: no near-repeats, within the point and length budget.

    With a ``keep_ratio``, candidates scoring below that share of the first one end the pick.
    """
    if not candidates:
        return []
    floor = candidates[0].score * keep_ratio if keep_ratio is not None else float("-inf")
    chosen: list[Candidate] = []
    seen_text: set[str] = set()
    length = 0
    for candidate in candidates:
        if candidate.score < floor or len(chosen) >= max_points:
            break
        key = " ".join(candidate.sentence.text.lower().split())
        if key in seen_text or any(
            float(np.dot(candidate.sentence.vector, other.sentence.vector)) > REDUNDANT for other in chosen
        ):
            continue
        if chosen and length + len(candidate.sentence.text) > max_chars:
            continue
        chosen.append(candidate)
        seen_text.add(key)
        length += len(candidate.sentence.text) + 8
    return chosen


def in_named_column(question: str, candidates: Sequence[Candidate]) -> list[Candidate]:
    """The candidates without the cells of other columns when the question names a table column by its
    heading: "What does 1+1=3 mean?" keeps the 1+1=3 column's cells and drops the other sums'."""
    words = "".join(question.lower().split())
    named = {
        c.sentence.column
        for c in candidates
        if c.sentence.column and "".join(c.sentence.column.lower().split()) in words
    }
    if not named:
        return list(candidates)
    return [c for c in candidates if c.sentence.column is None or c.sentence.column in named]


ListKey = tuple[str, str | None, int]
"""A list of the guidance: its document, section and first item's block."""


def list_of(candidates: Sequence[Candidate]) -> dict[str, ListKey]:
    """The list each candidate list item belongs to (by sentence id): a run of items of one section
    that no known sentence of the section interrupts."""
    by_section: dict[tuple[str, str | None], list[Candidate]] = {}
    for candidate in candidates:
        by_section.setdefault((candidate.chunk.doc, candidate.chunk.section), []).append(candidate)
    lists: dict[str, ListKey] = {}
    for (doc, section), members in by_section.items():
        current: ListKey | None = None
        for candidate in sorted(members, key=lambda c: c.sentence.start):
            if candidate.sentence.kind != "list_item":
                current = None
                continue
            current = current or (doc, section, candidate.sentence.block)
            lists[candidate.sentence.id] = current
    return lists


def best_list(
    candidates: Sequence[Candidate], lists: Mapping[str, ListKey], best_passages: Collection[str]
) -> ListKey | None:
    """The list of one of the best passages (``best_passages``: chunk ids) whose items best answer a
    list question, if they answer it well enough.

    A list scores the mean similarity of its best five candidate items; it wins when that reaches
    ``LIST_MIN_SHARE`` of the best sentence's similarity.
    """
    if not candidates:
        return None
    near = {
        lists[c.sentence.id] for c in candidates if c.sentence.id in lists and c.chunk.id in best_passages
    }
    items: dict[ListKey, list[float]] = {}
    for candidate in candidates:
        if lists.get(candidate.sentence.id) in near:
            items.setdefault(lists[candidate.sentence.id], []).append(candidate.similarity)
    scored = [
        (float(np.mean(sorted(sims, reverse=True)[:5])), key)
        for key, sims in items.items()
        if len(sims) >= LIST_MIN_ITEMS
    ]
    if not scored:
        return None
    score, key = max(scored)
    best = max(candidate.similarity for candidate in candidates)
    return key if score >= LIST_MIN_SHARE * best else None


def list_points(
    candidates: Sequence[Candidate],
    lists: Mapping[str, ListKey],
    listed: ListKey,
    max_items: int,
    max_chars: int,
) -> list[Candidate]:
    """The list's own introduction (the last sentence of the block just before its first item) when it
    is a candidate, then the list's best items.

    A list with no introduction (a list straight under its heading) gets no lead: a sentence borrowed
    from elsewhere would introduce it wrongly.
    """
    lead = max(
        (
            c
            for c in candidates
            if c.sentence.kind != "list_item"
            and (c.chunk.doc, c.chunk.section, c.sentence.block + 1) == listed
        ),
        key=lambda c: c.sentence.start,
        default=None,
    )
    items = select_points(
        [c for c in candidates if lists.get(c.sentence.id) == listed], max_items, max_chars, keep_ratio=None
    )
    return ([lead] if lead else []) + items


def passage_points(
    candidates: Sequence[Candidate],
    passage_ranks: Mapping[str, int],
    max_points: int,
    max_chars: int,
    selector: SentenceSelector | None = None,
) -> list[Candidate]:
    """The sentences that answer, within the budget: the most likely to answer (by the learned
    ``selector``) or the best-scoring one leads; the others follow by passage rank and document order.

    With a selector, the sentences most likely to answer are taken. Without one, the retrieved
    passages are read whole in order, which beats the single best-scoring sentences: on the eval
    questions it finds 0.43 of the expected factors at 1,100 characters, against 0.40 for the
    top-scoring sentences (MiniLM ranks single sentences poorly).
    """
    if selector is not None:
        chosen = select_points(selector.order(candidates, passage_ranks), max_points, max_chars, None)
        rest = sorted(
            chosen[1:],
            key=lambda c: (passage_ranks.get(c.chunk.id, UNRETRIEVED), c.chunk.id, c.sentence.position),
        )
        return chosen[:1] + rest
    lead = candidates[0]
    in_passages = [c for c in candidates if c.chunk.id in passage_ranks and c is not lead]
    ordered = sorted(in_passages, key=lambda c: (passage_ranks[c.chunk.id], c.sentence.position))
    return select_points([lead, *ordered], max_points, max_chars, None)


def compose_answer(
    question: str,
    query: str,
    query_vector: np.ndarray,
    sentences: Sequence[Sentence],
    chunks: Mapping[str, Chunk],
    passage_ranks: Mapping[str, int],
    lexical: LexicalIndex,
    threshold: float,
    max_points: int,
    max_chars: int,
    topics: Sequence[str] = (),
    max_items: int = 10,
    scope: ScopeModel | None = None,
    retrieval_signals: tuple[float, float, float] = (0.0, 0.0, 0.0),
    known_names: Collection[str] = frozenset(),
    selector: SentenceSelector | None = None,
    said: Sequence[Citation] = (),
) -> Composition:
    """Compose a grounded answer from candidate sentences, or refuse.

    Args:
        question: The user's words (decide the answer's shape).
        query: The standalone retrieval query (the question plus context for follow-ups).
        query_vector: The query's normalised embedding.
        sentences: Candidate sentences with vectors (those of the retrieved chunks and the nearest ones).
        chunks: Every chunk by id (for titles and sections).
        passage_ranks: Rank of each retrieved passage (chunk id to 0, 1, …).
        lexical: Term statistics of the corpus.
        threshold: Least relevance needed to answer.
        max_points: Most cited sentences in a prose answer.
        max_chars: Soft length budget of the quoted text.
        topics: What the guidance covers, for the refusal hint.
        max_items: Most bullets when the answer is a list from the guidance.
        scope: The learned judge of relevance; without it, ``relevance``.
        retrieval_signals: The best retrieved passage's cosine to the query, its neighbour margin
            (``QueryAdapter.margin``) and scope log-odds (``QueryAdapter.in_scope``).
        known_names: Words of the documents' titles, publishers and authors (names it mentions).
        selector: The learned judge of which sentences answer; without it, whole passages in order.
        said: Quotes not to repeat (a follow-up's previous answer); they still count for relevance.
    """
    candidates = score_sentences(query, query_vector, sentences, chunks, lexical)
    best = max((candidate.similarity for candidate in candidates), default=0.0)
    names_unknown = any(name not in lexical.idf and name not in known_names for name in named_terms(query))
    unknown = lexical.unknown_share(content_terms(query))
    signals = (best, unknown, float(names_unknown), *retrieval_signals)
    score = scope.probability(signals) if scope else relevance(best, unknown, names_unknown)
    if not candidates or score < threshold:
        return Composition(refusal(topics), [], True, score, signals)

    candidates = in_named_column(question, candidates)
    if said:  # the best sentence stays: it may answer "so is that…?" again
        candidates = candidates[:1] + [c for c in candidates[1:] if not _said(c.sentence, said)]
    lists = list_of(candidates)
    best_passages = {chunk_id for chunk_id, rank in passage_ranks.items() if rank < LIST_PASSAGES}
    listed = best_list(candidates, lists, best_passages) if asks_for_list(question) else None
    if listed:
        chosen = list_points(candidates, lists, listed, max_items, int(max_chars * LIST_BUDGET))
        leads = int(chosen[0].sentence.kind != "list_item")
    else:
        chosen = passage_points(candidates, passage_ranks, max_points, max_chars, selector)
        leads = 1
    points = _points(chosen, sentences)
    want_list = asks_for_list(question) and len(points) > 2
    points = [*points[:leads], *_in_reading_order(points[leads:], sentences)]

    citations: list[Citation] = []
    lines: list[str] = []
    for sentence, candidate in points:
        citation = citation_from(sentence, candidate.chunk, len(citations) + 1, candidate.score)
        citations.append(citation)
        lines.append(f"{_as_sentence(sentence.text)} [{citation.n}]")
    if want_list:
        text = "\n\n".join([*lines[:leads], "\n".join(f"- {line}" for line in lines[leads:])])
    else:
        text = _prose(lines, points)
    return Composition(text, citations, False, score, signals)


def _said(sentence: Sentence, said: Sequence[Citation]) -> bool:
    return any(overlaps(sentence, quote) for quote in said)


def _points(chosen: Sequence[Candidate], sentences: Sequence[Sentence]) -> list[tuple[Sentence, Candidate]]:
    """The chosen sentences with the context they need (``with_context``), none overlapping another."""
    by_position = {(sentence.chunk_id, sentence.position): sentence for sentence in sentences}
    points: list[tuple[Sentence, Candidate]] = []
    chosen_ids = {candidate.sentence.id for candidate in chosen}
    for candidate in chosen:
        sentence = with_context(candidate.sentence, by_position, chosen_ids)
        if not any(overlaps(sentence, other) for other, _ in points):
            points.append((sentence, candidate))
    return points


def _in_reading_order(
    points: Sequence[tuple[Sentence, Candidate]], sentences: Sequence[Sentence]
) -> list[tuple[Sentence, Candidate]]:
    """Points by passage (in the order the passages first appear), then in document order, except that
    the cells of a table column stand together where the column starts (its first cell among
    ``sentences``), so that columns read in the table's order."""
    first_seen = {candidate.chunk.id: i for i, (_, candidate) in reversed(list(enumerate(points)))}
    column_start: dict[tuple[str, str], int] = {}
    for sentence in sorted(sentences, key=lambda sentence: sentence.start):
        if sentence.column:
            column_start.setdefault((sentence.doc, sentence.column), sentence.start)

    def place(point: tuple[Sentence, Candidate]) -> tuple[int, int, int]:
        sentence = point[0]
        start = column_start.get((sentence.doc, sentence.column or ""), sentence.start)
        return first_seen[point[1].chunk.id], start, sentence.start

    return sorted(points, key=place)


def _prose(lines: list[str], points: list[tuple[Sentence, Candidate]]) -> str:
    """The lead, then one paragraph per passage; list items of the guidance stay bullets."""
    blocks: list[list[str]] = [[lines[0]]]
    previous_kind, previous_chunk = "lead", None
    for line, (sentence, candidate) in zip(lines[1:], points[1:], strict=True):
        kind = "item" if sentence.kind == "list_item" else "sentence"
        if kind != previous_kind or candidate.chunk.id != previous_chunk:
            blocks.append([])
        blocks[-1].append(f"- {line}" if kind == "item" else line)
        previous_kind, previous_chunk = kind, candidate.chunk.id
    return "\n\n".join("\n".join(block) if block[0].startswith("- ") else " ".join(block) for block in blocks)


def _as_sentence(text: str) -> str:
    """A quote shown as an answer line (no trailing colon before a marker)."""
    return text[:-1] if text.endswith(":") else text
