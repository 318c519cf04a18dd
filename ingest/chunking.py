"""Group a document's blocks into chunks for retrieval, each carrying its quotable sentences.

A chunk never crosses a heading: the heading names the chunk's section. Chunks hold whole blocks
where they fit; only a block longer than the limit is split, at sentence boundaries.
"""

import hashlib
from dataclasses import dataclass

from assistant.records import Chunk, Sentence
from assistant.settings import Settings
from assistant.text.normalise import NOT_GUIDANCE, Block, collapse_whitespace, split_blocks, split_sentences
from assistant.text.tables import column_headings

DEFAULT_MAX_CHARS: int = Settings.model_fields["chunk_max_chars"].default
"""The settings' default (900): the embedding model truncates at about 256 word pieces, roughly 900
characters of English."""


@dataclass(frozen=True)
class _Piece:
    """A whole block, or a run of sentences from a block too long for one chunk."""

    text: str
    start: int
    end: int
    sentences: tuple[Sentence, ...]
    kind: str
    key_learning: bool


def chunk_document(doc: str, title: str, raw: str, max_chars: int = DEFAULT_MAX_CHARS) -> list[Chunk]:
    """Split a document's raw text into chunks of whole blocks, each within one section.

    Tables of contents, link lists, bylines and share buttons (``NOT_GUIDANCE``) are left out.

    Consecutive blocks of a section share a chunk until the next would take its text over
    ``max_chars``. A "Key learning:" paragraph is kept with the paragraph before it when both fit.
    A block longer than ``max_chars`` is split at sentence boundaries.

    Args:
        doc: Document identifier (the file name).
        title: The document's title.
        raw: The document's raw text, as the loader returned it.
        max_chars: Most characters of chunk text, unless a single sentence is longer.

    Returns:
        The chunks in document order, with unique, deterministic ids.
    """
    chunks: list[Chunk] = []
    for section, pieces in _group_pieces(raw, max_chars):
        text = "\n".join(piece.text for piece in pieces)
        start, end = pieces[0].start, pieces[-1].end
        key = f"{doc}\0{start}\0{end}\0{text}".encode("utf-8", "surrogatepass")  # lone surrogates too
        digest = hashlib.sha256(key).hexdigest()[:20]
        sentences = tuple(sentence for piece in pieces for sentence in piece.sentences)
        chunks.append(Chunk(digest, doc, title, section, text, start, end, len(chunks), sentences))
    return chunks


def _group_pieces(raw: str, max_chars: int) -> list[tuple[str | None, list[_Piece]]]:
    """Pack the document's pieces into groups that become chunks, each with its section."""
    groups: list[tuple[str | None, list[_Piece]]] = []
    section: str | None = None
    current: list[_Piece] = []
    blocks = split_blocks(raw)
    columns = column_headings(blocks, raw)
    for block_index, block in enumerate(blocks):
        if block.kind in NOT_GUIDANCE:
            continue
        if block.kind == "heading":
            if current:
                groups.append((section, current))
            section, current = block.text, []
            continue
        for piece in _split_block(raw, block, block_index, max_chars, columns.get(block_index)):
            if current and _measure(current + [piece]) > max_chars:
                carried: list[_Piece] = []
                if (
                    piece.key_learning
                    and len(current) > 1
                    and current[-1].kind == "paragraph"
                    and _measure([current[-1], piece]) <= max_chars
                ):
                    carried = [current.pop()]
                groups.append((section, current))
                current = carried
            current.append(piece)
    if current:
        groups.append((section, current))
    return groups


def _split_block(
    raw: str, block: Block, block_index: int, max_chars: int, column: str | None = None
) -> list[_Piece]:
    """Make one piece of a block, or several at sentence boundaries when it is too long; ``column``: the
    column heading of a table cell."""
    sentences = [
        Sentence(
            "",
            "",
            "",
            collapse_whitespace(raw[start:end]),
            start,
            end,
            kind=block.kind,
            block=block_index,
            column=column,
        )
        for start, end in split_sentences(raw, block.start, block.end)
    ]
    if len(block.text) <= max_chars:
        return [_Piece(block.text, block.start, block.end, tuple(sentences), block.kind, block.key_learning)]
    runs: list[list[Sentence]] = []
    for sentence in sentences:
        if runs and len(" ".join(s.text for s in runs[-1] + [sentence])) <= max_chars:
            runs[-1].append(sentence)
        else:
            runs.append([sentence])
    return [
        _Piece(
            " ".join(s.text for s in run),
            run[0].start,
            run[-1].end,
            tuple(run),
            block.kind,
            block.key_learning and position == 0,
        )
        for position, run in enumerate(runs)
    ]


def _measure(pieces: list[_Piece]) -> int:
    """Length of the chunk text that these pieces would make."""
    return len("\n".join(piece.text for piece in pieces))
