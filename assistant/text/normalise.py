"""Split a document's raw text into blocks (headings, paragraphs, list items) and sentences.

Every block and sentence is a contiguous span of the raw text, and its ``text`` is that span with
whitespace collapsed: ``collapse_whitespace(raw[start:end]) == text``. Normalising therefore only
chooses span boundaries (skipping bullet glyphs and list numbers, trimming whitespace) and joins
hard-wrapped lines by collapsing whitespace; it never rewrites characters, so citations can always
quote the raw document verbatim.
"""

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["heading", "paragraph", "list_item", "contents", "boilerplate"]

NOT_GUIDANCE: frozenset[str] = frozenset({"contents", "boilerplate"})
"""Block kinds that are page furniture, not guidance: never chunked, ranked, quoted or sent to a model."""

BOILERPLATE = re.compile(
    r"^By\b[^.!?]{0,60}\|"
    r"|(?:facebook|twitter|reddit|pinterest|linkedin|whatsapp|tumblr|email|mail|share|print){3,}",
    re.IGNORECASE,
)
"""A web page's byline ("By | April 23, 2013") or run-together share buttons ("Facebooktwitterreddit…")."""

CREDITS = re.compile(
    r"^[A-Z][\w ,&]{0,50}:(?:\s*[A-Z][\w'-]+(?:\s+[A-Z][\w'-]+){0,3}|\s*[0-9]+)?$"
    r"|^We would (?:\w+ )?like (?:\w+ )?to thank\b"
    r"|\b(?:Tel|Telephone|Email|E-mail|Website)\s*:.*\b(?:Tel|Telephone|Email|E-mail|Website)\s*:"
)
"""A publication's credits and contact details: a role and a name ("Designer:", "Director of Policy and
Research: Martin Ferguson"), a reference number, the thanks, a line of phone, e-mail and web addresses.
The name on the line after a role ("Designer:") is a credit too."""

ITEM_START = re.compile(r"[^\S\n]*(?:[●•▪◦*–-][^\S\n]|(?P<number>[0-9]{1,2})(?:\t|[.)][^\S\n]))")
"""A line that starts a list item: a bullet glyph and a space, or `01<TAB>`, `1. ` or `1) `."""

HEADING_MAX_CHARS = 80
HEADING_MAX_WORDS = 12
TABLE_OF_CONTENTS_MIN_LINES = 3
"""This many short standalone lines in a row are a table of contents or a list, not headings."""

BODY_MIN_CHARS = 40
"""A heading must be followed by a list item or a paragraph at least this long."""

DUPLICATE_MIN_CHARS = 40
DUPLICATE_MIN_SIMILARITY = 0.85
"""Token-set Jaccard similarity above which a later paragraph repeats an earlier one."""

DUPLICATE_MAX_COMPARISONS = 100
"""Most earlier paragraphs a paragraph is compared with for a near repeat (those sharing its rarest
words first): enough for any real document, and a bound that keeps a pathological one from taking
hours. Paragraphs with the same words are always found."""

KEY_LEARNING_PREFIX = "Key learning:"

ABBREVIATIONS = frozenset({"e.g.", "i.e.", "etc.", "mr.", "mrs.", "ms.", "dr.", "st.", "no.", "vs.", "prof."})
SENTENCE_END = re.compile(r"[.!?][\"'”’)\]]*(?=\s)")
OPENING_PUNCTUATION = "\"'“‘([" + "£$"


@dataclass(frozen=True)
class Block:
    """A heading, paragraph, list item or contents line: a contiguous span of the raw text.

    Attributes:
        kind: What the block is.
        text: ``collapse_whitespace(raw[start:end])``; a bullet glyph or list number is not included.
        start: Offset of the block's first character in the raw text.
        end: Offset just after the block's last character.
        label: A list item's number, corrected when misprinted (``"80"`` in 07, 80, 09 becomes ``"08"``).
        key_learning: True for a paragraph that starts with "Key learning:".
    """

    kind: BlockKind
    text: str
    start: int
    end: int
    label: str | None = None
    key_learning: bool = False


@dataclass
class _Draft:
    """A block under construction while the lines are read."""

    kind: BlockKind
    start: int
    end: int
    group: int
    label: str | None = None
    line_count: int = 1
    text: str = field(default="")


def collapse_whitespace(text: str) -> str:
    """Replace every run of whitespace with one space and trim the ends.

    Args:
        text: Any text.

    Returns:
        ``" ".join(text.split())``: the form in which block and sentence texts are stored.
    """
    return " ".join(text.split())


