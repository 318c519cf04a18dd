"""The material of discussion prompts: a theme's sentences from the index, each given a role (a list
item of some list, a key learning, a statement...) when it can anchor a prompt on its own.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from assistant.discussion.motions import lowercase_vocabulary
from assistant.discussion.templates import TemplateBook
from assistant.discussion.themes import Theme
from assistant.records import Chunk, Sentence

MIN_STATEMENT_WORDS = 6
MAX_STATEMENT_WORDS = 60
MAX_ITEM_WORDS = 50

LEANING = re.compile(
    r"^(this|these|they|them|those|that|such|its|their|he|she|here|both|nor|if (?:it|they|this)|"
    r"it (?!is\b)|it is (?:what|how|this|these))\b",
    re.IGNORECASE,
)
"""Sentences that only make sense after the one before them: they cannot anchor a prompt alone."""

CONNECTIVE = re.compile(
    r"^(but|however|also|so|yet|and|consequently|instead|nonetheless|nevertheless|therefore)\b", re.IGNORECASE
)
"""Openings by which a sentence continues the one before it: quoted after it, never alone."""

NARRATIVE = re.compile(
    r"\b(was|were|had|did|proved|became|led|left|resulted|emerged|arose|transpired|joined|decided|took)\b",
    re.IGNORECASE,
)
"""Past-tense story-telling: material for scenarios, not a claim to discuss."""

FIRST_PERSON = re.compile(r"\b(I|my|me)\b")
"""A writer's aside ("I thought...") is not a point of the guidance to discuss."""

EXTRACTION_RESIDUE = re.compile(r"[a-z’'”]\d\b|\s\d\s+[A-Z]|[a-z]\d[a-z]|…\s+\d")
"""Footnote markers, digit typos and run-together headings left by PDF extraction (``Debenhams’1``,
``gestalt2``, ``h0w``, ``collaboration activity… 1 + 1 = 1½``)."""

DANGLING_END = re.compile(
    r"\b(of|and|or|to|the|a|an|with|for|in|involving|including|such as)$", re.IGNORECASE
)
"""A list item cut off by a line break ends like this."""

ITEM_HEAD = re.compile(r"^(.{8,}?)(?: – |: )")
"""The head of a long list item, before its first dash or colon ("Strong leadership commitment – it...")."""

ITEM_CLAUSE = re.compile(r"^(.{8,}?)[,;] ")
"""The first clause of a very long list item ("the procurement process tends to take a long time, ...")."""

LONG_ITEM_WORDS = 12
"""List items longer than this are named by their head in prompt texts (the note quotes them whole)."""

VERY_LONG_ITEM_WORDS = 20
"""List items longer than this, without a head, are named by their first clause."""


@dataclass(frozen=True)
class Material:
    """A sentence of the theme that can anchor prompts, with its role and relevance to the theme."""

    sentence: Sentence
    chunk: Chunk
    role: str
    relevance: float
    follow_on: Sentence | None = None
    """The next sentence of its block, when it completes this one (quoted with it)."""


@dataclass(frozen=True)
class Scope:
    """A theme's part of the guidance, as the generator sees it."""

    material: list[Material]
    support: list[tuple[Sentence, Chunk]]
    """Every quotable sentence of the theme, in document order (notes may quote any of them)."""
    chunks: Mapping[str, Chunk]
    focus: np.ndarray
    """Vector of what the prompts should be about: a sentence's relevance is its cosine to it."""
    vocabulary: frozenset[str] = frozenset()
    """Words the theme's documents write in lower case (see ``motions.lowercase_vocabulary``)."""


