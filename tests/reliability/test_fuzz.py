"""Fuzzing the path from a file's bytes to a quoted citation: offsets always valid, quotes always verbatim.

tests/ingest already checks ``split_blocks``, ``split_sentences`` and ``chunk_document`` on random
characters. These tests add what that misses: documents with a real structure (headings, bullets,
numbered lists, "Key learning:" paragraphs, hard wraps, repeats) written in odd Unicode (right-to-left
text and marks, zero-width characters, emoji, combining marks, every kind of Unicode space and line
break), loaded from bytes in every encoding the loader accepts, then chunked, stored and cited; and
``locate_quote`` and the proposal review's evidence spans, which the ingest tests do not cover.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from assistant.review.reading import split_passages
from assistant.text.loaders import DocumentError, load_text_from_bytes
from assistant.text.normalise import (
    DUPLICATE_MAX_COMPARISONS,
    DUPLICATE_MIN_CHARS,
    DUPLICATE_MIN_SIMILARITY,
    RepeatFinder,
    collapse_whitespace,
    split_blocks,
    split_sentences,
)
from assistant.text.quotes import citation_from, locate_quote, section_at
from ingest.chunking import chunk_document
from ingest.pipeline import _records

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

ODD = [
    "\u200b",  # zero-width space (not whitespace to Python)
    "\u200d",  # zero-width joiner
    "\u200e",  # left-to-right mark
    "\u200f",  # right-to-left mark
    "\u202e",  # right-to-left override
    "\u2066",  # left-to-right isolate
    "\ufeff",  # byte order mark inside the text
    "\u00a0",  # no-break space
    "\u2003",  # em space
    "\u3000",  # ideographic space
    "\u2028",  # line separator
    "\u2029",  # paragraph separator
    "\x85",  # next line
    "\x0b",  # vertical tab
    "\x0c",  # form feed
    "\x1c",  # file separator (whitespace to Python)
    "\u0301",  # combining acute accent
    "😀",
    "👩\u200d💻",
    "🇬🇧",
    "שלום",
    "مرحبا",
    "共享服务",
    "ǅ",
    "½",
    "…",
    "“",
    "”",
    "’",
]
"""Characters and clusters that break naive text handling."""

WORD = st.one_of(
    st.sampled_from(["shared", "services", "Council", "partners", "trust", "savings", "1+1=3", "ICT"]),
    st.sampled_from(ODD),
    st.lists(st.sampled_from(list("abcXYZ") + ODD), min_size=1, max_size=6).map("".join),
)
SPACE = st.sampled_from([" ", " ", " ", "  ", "\t", "\u00a0", "\u2003", "\n", " \n", "\u2028", "\x85"])


@st.composite
def sentences(draw: st.DrawFn) -> str:
    """A sentence: words joined by odd spaces, an optional capital start and a closing mark."""
    words = draw(st.lists(WORD, min_size=1, max_size=12))
    text = words[0]
    for word in words[1:]:
        text += draw(SPACE) + word
    opening = draw(st.sampled_from(["", "", "“", "(", "Dr. ", "e.g. "]))
    closing = draw(st.sampled_from([".", ".", "?", "!", ".”", ")", "", ":", "…"]))
    return opening + text + closing


@st.composite
def blocks(draw: st.DrawFn) -> str:
    """One block of a document: a heading, a paragraph, a list or a "Key learning:" paragraph."""
    kind = draw(
        st.sampled_from(["heading", "paragraph", "paragraph", "bullets", "numbers", "key", "contents"])
    )
    if kind == "heading":
        return draw(st.sampled_from(["Why ", "Unhinging issues", "07: A marketing mistake", "שלום "])) + draw(
            st.lists(st.sampled_from(list("abc ") + ODD), max_size=8).map("".join)
        )
    if kind == "contents":
        return "\n\n".join(draw(st.lists(st.sampled_from(["Contents", "Page 2", "Partners"]), min_size=3)))
    if kind in ("bullets", "numbers"):
        items = draw(st.lists(sentences(), min_size=1, max_size=5))
        marks = (
            [draw(st.sampled_from(["● ", "• ", "- ", "* ", "– ", "  • "])) for _ in items]
            if kind == "bullets"
            else [draw(st.sampled_from([f"{n:02d}\t", f"{n}. ", f"{n}) "])) for n in range(1, len(items) + 1)]
        )
        return "\n".join(mark + item for mark, item in zip(marks, items, strict=True))
    text = " ".join(draw(st.lists(sentences(), min_size=1, max_size=6)))
    return ("Key learning: " + text) if kind == "key" else text


@st.composite
def documents(draw: st.DrawFn) -> str:
    """A document: blocks separated by blank lines (of odd kinds), some repeated, some line ends CRLF."""
    parts = draw(st.lists(blocks(), min_size=1, max_size=12))
    if len(parts) > 2 and draw(st.booleans()):
        parts.append(parts[draw(st.integers(0, len(parts) - 1))])  # a repeated paragraph
    text = ""
    for part in parts:
        text += part + draw(st.sampled_from(["\n\n", "\n \n", "\n\n\n", "\n\t\n", "\n"]))
    return text


def check_document(raw: str, max_chars: int) -> None:
    """Blocks, sentences, chunks and stored records of ``raw`` are all verbatim spans of it."""
    previous_end = 0
    for block in split_blocks(raw):
        assert previous_end <= block.start < block.end <= len(raw)
        assert collapse_whitespace(raw[block.start : block.end]) == block.text
        previous_end = block.end
        spans = split_sentences(raw, block.start, block.end)
        assert " ".join(collapse_whitespace(raw[start:end]) for start, end in spans) == block.text
    chunks = chunk_document("doc.txt", "Doc", raw, max_chars=max_chars)
    stored_chunks, stored_sentences = _records(chunks)
    assert len({chunk.id for chunk in stored_chunks}) == len(stored_chunks)
    assert len({sentence.id for sentence in stored_sentences}) == len(stored_sentences)
    by_id = {chunk.id: chunk for chunk in stored_chunks}
    for sentence in stored_sentences:
        chunk = by_id[sentence.chunk_id]
        assert chunk.start <= sentence.start < sentence.end <= chunk.end <= len(raw)
        assert " ".join(raw[sentence.start : sentence.end].split()) == sentence.text
        assert section_at(stored_chunks, "doc.txt", sentence.start) == chunk
        citation = citation_from(sentence, chunk, 1, 0.5)
        assert " ".join(raw[citation.start : citation.end].split()) == citation.quote
        span = locate_quote(raw, citation.quote)
        assert span is not None and " ".join(raw[span[0] : span[1]].split()) == citation.quote


@FUZZ
@given(documents(), st.integers(min_value=40, max_value=900))
@example("Shared services\n\nWhy\u2028they fail. It\u00a0is\x85trust.\n\n● one\n● two\n", 40)
def test_structured_documents_in_odd_unicode_keep_every_span_verbatim(raw: str, max_chars: int) -> None:
    check_document(raw, max_chars)


ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "cp1252"])
LINE_ENDS = st.sampled_from(["\n", "\r\n", "\r"])


@FUZZ
@given(documents(), ENCODINGS, LINE_ENDS)
def test_loaded_bytes_chunk_and_cite_verbatim(raw: str, encoding: str, line_end: str) -> None:
    """What the loader returns is the raw text that offsets refer to, whatever the encoding."""
    try:
        data = raw.replace("\n", line_end).encode(encoding)
    except UnicodeEncodeError:
        data = raw.replace("\n", line_end).encode("utf-8")
    try:
        loaded = load_text_from_bytes(data, "doc.txt")
    except DocumentError as error:
        assert "\n" not in str(error) and str(error).startswith("doc.txt: ")
        return
    assert "\r" not in loaded
    check_document(loaded, 300)


@FUZZ
@given(st.binary(max_size=400), st.sampled_from(["x.txt", "x.md", "x.html", "x.pdf", "x.docx"]))
def test_any_bytes_load_or_fail_with_one_line(data: bytes, name: str) -> None:
    try:
        text = load_text_from_bytes(data, name)
    except DocumentError as error:
        assert str(error).startswith(f"{name}: ") and "\n" not in str(error)
        return
    assert text.strip()
    assert not re.search("[\ud800-\udfff]", text)  # storable and embeddable
    check_document(text, 300)


TEXT = st.lists(
    st.one_of(st.sampled_from(list("ab .\n\t") + ODD), st.characters()), min_size=1, max_size=200
).map("".join)


@FUZZ
@given(TEXT, st.data())
def test_locate_quote_finds_any_span_of_the_raw_text(raw: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(raw) - 1))
    end = data.draw(st.integers(start + 1, len(raw)))
    quote = collapse_whitespace(raw[start:end])
    span = locate_quote(raw, quote)
    if not quote:
        assert span is None
        return
    assert span is not None
    found_start, found_end = span
    assert 0 <= found_start < found_end <= len(raw)
    assert " ".join(raw[found_start:found_end].split()) == quote
    assert found_start <= start + (len(raw[start:end]) - len(raw[start:end].lstrip()))  # the first match
    later = locate_quote(raw, quote, found_start + 1)
    if later is not None:
        assert later[0] > found_start and " ".join(raw[later[0] : later[1]].split()) == quote


@FUZZ
@given(TEXT, TEXT)
def test_locate_quote_of_any_text_is_none_or_verbatim(raw: str, quote: str) -> None:
    span = locate_quote(raw, quote)
    if span is not None:
        assert 0 <= span[0] <= span[1] <= len(raw)
        assert " ".join(raw[span[0] : span[1]].split()) == " ".join(quote.split())
    # Regular-expression syntax in a quote is matched literally.
    assert locate_quote("a (b) c", "(b)") == (2, 5) and locate_quote("a b c", ".*") is None


@FUZZ
@given(documents())
def test_proposal_evidence_spans_are_verbatim(raw: str) -> None:
    for passage in split_passages(raw):
        assert 0 <= passage.start < passage.end <= len(raw)
        assert " ".join(raw[passage.start : passage.end].split()) == passage.text


def repeats_pairwise(texts: list[str]) -> list[bool]:
    """The reference: every text compared with every earlier kept one (the normaliser before it scaled)."""
    kept: list[str] = []
    decisions = []
    for text in texts:
        repeated = False
        if len(text) >= DUPLICATE_MIN_CHARS:
            words = set(re.findall(r"\w+", text.lower()))
            for earlier in kept:
                if len(earlier) < DUPLICATE_MIN_CHARS:
                    continue
                other = set(re.findall(r"\w+", earlier.lower()))
                union = words | other
                if earlier == text or (union and len(words & other) / len(union) >= DUPLICATE_MIN_SIMILARITY):
                    repeated = True
                    break
        decisions.append(repeated)
        if not repeated:
            kept.append(text)
    return decisions


PARAGRAPH = st.lists(
    st.sampled_from(["shared", "services", "council", "trust", "partners", "the", "of", "a", "b", "c", "d"]),
    min_size=6,
    max_size=16,
).map(" ".join)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(PARAGRAPH, st.sampled_from(["-" * 45, "—" * 41, "x" * 39])), max_size=40))
def test_repeat_finder_agrees_with_comparing_every_pair(texts: list[str]) -> None:
    assert len(texts) < DUPLICATE_MAX_COMPARISONS  # below the bound, the answers must be identical
    finder = RepeatFinder(texts)
    decisions = []
    for text in texts:
        repeated = finder.repeats(text)
        decisions.append(repeated)
        if not repeated:
            finder.add(text)
    assert decisions == repeats_pairwise(texts)
