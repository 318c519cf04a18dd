"""Candidate prompts and the pick of distinct ones: the theme's material fills the templates of its role,
and a seeded pick mixes the kinds, keeping prompts apart in wording and in the sentences they rest on."""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from assistant.discussion.material import Material, Scope, item_text
from assistant.discussion.templates import KINDS, Kind, PromptTemplate, TemplateBook
from assistant.discussion.tuning import (
    ANCHOR_OVERLAP,
    GROUP_REPEAT,
    MAX_PROMPT_SIMILARITY,
    RELEVANCE_JITTER,
    SECTION_REPEAT,
)
from assistant.records import Chunk, Sentence
from assistant.text.terms import content_terms


@dataclass
class Candidate:
    """A possible prompt: its anchor sentence, the texts it could take, and the quotes of its note."""

    kind: Kind
    anchor: Sentence
    chunk: Chunk
    group: str
    """The anchor's role, or a scenario's example: each prompt of a group lowers the next one's priority."""
    priority: float
    texts: list[tuple[str, str]]
    """(template key, prompt text), in seeded order of preference."""
    note: list[tuple[str, Sentence]]
    """(words before the quote, quoted sentence): the anchor first."""


INNER_DOUBLE = re.compile(r"“([^“”]*)”")
INNER_SINGLE = re.compile(r"‘([^‘’]*)’")


def quoted(text: str) -> str:
    """A sentence in double curly quotation marks (quotes inside it turned single), with a full stop after
    them when it has no end punctuation of its own."""
    inner = INNER_DOUBLE.sub(r"‘\1’", text.strip())
    ending = "" if re.search(r"[.!?…][’”\"']?$", inner) else "."
    return f"“{inner}”{ending}"


def fill(template: PromptTemplate, material: Material) -> str:
    """A template filled from a sentence: ``{item}`` (for single quotes, so quotes inside it turn
    double), ``{learning}`` or ``{quoted}`` (for double quotes, quotes inside turned single)."""
    text = material.sentence.text.strip()
    learning = INNER_DOUBLE.sub(r"‘\1’", text.removeprefix("Key learning:").strip())
    item = INNER_SINGLE.sub(r"“\1”", item_text(text))
    return template.text.format(item=item, learning=learning, quoted=quoted(text))


def build_candidates(scope: Scope, book: TemplateBook, rng: random.Random) -> dict[Kind, list[Candidate]]:
    """Every prompt the theme's material allows, by kind; the priority of each is its anchor's relevance
    to the theme plus seeded jitter, and its texts are in seeded order."""
    by_kind: dict[Kind, list[Candidate]] = {kind: [] for kind in KINDS}
    for material in scope.material:
        priority = material.relevance + rng.uniform(0, RELEVANCE_JITTER)
        note = [(book.intro_of(material.role), material.sentence)]
        if material.follow_on is not None:
            note.append((book.intros.follow_on, material.follow_on))
        for kind in ("question", "debate"):
            if kind == "debate" and not _debatable(material, book):
                continue
            options = [
                (f"{kind}:{number}", fill(template, material))
                for number, template in enumerate(book.templates)
                if template.kind == kind and material.role in template.roles
            ]
            if options:
                rng.shuffle(options)
                by_kind[kind].append(
                    Candidate(kind, material.sentence, material.chunk, material.role, priority, options, note)
                )
    by_kind["scenario"] = _scenario_candidates(scope, book, rng)
    return by_kind


def _debatable(material: Material, book: TemplateBook) -> bool:
    """List items and key learnings make motions; a statement only when it claims something."""
    if material.role not in ("statement", "sum_statement"):
        return True
    words = set(re.findall(r"[a-z']+", material.sentence.text.lower()))
    return bool(words & book.debate_cues)