def gather_material(
    theme: Theme,
    chunks: Mapping[str, Chunk],
    sentences: Iterable[Sentence],
    focus: np.ndarray,
    book: TemplateBook,
    verified: Callable[[Sentence], bool] | None = None,
) -> Scope:
    """Give each sentence of a theme a role, keeping those that can anchor a prompt.

    Args:
        theme: The theme; its sources say which passages belong to it.
        chunks: Every indexed chunk by id.
        sentences: The sentences of (at least) every chunk of the theme's documents.
        focus: Vector of what the prompts should be about.
        book: The templates file (list contexts, phrases to avoid, scenarios whose anchors are reserved).
        verified: Optional check that a sentence is verbatim in the corpus; others are left out.
    """
    ordered = sorted(
        (s for s in sentences if s.chunk_id in chunks and s.kind in ("paragraph", "list_item")),
        key=lambda s: (s.doc, s.start),
    )
    blocks: dict[tuple[str, int], list[Sentence]] = {}
    for sentence in ordered:
        blocks.setdefault((sentence.doc, sentence.block), []).append(sentence)
    reserved = [(scenario.doc, scenario.section, scenario.anchor) for scenario in book.scenarios]
    material: list[Material] = []
    support: list[tuple[Sentence, Chunk]] = []
    for position, sentence in enumerate(ordered):
        chunk = chunks[sentence.chunk_id]
        if not theme.covers(chunk.doc, chunk.section) or avoided(sentence.text, book):
            continue
        if verified is not None and not verified(sentence):
            continue
        if len(sentence.text.split()) >= MIN_STATEMENT_WORDS or sentence.kind == "list_item":
            support.append((sentence, chunk))
        if any(
            (chunk.doc, chunk.section) == (doc, section) and sentence.text.startswith(anchor)
            for doc, section, anchor in reserved
        ):
            continue  # a scenario rests on it
        block = blocks[(sentence.doc, sentence.block)]
        role = role_of(sentence, block, chunk, lead_of(ordered, position), book)
        if role is None:
            continue
        following = follow_on(sentence, block, role)
        if following is not None and avoided(following.text, book):
            following = None
        material.append(Material(sentence, chunk, role, float(sentence.vector @ focus), following))
    return Scope(material, support, chunks, focus, lowercase_vocabulary(s.text for s in ordered))


def avoided(text: str, book: TemplateBook) -> bool:
    """Whether a sentence holds one of the phrases that keep it out of prompts and notes."""
    lowered = text.lower()
    return any(phrase in lowered for phrase in book.avoid_phrases)


def lead_of(ordered: Sequence[Sentence], position: int) -> str:
    """The sentence that opens the list a list item belongs to (empty when none)."""
    current = ordered[position]
    for earlier in reversed(ordered[:position]):
        if earlier.doc != current.doc:
            break
        if earlier.kind != "list_item" or earlier.text.rstrip().endswith(":"):
            return earlier.text
    return ""


def role_of(
    sentence: Sentence,
    block: Sequence[Sentence],
    chunk: Chunk,
    lead: str,
    book: TemplateBook,
) -> str | None:
    """A sentence's role, or None when it cannot anchor a prompt on its own.

    The first sentence of a list item takes the role of the first list context that matches it; items of
    other lists (speakers, references) anchor nothing unless they are whole sentences.
    """
    text = sentence.text.strip()
    words = len(text.split())
    if EXTRACTION_RESIDUE.search(text) or text.endswith(":") or FIRST_PERSON.search(text):
        return None
    if sentence.kind == "list_item" and block[0].id == sentence.id:
        context = next((c for c in book.list_contexts if c.matches(chunk.section, lead)), None)
        if context is not None:
            fits = words <= MAX_ITEM_WORDS and not DANGLING_END.search(text.rstrip(".,;"))
            return context.role if fits else None
        if not text.endswith((".", "!")):
            return None
    if text.startswith("Key learning:"):
        return "key_learning" if words <= MAX_STATEMENT_WORDS else None
    if not MIN_STATEMENT_WORDS <= words <= MAX_STATEMENT_WORDS:
        return None
    if LEANING.match(text) or CONNECTIVE.match(text) or NARRATIVE.search(text):
        return None
    if "1+1=" in "".join(text.split()):
        return "sum_statement"
    if text.endswith("?"):
        return "guidance_question"
    return "statement"


def follow_on(sentence: Sentence, block: Sequence[Sentence], role: str) -> Sentence | None:
    """The next sentence of the block when it completes this one: any, after a list item or key learning;
    after a statement, only one that leans on it ("This is...", "But...")."""
    index = next(i for i, other in enumerate(block) if other.id == sentence.id)
    if index + 1 >= len(block):
        return None
    following = block[index + 1]
    if role in ("statement", "sum_statement", "guidance_question"):
        if not (LEANING.match(following.text) or CONNECTIVE.match(following.text)):
            return None
    if EXTRACTION_RESIDUE.search(following.text) or following.text.rstrip().endswith(":"):
        return None
    return following


def item_text(text: str) -> str:
    """How a list item is named in a prompt: whole when short, else its head or first clause; no final
    punctuation. Prompts quote it; their notes quote the whole item."""
    item = text.strip().rstrip(".,;: ")
    words = len(item.split())
    head = ITEM_HEAD.match(item) if words > LONG_ITEM_WORDS else None
    if head is None and words > VERY_LONG_ITEM_WORDS:
        head = ITEM_CLAUSE.match(item)
    if head and len(head.group(1).split()) >= 2:
        return head.group(1)
    return item
