"""Discussion prompts for trainers: questions, scenarios and debate motions on a theme, each anchored in
quoted sentences of the guidance and built from templates (``data/prompt_templates.yaml``), no LLM.

The path: resolve the theme → gather its sentences and give each a role (list item, key learning,
statement...) → fill the templates of that role → pick distinct prompts in a seeded order → write each
prompt's facilitator note from verified quotes, numbered ``[n]`` across the set.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from assistant.records import Citation
from assistant.errors import InputError
from assistant.text.question import clean_question
from assistant.discussion.material import (
    CONNECTIVE,
    EXTRACTION_RESIDUE,
    LEANING,
    MIN_STATEMENT_WORDS,
    Material,
    Scope,
    gather_material,
    item_text,
)
from assistant.discussion.templates import KINDS, Kind, PromptTemplate, TemplateBook, load_templates
from assistant.text.quotes import citation_from
from assistant.records import Chunk, Sentence
from assistant.text.terms import content_terms
from assistant.discussion.themes import THEME_MATCH_MIN, Theme, ThemeSource, find_theme, load_themes, rank_themes

MIN_PROMPTS = 1
MAX_PROMPTS = 20

MAX_PROMPT_SIMILARITY = 0.8
"""Highest embedding cosine allowed between two prompts of a set (and no two rest on the same sentence).
With all-MiniLM-L6-v2, one template filled with two items of the same list scores about 0.8-0.85, so at
0.8 such look-alike pairs are kept apart, and every listed theme still yields 10 prompts (seeds 0-4)."""

RELEVANCE_JITTER = 0.15
"""Sentences are taken in order of similarity to the theme plus a seeded random amount up to this, so
each seed gives another selection that still leans towards the theme's core."""

GROUP_REPEAT = 0.06
"""Priority lost by a candidate for each prompt already taken of its group (role, or scenario example)."""

SECTION_REPEAT = 0.04
"""Priority lost by a candidate for each prompt already taken from its section: spreads the sources."""

ANCHOR_OVERLAP = 0.6
"""Word overlap (Jaccard, content words) from which two anchor sentences count as the same sentence: the
guidance repeats some lines ("1+1=2 is more of a collaboration and valuable...", "...is also valuable...")."""

RELATED_MIN = 0.55
"""Least cosine for another sentence of the theme to be quoted in a note as what the guidance "also says"."""

RELATED_MAX = 0.9
"""Above this cosine, the other sentence only repeats the anchor and is not worth quoting."""

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

# ---------------------------------------------------------------------------------------------------
# What a prompt set is


@dataclass(frozen=True)
class DiscussionPrompt:
    """One prompt: its text, its kind, and a note for the facilitator quoting the guidance ``[n]``."""

    text: str
    kind: Kind
    facilitator_note: str
    citations: list[Citation]

    def to_json(self) -> dict[str, Any]:
        """The prompt as in ``assistant prompts --json``."""
        return {
            "text": self.text,
            "kind": self.kind,
            "facilitator_note": self.facilitator_note,
            "citations": [asdict(citation) for citation in self.citations],
        }


@dataclass
class PromptSet:
    """The prompts on one theme, by kind; citation numbers ``[n]`` run across the whole set."""

    theme: str
    title: str
    description: str
    prompts: list[DiscussionPrompt] = field(default_factory=list)
    note: str | None = None
    seed: int = 0

    def sources(self) -> list[Citation]:
        """Every cited passage once, by number (for the handout's list of sources)."""
        unique = {citation.n: citation for prompt in self.prompts for citation in prompt.citations}
        return [unique[n] for n in sorted(unique)]

    def to_json(self) -> dict[str, Any]:
        """The JSON object of ``assistant prompts --json``."""
        return {
            "theme": self.theme,
            "title": self.title,
            "description": self.description,
            "note": self.note,
            "prompts": [prompt.to_json() for prompt in self.prompts],
        }


# ---------------------------------------------------------------------------------------------------
# Candidates: filled templates, and the pick of distinct prompts


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
        note: list[tuple[str, Sentence]] = [
            (book.intros.scenario.format(section=chunk.section), anchor)
        ]
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


# ---------------------------------------------------------------------------------------------------
# Facilitator notes and the prompt set


