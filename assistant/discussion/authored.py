"""Hand-written prompts of ``data/prompt_templates.yaml``: scenarios paraphrasing an anonymised example
(the example's key learning held back for the facilitator) and contrasts weighing two points of the
guidance against each other. Each rests on sentences of the theme, found by the words they start with."""

from __future__ import annotations

import random

from assistant.discussion.candidate import Candidate
from assistant.discussion.material import Scope
from assistant.discussion.templates import SentenceRef, TemplateBook
from assistant.discussion.tuning import RELEVANCE_JITTER
from assistant.records import Chunk, Sentence


def find_sentence(scope: Scope, ref: SentenceRef) -> tuple[Sentence, Chunk] | None:
    """The theme's quotable sentence that ``ref`` names, or None when the theme does not hold it."""
    return next(
        (
            (sentence, chunk)
            for sentence, chunk in scope.support
            if (chunk.doc, chunk.section) == (ref.doc, ref.section) and sentence.text.startswith(ref.start)
        ),
        None,
    )


def scenario_candidates(scope: Scope, book: TemplateBook, rng: random.Random) -> list[Candidate]:
    """One candidate per scenario whose anchor sentence is in the theme; its note quotes the anchor, then
    holds back the example's key learning (and what completes it) for after the discussion."""
    candidates = []
    for number, scenario in enumerate(book.scenarios):
        found = find_sentence(
            scope, SentenceRef(doc=scenario.doc, section=scenario.section, start=scenario.anchor)
        )
        if found is None:
            continue
        anchor, chunk = found
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
        probe = scenario.probe or rng.choice(book.probes["scenario"])
        candidates.append(
            Candidate("scenario", anchor, chunk, scenario.section, priority, texts, note, probe)
        )
    return candidates


def contrast_candidates(scope: Scope, book: TemplateBook, rng: random.Random) -> list[Candidate]:
    """One candidate per contrast whose every side is in the theme; its note quotes the sides, and the
    sentence a good discussion would reach when the theme holds it."""
    candidates = []
    for number, contrast in enumerate(book.contrasts):
        sides = [find_sentence(scope, side) for side in contrast.sides]
        if any(side is None for side in sides):
            continue
        found = [side for side in sides if side is not None]
        (anchor, chunk), others = found[0], [sentence for sentence, _ in found[1:]]
        note = [(book.intros.contrast, anchor)] + [(book.intros.contrast_other, other) for other in others]
        surface = find_sentence(scope, contrast.surface) if contrast.surface is not None else None
        relevance = sum(float(sentence.vector @ scope.focus) for sentence, _ in found) / len(found)
        candidates.append(
            Candidate(
                "contrast",
                anchor,
                chunk,
                f"contrast:{number}",
                relevance + rng.uniform(0, RELEVANCE_JITTER),
                [(f"contrast:{number}", contrast.text)],
                note,
                contrast.probe,
                [(book.intros.surface, surface[0])] if surface is not None else [],
                others,
            )
        )
    return candidates
