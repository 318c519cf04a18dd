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
from assistant.discussion.tuning import RELATED_MAX, RELATED_MIN
from assistant.records import Citation, Sentence
from assistant.text.quotes import citation_from


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
