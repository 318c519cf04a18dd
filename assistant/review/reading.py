"""Reading a proposal: its file into text, and its text into the sentences that are judged."""

from __future__ import annotations

import re

from assistant.review.records import Passage
from assistant.review.tuning import MIN_PASSAGE_WORDS
from assistant.text.injection import is_directed_at_model
from assistant.text.normalise import split_blocks, split_sentences
from assistant.text.terms import WORD

PROPOSAL_SUFFIXES = ("txt", "md", "pdf", "docx")
"""File types a proposal may come in."""

MAX_PROPOSAL_CHARS = 500_000
"""Longest proposal text reviewed (about 160 pages): embedding its sentences takes about a minute on a
laptop, where the longest upload accepted (10 MB of text) would take twenty."""

MARKDOWN_NOISE = re.compile(r"^(?:#+\s|\|?\s*-{3,}|\*\*[^*]{1,40}:\*\*)")
"""Markdown headings, table rules and ``**Label:**`` lines (report metadata): not sentences to judge."""


def read_proposal(data: bytes, name: str, max_bytes: int) -> str:
    """The extracted text of a proposal file (.txt, .md, .pdf or .docx).

    Raises:
        DocumentError: with a one-line message for an empty, binary, encrypted, corrupt, oversized,
            undecodable, unsupported or too long file.
    """
    from assistant.text.loaders import DocumentError, load_text_from_bytes

    suffix = name.lower().rsplit(".", 1)[-1] if "." in name else ""
    if suffix not in PROPOSAL_SUFFIXES:
        shown = f".{suffix}" if suffix else "(none)"
        supported = ", ".join(f".{known}" for known in PROPOSAL_SUFFIXES)
        raise DocumentError(f"{name}: unsupported file type {shown}; use one of {supported}")
    text = load_text_from_bytes(data, name, max_bytes)
    if len(text) > MAX_PROPOSAL_CHARS:
        raise DocumentError(
            f"{name}: the proposal is too long to review ({len(text):,} characters; at most "
            f"{MAX_PROPOSAL_CHARS:,}): leave out the appendices"
        )
    return text


def split_passages(text: str) -> list[Passage]:
    """The proposal's sentences that can carry evidence, with their spans in ``text``.

    Headings, Markdown rules, fragments shorter than ``MIN_PASSAGE_WORDS`` words and sentences written to
    a language model (``assistant.text.injection``) are left out. A Markdown heading directly followed by
    its text (no blank line between) is only a heading on its own line: the text under it is judged.
    """
    passages: list[Passage] = []
    for block in split_blocks(text):
        if block.kind == "heading":
            continue
        for start, end in _body_spans(text, block.start, block.end):
            for first, last in split_sentences(text, start, end):
                sentence = " ".join(text[first:last].split())
                if (
                    len(WORD.findall(sentence)) >= MIN_PASSAGE_WORDS
                    and not MARKDOWN_NOISE.match(sentence)
                    and not is_directed_at_model(sentence)
                ):
                    passages.append(Passage(sentence, first, last))
    return passages


def _body_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The spans of a block's lines that are not Markdown noise (headings, rules, labels), runs of
    neighbouring lines kept together."""
    spans: list[tuple[int, int]] = []
    position = start
    for line in text[start:end].splitlines(keepends=True):
        line_end = position + len(line)
        if not MARKDOWN_NOISE.match(line.strip()):
            if spans and spans[-1][1] == position:
                spans[-1] = (spans[-1][0], line_end)
            else:
                spans.append((position, line_end))
        position = line_end
    return [(first, last) for first, last in spans if text[first:last].strip()]
