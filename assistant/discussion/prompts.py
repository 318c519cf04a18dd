"""Discussion prompts for trainers: questions, trade-offs, scenarios, self-assessments and debate motions
on a theme, each anchored in quoted sentences of the guidance and built from templates
(``data/prompt_templates.yaml``), no LLM.

The path: resolve the theme (here) → gather its sentences and give each a role (list item, key learning,
statement...) (``material``) → fill the templates of that role, find the hand-written contrasts and
scenarios the theme holds (``authored``) and pick distinct prompts in a seeded order (``selection``) →
write each prompt's facilitator note from verified quotes, numbered ``[n]`` across the set, with a probe
and a point a good discussion would reach (``notes``).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from assistant.discussion.material import gather_material
from assistant.discussion.notes import QuoteCheck, write_prompts
from assistant.discussion.prompt_set import DiscussionPrompt, PromptSet
from assistant.discussion.selection import build_candidates, fill, select_prompts
from assistant.discussion.templates import KINDS, load_templates
from assistant.discussion.themes import (
    THEME_MATCH_MIN,
    Theme,
    ThemeSource,
    find_theme,
    load_themes,
    rank_themes,
)
from assistant.discussion.tuning import MAX_PROMPTS, MIN_PROMPTS
from assistant.errors import InputError
from assistant.text.question import clean_question

# ``DiscussionPrompt``, ``PromptSet`` and ``fill`` are defined elsewhere and offered here too: the handout
# and the tests import them from this module.
__all__ = [
    "BAD_COUNT",
    "EMPTY_THEME",
    "FEWER_PROMPTS",
    "FREE_TEXT_THEME",
    "MAPPED_THEME",
    "MAX_PROMPTS",
    "MIN_PROMPTS",
    "NOT_COVERED",
    "THEME_TOO_LONG",
    "DiscussionPrompt",
    "PromptSet",
    "ResolvedTheme",
    "clean_theme",
    "fill",
    "generate_prompts",
    "resolve_theme",
]

FEWER_PROMPTS = (
    "Only {returned} distinct prompts could be drawn from the guidance on this theme ({requested} were "
    "asked for): more would rest on a sentence already used or come too close to another prompt."
)
MAPPED_THEME = "“{text}” was matched to the theme “{title}” (similarity {score:.2f})."
FREE_TEXT_THEME = (
    "“{text}” matches none of the listed themes closely, so these prompts draw on the passages of the "
    "guidance nearest to it."
)
NOT_COVERED = (
    "The guidance does not seem to cover “{text}”. See the themes it does cover with "
    "`assistant prompts --list-themes`."
)
EMPTY_THEME = (
    "The theme is empty: give a theme id, a title or a few words (see `assistant prompts --list-themes`)."
)
THEME_TOO_LONG = (
    "The theme is too long ({length:,} characters; at most {limit:,}): give a theme id, a title or a few "
    "words."
)
BAD_COUNT = "The number of prompts must be between {low} and {high} (got {count})."


@dataclass(frozen=True)
class ResolvedTheme:
    """The theme a request stands for, the text the prompts should centre on, and a note for the user."""

    theme: Theme | None
    label: str
    focus: str
    note: str | None = None


def clean_theme(text: str, max_chars: int) -> str:
    """A theme as the question cleaner leaves it: control, format and unpaired surrogate characters
    (zero-width spaces, direction marks, bytes of an argument that were not UTF-8) removed, whitespace
    collapsed.

    Raises:
        InputError: when nothing readable is left, or when it is longer than ``max_chars`` (the longest
            question; the text is not echoed back).
    """
    try:
        request = clean_question(text, max(len(text), 1))  # the length is checked below, in a theme's words
    except InputError:
        raise InputError(EMPTY_THEME) from None
    if len(request) > max_chars:
        raise InputError(THEME_TOO_LONG.format(length=len(request), limit=max_chars))
    return request


def resolve_theme(assistant: Any, text: str, themes: Sequence[Theme] | None = None) -> ResolvedTheme:
    """A listed theme (by id or title, else the closest by meaning), or a theme built from retrieval.

    Free text close to no listed theme gets a theme of its own: the sections the assistant would answer
    it from, and those of the passages ``Assistant.retrieve`` finds relevant (above the abstention
    threshold). When the assistant would refuse to answer it, ``theme`` is None.

    Raises:
        InputError: when the text is empty or too long (see ``clean_theme``).
    """
    request = clean_theme(text, assistant.settings.max_question_chars)
    themes = tuple(themes) if themes is not None else load_themes()
    listed = find_theme(themes, request)
    if listed is not None:
        return ResolvedTheme(listed, listed.id, _focus_of(listed))
    best, score = rank_themes(assistant.embeddings, themes, request)[0]
    if score >= THEME_MATCH_MIN:
        note = MAPPED_THEME.format(text=request, title=best.title, score=score)
        return ResolvedTheme(best, best.id, f"{request}. {_focus_of(best)}", note)
    answer = assistant.ask(request)
    if answer.abstained:
        return ResolvedTheme(None, request, request, NOT_COVERED.format(text=request))
    threshold = assistant.settings.refusal_threshold()
    places = [(citation.doc, citation.section) for citation in answer.citations]
    places += [
        (passage.metadata["doc"], passage.metadata["section"])
        for passage in assistant.retrieve(request)
        if passage.metadata.get("similarity", 0.0) >= threshold
    ]
    sources = tuple(ThemeSource(doc=doc, section=section) for doc, section in dict.fromkeys(places))
    custom = Theme(
        id="custom",
        title=request[:120],
        description=f"Prompts drawn from the passages of the guidance nearest to “{request[:200]}”.",
        sources=sources,
    )
    return ResolvedTheme(custom, request, request, FREE_TEXT_THEME.format(text=request))


def _focus_of(theme: Theme) -> str:
    return f"{theme.title}. {theme.description}"


def generate_prompts(assistant: Any, theme: str | Theme, count: int = 10, seed: int = 0) -> PromptSet:
    """Distinct discussion prompts on a theme, mixing questions, trade-offs, scenarios, self-assessments
    and debate motions.

    Args:
        assistant: The ``Assistant`` (index, chunks and embeddings).
        theme: A theme id or title, free text, or a ``Theme``.
        count: How many prompts (1-20); fewer come back, with a note, when the material runs out.
        seed: Seed of the selection: the same seed gives the same prompts.

    Raises:
        InputError: for an empty theme or a count out of range.
    """
    if not MIN_PROMPTS <= count <= MAX_PROMPTS:
        raise InputError(BAD_COUNT.format(low=MIN_PROMPTS, high=MAX_PROMPTS, count=count))
    if isinstance(theme, Theme):
        resolved = ResolvedTheme(theme, theme.id, _focus_of(theme))
    else:
        resolved = resolve_theme(assistant, theme)
    if resolved.theme is None:
        return PromptSet(resolved.label, resolved.label, "", [], resolved.note, seed)
    chosen_theme = resolved.theme
    book = load_templates()
    chunks = assistant.chunks()
    docs = {source.doc for source in chosen_theme.sources}
    sentences = assistant.index.sentences_of([chunk.id for chunk in chunks.values() if chunk.doc in docs])
    check = QuoteCheck(assistant.settings.corpus_dir)
    focus = np.asarray(assistant.embeddings.query_vector(resolved.focus))
    scope = gather_material(chosen_theme, chunks, sentences, focus, book, verified=check)
    rng = random.Random(seed)
    chosen = select_prompts(
        build_candidates(scope, book, rng), count, assistant.embeddings, book.kind_weights
    )
    chosen.sort(key=lambda choice: KINDS.index(choice.candidate.kind))
    prompts = write_prompts(chosen, scope, check, book)
    notes = [resolved.note] if resolved.note else []
    if len(prompts) < count:
        notes.append(FEWER_PROMPTS.format(returned=len(prompts), requested=count))
    return PromptSet(
        resolved.label, chosen_theme.title, chosen_theme.description, prompts, " ".join(notes) or None, seed
    )
