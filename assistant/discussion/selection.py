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

from assistant.discussion.authored import contrast_candidates, scenario_candidates
from assistant.discussion.candidate import Candidate
from assistant.discussion.material import Material, Scope, item_text
from assistant.discussion.motions import LEANS_BACK, build_motion
from assistant.discussion.templates import KINDS, PICK_ORDER, FilledKind, Kind, PromptTemplate, TemplateBook
from assistant.discussion.tuning import (
    ANCHOR_OVERLAP,
    GROUP_REPEAT,
    MAX_PROMPT_SIMILARITY,
    RELEVANCE_JITTER,
    SECTION_REPEAT,
)
from assistant.records import Sentence
from assistant.text.terms import content_terms

INNER_DOUBLE = re.compile(r"“([^“”]*)”")
INNER_SINGLE = re.compile(r"‘([^‘’]*)’")


def quoted(text: str) -> str:
    """A sentence in double curly quotation marks (quotes inside it turned single), with a full stop after
    them when it has no end punctuation of its own."""
    inner = INNER_DOUBLE.sub(r"‘\1’", text.strip())
    ending = "" if re.search(r"[.!?…][’”\"']?$", inner) else "."
    return f"“{inner}”{ending}"


def fill(template: PromptTemplate, material: Material, motion: str | None = None) -> str:
    """A template filled from a sentence: ``{item}`` (for single quotes, so quotes inside it turn
    double), ``{learning}`` or ``{quoted}`` (for double quotes, quotes inside turned single), ``{motion}``
    (the sentence as a debate motion, see ``motions.build_motion``; required by templates that use it)."""
    text = material.sentence.text.strip()
    learning = INNER_DOUBLE.sub(r"‘\1’", text.removeprefix("Key learning:").strip())
    item = INNER_SINGLE.sub(r"“\1”", item_text(text))
    return template.text.format(item=item, learning=learning, quoted=quoted(text), motion=motion or "")


def build_candidates(scope: Scope, book: TemplateBook, rng: random.Random) -> dict[Kind, list[Candidate]]:
    """Every prompt the theme's material allows, by kind; the priority of each is its anchor's relevance
    to the theme plus seeded jitter, and its texts are in seeded order."""
    by_kind: dict[Kind, list[Candidate]] = {kind: [] for kind in KINDS}
    for material in scope.material:
        priority = material.relevance + rng.uniform(0, RELEVANCE_JITTER)
        note = [(book.intro_of(material.role), material.sentence)]
        if material.follow_on is not None:
            note.append((book.intros.follow_on, material.follow_on))
        motion = build_motion(material.sentence.text, scope.vocabulary, book.imperative_openers)
        for kind in FILLED_KINDS:
            if kind != "question" and not _claims(material, book):
                continue
            if kind == "self_assessment" and not _assessable(material, book):
                continue
            options = [
                (f"{kind}:{number}", fill(template, material, motion))
                for number, template in enumerate(book.templates)
                if template.kind == kind
                and material.role in template.roles
                and (motion is not None or "{motion}" not in template.text)
            ]
            if options:
                rng.shuffle(options)
                probe = rng.choice(book.probes[kind])
                by_kind[kind].append(
                    Candidate(
                        kind, material.sentence, material.chunk, material.role, priority, options, note, probe
                    )
                )
    by_kind["scenario"] = scenario_candidates(scope, book, rng)
    by_kind["contrast"] = contrast_candidates(scope, book, rng)
    return by_kind


FILLED_KINDS: tuple[FilledKind, ...] = ("question", "self_assessment", "debate")


def _assessable(material: Material, book: TemplateBook) -> bool:
    """Whether a partnership can score itself against a sentence: any list item or key learning; a
    statement only when it speaks of partners or sharing (a word of ``self_assessment_cues``) and does
    not point back at the sentence before it."""
    if material.role != "statement":
        return True
    text = material.sentence.text.lower()
    return any(cue in text for cue in book.self_assessment_cues) and not LEANS_BACK.search(text)


def _claims(material: Material, book: TemplateBook) -> bool:
    """List items and key learnings make motions and self-assessments; a statement only when it claims
    something."""
    if material.role not in ("statement", "sum_statement"):
        return True
    words = set(re.findall(r"[a-z']+", material.sentence.text.lower()))
    return bool(words & book.debate_cues)


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
    ``max_similarity``. The other sides of a contrast anchor no other prompt either, unless the theme
    would run out of prompts otherwise. Kinds are picked in ``PICK_ORDER`` at equal weight, so that
    hand-written prompts claim their sentences first. The next candidate of a kind is the one of highest
    priority once lowered for each prompt already taken from its group and its section; its texts are
    tried least used template first.
    """
    queues = {kind: list(candidates) for kind, candidates in by_kind.items()}
    chosen: list[Choice] = []
    anchors: list[set[str]] = []
    sides: list[set[str]] = []
    relaxed = False
    uses: Counter[object] = Counter()
    counts: Counter[str] = Counter()

    def is_new(candidate: Candidate) -> bool:
        others = anchors if relaxed else anchors + sides
        return all(
            _overlap(_terms(sentence), other) < ANCHOR_OVERLAP
            for sentence in candidate.anchors()
            for other in others
        )

    def worth(candidate: Candidate) -> float:
        section = (candidate.chunk.doc, candidate.chunk.section)
        return candidate.priority - GROUP_REPEAT * uses[candidate.group] - SECTION_REPEAT * uses[section]

    while len(chosen) < count:
        available = {kind: [c for c in queue if is_new(c)] for kind, queue in queues.items()}
        open_kinds = [kind for kind in PICK_ORDER if available.get(kind) and weights.get(kind, 0) > 0]
        if not open_kinds:
            if relaxed or not sides:
                break
            relaxed = True
            continue
        kind = min(open_kinds, key=lambda k: ((counts[k] + 1) / weights[k], PICK_ORDER.index(k)))
        candidate = max(available[kind], key=worth)
        queues[kind].remove(candidate)
        options = sorted(candidate.texts, key=lambda option: uses[option[0]])
        for key, text, vector in _embedded(options, embeddings):
            if all(float(vector @ other.vector) <= max_similarity for other in chosen):
                chosen.append(Choice(candidate, text, vector))
                anchors.append(_terms(candidate.anchor))
                sides.extend(_terms(sentence) for sentence in candidate.sides)
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


def _terms(sentence: Sentence) -> set[str]:
    """A sentence's content words (its id when it has none), for telling sentences apart."""
    return set(content_terms(sentence.text)) or {sentence.id}


def _overlap(a: set[str], b: set[str]) -> float:
    """Jaccard overlap of two word sets."""
    return len(a & b) / len(a | b) if a or b else 0.0
