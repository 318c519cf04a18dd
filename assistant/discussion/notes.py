"""Facilitator notes: each prompt's note quotes its anchor sentence (and what completes it), then another
sentence of the theme, every quote checked verbatim against the corpus and numbered ``[n]`` across the set."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from assistant.discussion.material import (
    CONNECTIVE,
    EXTRACTION_RESIDUE,
    LEANING,
    MIN_STATEMENT_WORDS,
    Scope,
)
from assistant.discussion.prompt_set import DiscussionPrompt
from assistant.discussion.selection import Candidate, Choice
from assistant.discussion.templates import TemplateBook
from assistant.discussion.tuning import RELATED_MAX, RELATED_MIN, RESTATED_SHARE
from assistant.records import Citation, Sentence
from assistant.text.quotes import citation_from
from assistant.text.terms import words


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


class NoteWriter:
    """Writes the facilitator notes of one set: quotes verified, numbered ``[n]`` once for the set."""

    def __init__(self, scope: Scope, check: QuoteCheck) -> None:
        """Start a set: no quote numbered yet."""
        self.scope = scope
        self.check = check
        self.numbers: dict[tuple[str, int, int], int] = {}
        self.parts: list[str] = []
        self.citations: list[Citation] = []
        self.sentence_ids: list[str] = []

    def start(self) -> None:
        """Start the next prompt's note (quote numbers carry on)."""
        self.parts, self.citations, self.sentence_ids = [], [], []

    def cite(self, intro: str, sentence: Sentence, quote: bool = True) -> None:
        """Add a verified sentence: quoted after ``intro``, or (``quote`` False) cited by number only."""
        if not self.check(sentence):
            return
        self.sentence_ids.append(sentence.id)
        n = self.numbers.setdefault((sentence.doc, sentence.start, sentence.end), len(self.numbers) + 1)
        chunk = self.scope.chunks[sentence.chunk_id]
        self.citations.append(citation_from(sentence, chunk, n, float(sentence.vector @ self.scope.focus)))
        self.parts.append(f"{intro} “{sentence.text}” [{n}]".strip() if quote else f"{intro} [{n}].")

    def quoted(self) -> set[str]:
        """Ids of the sentences quoted in the note since ``start``."""
        return set(self.sentence_ids)

    def say(self, text: str) -> None:
        """Add words of the note's own (a probing question)."""
        self.parts.append(text)

    def note(self) -> str:
        """The note written since ``start``."""
        return " ".join(self.parts)


def write_prompts(
    chosen: Sequence[Choice], scope: Scope, check: QuoteCheck, book: TemplateBook
) -> list[DiscussionPrompt]:
    """The prompts with their facilitator notes, quotes verified and numbered ``[n]`` once for the set.

    A note adds what its prompt does not say: the anchor by its number when the prompt already quotes it
    (else quoted, with the sentence completing it, a contrast's other side or a scenario's key learning,
    held back), the theme's sentence most like the anchor that no other prompt of the set quotes ("It also
    says"), a probing follow-up, and a sentence a good discussion would reach.
    """
    taken = {sentence.id for choice in chosen for sentence in choice.candidate.anchors()}
    taken |= {sentence.id for choice in chosen for _, sentence in choice.candidate.note}
    taken |= {sentence.id for choice in chosen for _, sentence in choice.candidate.surface}
    writer = NoteWriter(scope, check)
    prompts = []
    for choice in chosen:
        candidate = choice.candidate
        writer.start()
        (intro, anchor), rest = candidate.note[0], candidate.note[1:]
        if candidate.kind in ("scenario", "contrast") or not restates(choice.text, anchor.text):
            writer.cite(intro, anchor)
        else:
            writer.cite(book.intros.anchor_ref, anchor, quote=False)
        for intro, sentence in rest:
            writer.cite(intro, sentence)
        surface = list(candidate.surface)
        if candidate.kind not in ("scenario", "contrast"):
            related = _another(candidate, scope, taken, writer)
            if related is not None:
                taken.add(related.id)
                writer.cite(book.intros.related, related)
            further = _another(candidate, scope, taken, writer)
            if further is not None:
                taken.add(further.id)
                surface.append((book.intros.surface, further))
        if candidate.probe:
            writer.say(f"{book.intros.probe} {candidate.probe}")
        for intro, sentence in surface:
            writer.cite(intro, sentence)
        prompts.append(DiscussionPrompt(choice.text, candidate.kind, writer.note(), writer.citations))
    return prompts


def restates(text: str, quote: str) -> bool:
    """Whether a prompt's text already carries a quote (most of its words), so a note need only cite it."""
    quote_words = set(words(quote))
    return bool(quote_words) and len(quote_words & set(words(text))) / len(quote_words) >= RESTATED_SHARE


def _another(candidate: Candidate, scope: Scope, taken: set[str], writer: NoteWriter) -> Sentence | None:
    """A sentence for a note to add: the theme's sentence most like the anchor that no prompt of the set
    quotes yet, else the closest of the anchor's section; when every sentence there is taken (a short
    list whose every item anchors a prompt), the closest of the section not quoted by this note."""
    found = _related(candidate, scope, taken) or _related(candidate, scope, taken, nearby=True)
    if found is None:
        own = {candidate.anchor.id} | writer.quoted()
        found = _related(candidate, scope, own, nearby=True)
    return found


def _related(candidate: Candidate, scope: Scope, taken: set[str], nearby: bool = False) -> Sentence | None:
    """The theme's sentence most like the anchor (cosine at least ``RELATED_MIN``, not a near-copy),
    from another block and, for a list item, from another list; None when there is none.

    With ``nearby``, the sentence most like the anchor in the anchor's own section instead, whatever its
    cosine (another item of the same list, say): the fallback of a theme whose other sentences are taken.
    """
    anchor = candidate.anchor
    place = (candidate.chunk.doc, candidate.chunk.section)
    best: tuple[float, Sentence] | None = None
    for sentence, chunk in scope.support:
        if sentence.id in taken or (sentence.doc, sentence.block) == (anchor.doc, anchor.block):
            continue
        same_section = (chunk.doc, chunk.section) == place
        if nearby != same_section or (
            anchor.kind == sentence.kind == "list_item" and same_section and not nearby
        ):
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
        low = -1.0 if nearby else RELATED_MIN
        if low <= similarity <= RELATED_MAX and (best is None or similarity > best[0]):
            best = (similarity, sentence)
    return best[1] if best else None
