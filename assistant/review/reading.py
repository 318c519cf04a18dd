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


NUMBERED_TITLE_WORDS = 6
"""A numbered item of at most this many words and no punctuation is a section title, not a sentence."""

TITLE_PUNCTUATION = re.compile(r"[.,;:?!]")


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
    """The proposal's sentences that can carry evidence, with their spans in ``text`` and headings.

    Headings, Markdown rules, fragments shorter than ``MIN_PASSAGE_WORDS`` words and sentences written to
    a language model (``assistant.text.injection``) are left out. A Markdown heading directly followed by
    its text (no blank line between) is only a heading on its own line: the text under it is judged.
    Each sentence keeps the heading it stands under, which tells the review what it is about.
    """
    passages: list[Passage] = []
    heading: str | None = None
    for block in split_blocks(text):
        if block.kind == "heading" or _numbered_title(block.kind, block.text, block.label):
            heading = _heading_text(block.text)
            continue
        spans, last_heading = _body_spans(text, block.start, block.end)
        for start, end, above in spans:
            heading = above or heading
            for first, last in split_sentences(text, start, end):
                sentence = " ".join(text[first:last].split())
                if (
                    len(WORD.findall(sentence)) >= MIN_PASSAGE_WORDS
                    and not MARKDOWN_NOISE.match(sentence)
                    and not is_directed_at_model(sentence)
                ):
                    passages.append(Passage(sentence, first, last, heading))
        heading = last_heading or heading
    return passages


def _numbered_title(kind: str, text: str, label: str | None) -> bool:
    """A numbered section title of a committee report ("4. FINANCIAL IMPLICATIONS"), read as a list item."""
    words = text.split()
    return (
        kind == "list_item"
        and bool(label and label[0].isdigit())
        and (text.isupper() or (len(words) <= NUMBERED_TITLE_WORDS and not TITLE_PUNCTUATION.search(text)))
    )


def _title_line(line: str) -> bool:
    """A short line without punctuation, above more text: a heading as PDFs and e-mails give them
    ("Staff" over its paragraph), not a sentence."""
    words = line.split()
    return (
        0 < len(words) <= NUMBERED_TITLE_WORDS
        and words[0][:1].isupper()
        and not TITLE_PUNCTUATION.search(line)
        and not line.lstrip().startswith(("-", "*", "•", "|"))
    )


def _heading_text(line: str) -> str | None:
    """A heading's words without Markdown marks and emphasis (None for a rule or a blank)."""
    words = " ".join(line.strip().lstrip("#").strip(" *_").split())
    return words or None


def _body_spans(text: str, start: int, end: int) -> tuple[list[tuple[int, int, str | None]], str | None]:
    """The spans of a block's lines that are not Markdown noise (headings, rules, labels), runs of
    neighbouring lines kept together, each with the Markdown heading just above it in the block; and the
    block's last Markdown heading."""
    spans: list[tuple[int, int, str | None]] = []
    position = start
    heading: str | None = None
    lines = text[start:end].splitlines(keepends=True)
    for number, line in enumerate(lines):
        line_end = position + len(line)
        if number < len(lines) - 1 and _title_line(line):
            heading = _heading_text(line)
        elif MARKDOWN_NOISE.match(line.strip()):
            heading = _heading_text(line) if line.lstrip().startswith("#") else heading
        elif spans and spans[-1][1] == position:
            spans[-1] = (spans[-1][0], line_end, spans[-1][2])
        else:
            spans.append((position, line_end, heading))
        position = line_end
    return [(first, last, above) for first, last, above in spans if text[first:last].strip()], heading
