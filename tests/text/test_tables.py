"""Tables read row by row: each cell gets its column's heading, and nothing else does."""

from __future__ import annotations

from assistant.text.normalise import split_blocks
from assistant.text.tables import column_headings, shape
from ingest.chunking import chunk_document

GLUED = """Three ways to share
Option A

Option B

Option C

● Shared manager

● Shared team

● Shared company

● Cheap to start

● Some savings

● Largest savings
"""


def columns_by_text(raw: str) -> dict[str, str]:
    blocks = split_blocks(raw)
    return {blocks[index].text: heading for index, heading in column_headings(blocks, raw).items()}


def test_cells_read_row_by_row_get_their_column_heading_with_the_glued_first_heading() -> None:
    columns = columns_by_text(GLUED)
    assert columns["Shared manager"] == columns["Cheap to start"] == "Option A"
    assert columns["Shared team"] == columns["Some savings"] == "Option B"
    assert columns["Shared company"] == columns["Largest savings"] == "Option C"
    assert columns["Option B"] == "Option B"
    assert columns["Three ways to share Option A"] == "Option A"


def test_a_list_after_unlike_headings_or_of_the_wrong_length_is_no_table() -> None:
    items = "".join(f"● item {word}\n\n" for word in ("one", "two", "three", "four"))
    unlike = f"Intro paragraph that is long enough to be a paragraph.\n\nKey points\n\nSummary\n\n{items}"
    assert columns_by_text(unlike) == {}
    uneven = GLUED.replace("● Largest savings\n", "")
    assert columns_by_text(uneven) == {}


def test_shape_keeps_the_form_of_a_heading() -> None:
    assert shape("1 + 1 = 1½").startswith(shape("1+1=3"))
    assert shape("Option A") == shape("Option B") != shape("Summary")


def test_chunks_keep_each_cells_column_and_other_sentences_none() -> None:
    sentences = [sentence for chunk in chunk_document("d.txt", "T", GLUED) for sentence in chunk.sentences]
    columns = {sentence.text: sentence.column for sentence in sentences}
    assert columns["Largest savings"] == "Option C"
    assert {sentence.column for sentence in sentences} == {"Option A", "Option B", "Option C"}