def trim_span(raw: str, start: int, end: int) -> tuple[int, int] | None:
    """Narrow a span so it starts and ends on non-whitespace characters.

    Args:
        raw: The raw document text.
        start: Start offset of the span.
        end: End offset of the span.

    Returns:
        The trimmed ``(start, end)``, or None if the span holds only whitespace.
    """
    while start < end and raw[start].isspace():
        start += 1
    while end > start and raw[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def split_blocks(raw: str) -> list[Block]:
    """Split raw text into headings, paragraphs and list items, in document order.

    Blank lines separate paragraphs; single newlines inside a paragraph are hard wraps. A line that
    starts with a bullet glyph or a list number starts a list item, which continues over the
    following lines until a blank line or the next item. Short standalone lines are headings, unless
    three or more come in a row (a table of contents), which become list items. A paragraph that
    repeats an earlier one is dropped.

    Args:
        raw: The document's raw text.

    Returns:
        Non-empty, non-overlapping blocks in document order.
    """
    drafts = _read_drafts(raw)
    _mark_headings(drafts)
    _correct_labels(drafts)
    repeats = RepeatFinder(draft.text for draft in drafts if draft.kind != "heading")
    blocks: list[Block] = []
    for draft in drafts:
        if draft.kind != "heading":
            if repeats.repeats(draft.text):
                continue
            repeats.add(draft.text)
        key_learning = draft.kind == "paragraph" and draft.text.startswith(KEY_LEARNING_PREFIX)
        furniture = _is_furniture(draft, blocks[-1] if blocks else None)
        kind: BlockKind = "boilerplate" if furniture else draft.kind
        blocks.append(Block(kind, draft.text, draft.start, draft.end, draft.label, key_learning))
    return blocks


def _is_furniture(draft: _Draft, previous: Block | None) -> bool:
    """A byline, share buttons or credits (``BOILERPLATE``, ``CREDITS``), or a name under a credited role."""
    if BOILERPLATE.search(draft.text.replace(" ", "")):
        return True
    if draft.kind != "paragraph":
        return False
    after_role = (
        previous is not None
        and previous.kind == "boilerplate"
        and previous.text.endswith(":")
        and len(draft.text) < BODY_MIN_CHARS
    )
    return after_role or bool(CREDITS.search(draft.text))


def split_sentences(raw: str, start: int, end: int) -> list[tuple[int, int]]:
    """Find the sentence spans inside ``raw[start:end]``.

    A sentence ends at ``.``, ``!`` or ``?`` (with any closing quotes or brackets) followed by
    whitespace and an uppercase letter, a digit or an opening quote, except after common
    abbreviations (e.g., etc., Dr.) and single capital initials.

    Args:
        raw: The document's raw text.
        start: Start offset of the range to split.
        end: End offset of the range to split.

    Returns:
        Trimmed ``(start, end)`` spans in order; together they cover all non-whitespace text of
        the range.
    """
    spans: list[tuple[int, int]] = []
    sentence_start = start
    for match in SENTENCE_END.finditer(raw, start, end):
        next_start = match.end()
        while next_start < end and raw[next_start].isspace():
            next_start += 1
        if next_start >= end:
            break
        following = raw[next_start]
        if not (following.isupper() or following.isdigit() or following in OPENING_PUNCTUATION):
            continue
        if _ends_with_abbreviation(raw, sentence_start, match.start()):
            continue
        span = trim_span(raw, sentence_start, match.end())
        if span:
            spans.append(span)
        sentence_start = next_start
    last = trim_span(raw, sentence_start, end)
    if last:
        spans.append(last)
    return spans


def _ends_with_abbreviation(raw: str, sentence_start: int, mark: int) -> bool:
    """Tell whether the punctuation at ``mark`` closes an abbreviation or an initial, not a sentence."""
    if raw[mark] != ".":
        return False
    word_start = mark
    while word_start > sentence_start and not raw[word_start - 1].isspace():
        word_start -= 1
    word = raw[word_start : mark + 1].lstrip(OPENING_PUNCTUATION)
    return (
        word.lower() in ABBREVIATIONS
        or re.fullmatch(r"[A-Z]\.", word) is not None
        or re.fullmatch(r"(?:[A-Za-z]\.){2,}", word) is not None
    )


def _read_drafts(raw: str) -> list[_Draft]:
    """Group the lines of the raw text into paragraph and list-item drafts with trimmed spans."""
    drafts: list[_Draft] = []
    current: _Draft | None = None
    group = 0
    line_start = 0
    for line in raw.split("\n"):
        line_end = line_start + len(line)
        if not line.strip():
            current = None
            group += 1
        elif item := ITEM_START.match(raw, line_start, line_end):
            current = _Draft("list_item", item.end(), line_end, group, label=item.group("number"))
            drafts.append(current)
        elif current is not None:
            current.end = line_end
            current.line_count += 1
        else:
            current = _Draft("paragraph", line_start, line_end, group)
            drafts.append(current)
        line_start = line_end + 1
    kept = []
    for draft in drafts:
        span = trim_span(raw, draft.start, draft.end)
        if span:
            draft.start, draft.end = span
            draft.text = collapse_whitespace(raw[draft.start : draft.end])
            kept.append(draft)
    return kept


def _is_short_line(draft: _Draft, group_sizes: dict[int, int]) -> bool:
    """Tell whether a draft is a standalone one-line paragraph short enough to be a title."""
    return (
        draft.kind == "paragraph"
        and draft.line_count == 1
        and group_sizes[draft.group] == 1
        and len(draft.text) <= HEADING_MAX_CHARS
        and len(draft.text.split()) <= HEADING_MAX_WORDS
        and not draft.text.endswith((".", ",", ";", ":"))
    )


def _looks_like_heading(text: str) -> bool:
    """Tell whether a short line reads like a heading rather than a stray number or formula."""
    return (text[0].isupper() or text[0] in "0123456789") and any(char.isalpha() for char in text)


def _mark_headings(drafts: list[_Draft]) -> None:
    """Turn short standalone lines into headings, or into contents lines when they form a contents list."""
    group_sizes: dict[int, int] = {}
    for draft in drafts:
        group_sizes[draft.group] = group_sizes.get(draft.group, 0) + 1
    short = [_is_short_line(draft, group_sizes) for draft in drafts]
    index = 0
    while index < len(drafts):
        if not short[index]:
            index += 1
            continue
        run_end = index
        while run_end < len(drafts) and short[run_end]:
            run_end += 1
        for position in range(index, run_end):
            draft = drafts[position]
            if run_end - index >= TABLE_OF_CONTENTS_MIN_LINES:
                draft.kind = "contents"
            elif (
                _looks_like_heading(draft.text)
                and _is_body(drafts, short, position + 1)
                and not _is_field_name(drafts, position - 1)
            ):
                draft.kind = "heading"
        index = run_end


def _is_body(drafts: list[_Draft], short: list[bool], position: int) -> bool:
    """Tell whether the draft at ``position`` is body text that a heading could introduce."""
    if position >= len(drafts) or short[position]:
        return False
    draft = drafts[position]
    return draft.kind == "list_item" or len(draft.text) >= BODY_MIN_CHARS


def _is_field_name(drafts: list[_Draft], position: int) -> bool:
    """Tell whether the draft at ``position`` is a short label such as "Designer:" whose value follows."""
    if position < 0:
        return False
    draft = drafts[position]
    return draft.kind == "paragraph" and len(draft.text) < BODY_MIN_CHARS and draft.text.endswith(":")


def _correct_labels(drafts: list[_Draft]) -> None:
    """Correct list numbers with swapped digits, such as 80 between 07 and 09."""
    previous: int | None = None
    for draft in drafts:
        if draft.label is None:
            continue
        if (
            previous is not None
            and int(draft.label) != previous + 1
            and int(draft.label[::-1]) == previous + 1
        ):
            draft.label = draft.label[::-1]
        previous = int(draft.label)


def _words(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"\w+", text.lower()))


