"""Tables that a PDF's text extraction read row by row: a row of short column headings, then the cells as
list items, left to right and top to bottom. Each cell gets its column's heading, so that a question
about one column ("What does 1+1=3 mean?") is answered from that column's cells alone.

A table is recognised by its shape alone: two or more short headings of the same form ("1+1=2",
"1+1=3"; "Option A", "Option B") directly before a run of list items whose number is a multiple of the
number of headings, at least two rows. Extraction often glues the first heading to the end of the
paragraph before it ("... collaboration activity… 1 + 1 = 1½"); that paragraph's last line is taken as
the first heading when it has the headings' form.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.text.normalise import Block, collapse_whitespace

COLUMN_HEADING_MAX_CHARS = 30
"""Longest column heading."""

TEXT_KINDS = ("paragraph", "heading")
"""Blocks that can hold a column heading."""

MIN_ROWS = 2
"""Fewest rows of cells a table has."""


def shape(text: str) -> str:
    """A heading's form: capitals as ``A``, other letters as ``a``, digits as ``9``, other characters
    kept, spaces dropped ("Option B" -> "AaaaaaA", "1+1=3" -> "9+9=9")."""
    letters = "".join("A" if c.isupper() else "a" if c.isalpha() else c for c in re.sub(r"\s+", "", text))
    return re.sub(r"\d", "9", letters)


def column_headings(blocks: Sequence[Block], raw: str) -> dict[int, str]:
    """The column of every block (by position) of a table: each heading's own, each cell's (a list
    item) and that of the paragraph the first heading is glued to."""
    columns: dict[int, str] = {}
    position = 0
    while position < len(blocks):
        if blocks[position].kind != "list_item" or (position and blocks[position - 1].kind == "list_item"):
            position += 1
            continue
        end = position
        while end < len(blocks) and blocks[end].kind == "list_item":
            end += 1
        found = _headings_before(blocks, raw, position)
        headings = [heading for _, heading in found]
        cells = end - position
        if len(headings) >= 2 and cells % len(headings) == 0 and cells >= MIN_ROWS * len(headings):
            columns.update(found)
            for cell in range(cells):
                columns[position + cell] = headings[cell % len(headings)]
        position = end
    return columns


def _headings_before(blocks: Sequence[Block], raw: str, position: int) -> list[tuple[int, str]]:
    """The short headings of one form directly before the block at ``position`` (block position,
    heading), with the last line of the paragraph before them when extraction glued the first heading
    to it."""
    if position == 0 or not _short(blocks[position - 1]):
        return []
    form = shape(blocks[position - 1].text)
    first = position - 1
    while first > 0 and _short(blocks[first - 1]) and shape(blocks[first - 1].text) == form:
        first -= 1
    headings = [(index, blocks[index].text) for index in range(first, position)]
    if first > 0 and blocks[first - 1].kind in TEXT_KINDS:
        last_line = collapse_whitespace(raw[blocks[first - 1].start : blocks[first - 1].end].splitlines()[-1])
        if last_line != blocks[first - 1].text and shape(last_line).startswith(shape(headings[0][1])):
            headings.insert(0, (first - 1, last_line))
    return headings


def _short(block: Block) -> bool:
    """Whether a block could be a column heading."""
    return block.kind in TEXT_KINDS and len(block.text) <= COLUMN_HEADING_MAX_CHARS