def _scenario_candidates(scope: Scope, book: TemplateBook, rng: random.Random) -> list[Candidate]:
    """One candidate per scenario whose anchor sentence is in the theme; its note adds the key learning."""
    candidates = []
    for number, scenario in enumerate(book.scenarios):
        found = [
            (sentence, chunk)
            for sentence, chunk in scope.support
            if (chunk.doc, chunk.section) == (scenario.doc, scenario.section)
            and sentence.text.startswith(scenario.anchor)
        ]
        if not found:
            continue
        anchor, chunk = found[0]
        note: list[tuple[str, Sentence]] = [(book.intros.scenario.format(section=chunk.section), anchor)]
        for material in scope.material:
            same_example = (material.chunk.doc, material.chunk.section) == (scenario.doc, scenario.section)
            if same_example and material.role == "key_learning":
                note.append((book.intros.scenario_learning, material.sentence))
                if material.follow_on is not None:
                    note.append(("", material.follow_on))
                break
        asks = list(scenario.asks)
        rng.shuffle(asks)
        texts = [(f"scenario:{number}", f"{scenario.situation} {ask}") for ask in asks]
        priority = float(anchor.vector @ scope.focus) + rng.uniform(0, RELEVANCE_JITTER)
        candidates.append(Candidate("scenario", anchor, chunk, scenario.section, priority, texts, note))
    return candidates


@dataclass
class Choice:
    """A candidate taken into the set, with the text it takes and that text's vector."""

    candidate: Candidate
    text: str
    vector: np.ndarray


def select_prompts(
    by_kind: Mapping[Kind, list[Candidate]],
    count: int,
    embeddings: Any,
    weights: Mapping[Kind, float],
    max_similarity: float = MAX_PROMPT_SIMILARITY,
) -> list[Choice]:
    """Pick up to ``count`` distinct prompts, mixing the kinds by their weights.

    Distinct means: no two prompts rest on the same anchor sentence (or on two sentences sharing most of
    their words), and the embedding cosine of a prompt's text with every other is at most
    ``max_similarity``. The next candidate of a kind is the one of highest priority once lowered for
    each prompt already taken from its group and its section; its texts are tried least used template
    first.
    """
    queues = {kind: list(candidates) for kind, candidates in by_kind.items()}
    chosen: list[Choice] = []
    anchors: list[set[str]] = []
    uses: Counter[object] = Counter()
    counts: Counter[str] = Counter()

    def is_new(candidate: Candidate) -> bool:
        terms = set(content_terms(candidate.anchor.text)) or {candidate.anchor.id}
        return all(_overlap(terms, other) < ANCHOR_OVERLAP for other in anchors)

    def worth(candidate: Candidate) -> float:
        section = (candidate.chunk.doc, candidate.chunk.section)
        return candidate.priority - GROUP_REPEAT * uses[candidate.group] - SECTION_REPEAT * uses[section]

    while len(chosen) < count:
        for queue in queues.values():
            queue[:] = [candidate for candidate in queue if is_new(candidate)]
        open_kinds = [kind for kind in KINDS if queues.get(kind) and weights.get(kind, 0) > 0]
        if not open_kinds:
            break
        kind = min(open_kinds, key=lambda k: ((counts[k] + 1) / weights[k], KINDS.index(k)))
        candidate = max(queues[kind], key=worth)
        queues[kind].remove(candidate)
        options = sorted(candidate.texts, key=lambda option: uses[option[0]])
        for key, text, vector in _embedded(options, embeddings):
            if all(float(vector @ other.vector) <= max_similarity for other in chosen):
                chosen.append(Choice(candidate, text, vector))
                anchors.append(set(content_terms(candidate.anchor.text)) or {candidate.anchor.id})
                uses.update([candidate.group, (candidate.chunk.doc, candidate.chunk.section), key])
                counts[kind] += 1
                break
    return chosen


def _embedded(options: Sequence[tuple[str, str]], embeddings: Any) -> Iterator[tuple[str, str, np.ndarray]]:
    """The options with their vectors: the first embedded alone (usually taken), the rest only if not."""
    for batch in (options[:1], options[1:]):
        if batch:
            vectors = np.asarray(embeddings.encode([text for _, text in batch]))
            for (key, text), vector in zip(batch, vectors, strict=True):
                yield key, text, vector


def _overlap(a: set[str], b: set[str]) -> float:
    """Jaccard overlap of two word sets."""
    return len(a & b) / len(a | b) if a or b else 0.0