class QuoteCheck:
    """Checks that a stored sentence is verbatim text of its corpus document at its offsets."""

    def __init__(self, corpus_dir: Path) -> None:
        """Remember the corpus folder; documents are read on first use."""
        self.corpus_dir = corpus_dir
        self._raw: dict[str, str] = {}

    def text(self, doc: str) -> str:
        """The raw text of a document (empty when it cannot be read)."""
        if doc not in self._raw:
            from assistant.text.loaders import DocumentError, load_text

            try:
                self._raw[doc] = load_text(self.corpus_dir / doc)
            except DocumentError:
                self._raw[doc] = ""
        return self._raw[doc]

    def quote_is_verbatim(self, doc: str, quote: str, start: int, end: int) -> bool:
        """Whether ``quote`` is the document's text at ``[start:end]``, whitespace collapsed."""
        return bool(quote) and " ".join(self.text(doc)[start:end].split()) == quote

    def __call__(self, sentence: Sentence) -> bool:
        """Whether a stored sentence is verbatim in the corpus."""
        return self.quote_is_verbatim(sentence.doc, sentence.text, sentence.start, sentence.end)


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
    best, score = rank_themes(assistant.index.embeddings, themes, request)[0]
    if score >= THEME_MATCH_MIN:
        note = MAPPED_THEME.format(text=request, title=best.title, score=score)
        return ResolvedTheme(best, best.id, f"{request}. {_focus_of(best)}", note)
    answer = assistant.ask(request)
    if answer.abstained:
        return ResolvedTheme(None, request, request, NOT_COVERED.format(text=request))
    threshold = assistant.settings.abstain_threshold
    places = [(citation.doc, citation.section) for citation in answer.citations]
    places += [
        (passage.metadata["doc"], passage.metadata["section"])
        for passage in assistant.answering.retrieve(request)
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
    """Distinct discussion prompts on a theme, mixing questions, scenarios and debate motions.

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
    focus = np.asarray(assistant.index.embeddings.query_vector(resolved.focus))
    scope = gather_material(chosen_theme, chunks, sentences, focus, book, verified=check)
    rng = random.Random(seed)
    chosen = select_prompts(
        build_candidates(scope, book, rng), count, assistant.index.embeddings, book.kind_weights
    )
    chosen.sort(key=lambda choice: KINDS.index(choice.candidate.kind))
    prompts = write_prompts(chosen, scope, check, book)
    notes = [resolved.note] if resolved.note else []
    if len(prompts) < count:
        notes.append(FEWER_PROMPTS.format(returned=len(prompts), requested=count))
    return PromptSet(
        resolved.label, chosen_theme.title, chosen_theme.description, prompts, " ".join(notes) or None, seed
    )


def write_prompts(
    chosen: Sequence[Choice], scope: Scope, check: QuoteCheck, book: TemplateBook
) -> list[DiscussionPrompt]:
    """The prompts with their facilitator notes, quotes verified and numbered ``[n]`` once for the set.

    A note quotes the anchor (and the sentence completing it, or a scenario's key learning), then the
    theme's sentence most similar to the anchor that no other prompt of the set quotes ("It also says").
    """
    numbers: dict[tuple[str, int, int], int] = {}
    taken = {choice.candidate.anchor.id for choice in chosen}
    taken |= {sentence.id for choice in chosen for _, sentence in choice.candidate.note}
    prompts = []
    for choice in chosen:
        note = list(choice.candidate.note)
        if choice.candidate.kind != "scenario":
            related = _related(choice.candidate, scope, taken)
            if related is not None:
                note.append((book.intros.related, related))
                taken.add(related.id)
        parts: list[str] = []
        citations: list[Citation] = []
        for intro, sentence in note:
            if not check(sentence):
                continue
            n = numbers.setdefault((sentence.doc, sentence.start, sentence.end), len(numbers) + 1)
            chunk = scope.chunks[sentence.chunk_id]
            citations.append(citation_from(sentence, chunk, n, float(sentence.vector @ scope.focus)))
            parts.append(f"{intro} “{sentence.text}” [{n}]".strip())
        prompts.append(DiscussionPrompt(choice.text, choice.candidate.kind, " ".join(parts), citations))
    return prompts


def _related(candidate: Candidate, scope: Scope, taken: set[str]) -> Sentence | None:
    """The theme's sentence most like the anchor (cosine at least ``RELATED_MIN``, not a near-copy),
    from another block and, for a list item, from another list; None when there is none."""
    anchor = candidate.anchor
    best: tuple[float, Sentence] | None = None
    for sentence, chunk in scope.support:
        if sentence.id in taken or (sentence.doc, sentence.block) == (anchor.doc, anchor.block):
            continue
        if anchor.kind == sentence.kind == "list_item" and chunk.section == candidate.chunk.section:
            continue
        text = sentence.text.rstrip()
        if (
            len(text.split()) < MIN_STATEMENT_WORDS
            or LEANING.match(text)
            or CONNECTIVE.match(text)
            or EXTRACTION_RESIDUE.search(text)
            or text.endswith(":")
        ):
            continue
        similarity = float(anchor.vector @ sentence.vector)
        if RELATED_MIN <= similarity <= RELATED_MAX and (best is None or similarity > best[0]):
            best = (similarity, sentence)
    return best[1] if best else None