class RepeatFinder:
    """Tells whether a paragraph or list item repeats, exactly or nearly, one kept earlier.

    A near repeat shares at least ``DUPLICATE_MIN_SIMILARITY`` of its words with an earlier text
    (Jaccard). Comparing every pair takes minutes on a long document, so candidates are found by
    prefix filtering: with the words of every text in one fixed order (rarest first), two texts that
    similar always share a word among the first ``n - floor(0.85 n) + 1`` of each, so only texts
    sharing such a word are compared, at most ``DUPLICATE_MAX_COMPARISONS`` of them.
    """

    def __init__(self, texts: Iterable[str]) -> None:
        """Count in how many of ``texts`` (every text that will be asked about) each word occurs."""
        self._frequency: Counter[str] = Counter()
        for text in texts:
            if len(text) >= DUPLICATE_MIN_CHARS:
                self._frequency.update(_words(text))
        self._texts: set[str] = set()
        self._word_sets: list[frozenset[str]] = []
        self._known_word_sets: set[frozenset[str]] = set()
        self._by_word: defaultdict[str, list[int]] = defaultdict(list)

    def _prefix(self, words: frozenset[str]) -> list[str]:
        ordered = sorted(words, key=lambda word: (self._frequency[word], word))
        return ordered[: len(words) - math.floor(DUPLICATE_MIN_SIMILARITY * len(words)) + 1]

    def repeats(self, text: str) -> bool:
        """Whether ``text`` repeats a text added before."""
        if len(text) < DUPLICATE_MIN_CHARS:
            return False
        words = _words(text)
        if text in self._texts or words in self._known_word_sets:
            return True
        compared: set[int] = set()
        for word in self._prefix(words) if words else []:
            for earlier in self._by_word.get(word, []):
                if earlier in compared:
                    continue
                if len(compared) >= DUPLICATE_MAX_COMPARISONS:
                    return False
                compared.add(earlier)
                other = self._word_sets[earlier]
                shared = len(words & other)
                if shared / (len(words) + len(other) - shared) >= DUPLICATE_MIN_SIMILARITY:
                    return True
        return False

    def add(self, text: str) -> None:
        """Remember a kept text, for later ones to be compared with."""
        if len(text) < DUPLICATE_MIN_CHARS:
            return
        self._texts.add(text)
        words = _words(text)
        if words:
            self._known_word_sets.add(words)
            self._word_sets.append(words)
            for word in self._prefix(words):
                self._by_word[word].append(len(self._word_sets) - 1)
