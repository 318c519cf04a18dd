"""Tests for ingest.chunking: chunks respect sections and size, and every sentence quotes the raw text."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.records import Chunk
from assistant.text.normalise import NOT_GUIDANCE, collapse_whitespace, split_blocks
from ingest.chunking import chunk_document

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
CORPUS_FILES = sorted(CORPUS.glob("*.txt"))

MESSY_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("aBcXyZ  \n\n\n\t.?!:;,'\"“”()●•-*–0123456789½\u00a0\x85\r")),
        st.characters(),
    ),
    max_size=600,
)


def read_corpus(prefix: str) -> tuple[str, str]:
    """Return the file name and raw text of the corpus file whose name starts with ``prefix``."""
    (path,) = CORPUS.glob(f"{prefix}_*.txt")
    return path.name, path.read_text(encoding="utf-8")


def check_chunks(raw: str, chunks: list[Chunk], max_chars: int) -> None:
    """Assert the invariants every chunking of a raw text must keep."""
    previous_end = 0
    for index, chunk in enumerate(chunks):
        assert chunk.index == index
        assert previous_end <= chunk.start < chunk.end <= len(raw)
        previous_end = chunk.end
        assert chunk.sentences
        sentence_end = chunk.start
        for sentence in chunk.sentences:
            assert sentence_end <= sentence.start < sentence.end <= chunk.end
            assert collapse_whitespace(raw[sentence.start : sentence.end]) == sentence.text
            sentence_end = sentence.end
        lines = chunk.text.split("\n")
        assert all(line and line == collapse_whitespace(line) for line in lines)
        assert " ".join(sentence.text for sentence in chunk.sentences) == " ".join(lines)
        if len(chunk.text) > max_chars:
            assert len(chunk.sentences) == 1 and chunk.text == chunk.sentences[0].text
    assert len({chunk.id for chunk in chunks}) == len(chunks)


@pytest.mark.parametrize("max_chars", [900, 300, 80])
@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda path: path.name)
def test_corpus_chunks_keep_the_invariants(path: Path, max_chars: int) -> None:
    raw = path.read_text(encoding="utf-8")
    check_chunks(raw, chunk_document(path.name, "Title", raw, max_chars), max_chars)


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda path: path.name)
def test_chunk_lines_are_block_texts_or_parts_of_long_blocks(path: Path) -> None:
    raw = path.read_text(encoding="utf-8")
    block_texts = {block.text for block in split_blocks(raw) if block.kind != "heading"}
    long_texts = [text for text in block_texts if len(text) > 900]
    for chunk in chunk_document(path.name, "Title", raw, max_chars=900):
        for line in chunk.text.split("\n"):
            assert line in block_texts or any(line in text for text in long_texts)


def test_chunk_ids_are_deterministic_and_unique() -> None:
    ids = []
    for path in CORPUS_FILES:
        raw = path.read_text(encoding="utf-8")
        first = [chunk.id for chunk in chunk_document(path.name, "Title", raw)]
        assert first == [chunk.id for chunk in chunk_document(path.name, "Title", raw)]
        assert all(len(chunk_id) == 20 for chunk_id in first)
        ids.extend(first)
    assert len(set(ids)) == len(ids)


def test_numbered_problems_sit_under_their_heading() -> None:
    name, raw = read_corpus("001")
    chunks = chunk_document(name, "ICT shared services", raw)
    labelled = [block for block in split_blocks(raw) if block.label is not None]
    assert len(labelled) == 15
    for block in labelled:
        (chunk,) = [chunk for chunk in chunks if chunk.start <= block.start and block.end <= chunk.end]
        assert chunk.section == "Unhinging issues"
        assert block.text in chunk.text.split("\n")


def test_key_learnings_stay_whole_within_their_example() -> None:
    name, raw = read_corpus("001")
    chunks = chunk_document(name, "ICT shared services", raw)
    key_learnings = [block for block in split_blocks(raw) if block.key_learning]
    assert len(key_learnings) == 7
    for number, block in enumerate(key_learnings, start=1):
        (chunk,) = [chunk for chunk in chunks if block.text in chunk.text.split("\n")]
        assert chunk.section is not None and chunk.section.startswith(f"{number:02d}: ")


def test_headings_are_sections_not_sentences() -> None:
    name, raw = read_corpus("002")
    chunks = chunk_document(name, "Breaking down silos", raw)
    assert chunks[0].section is None
    assert {"How to make shared services work", "Can everything be shared?"} <= {c.section for c in chunks}
    sentences = {sentence.text for chunk in chunks for sentence in chunk.sentences}
    assert "How to make shared services work" not in sentences
    assert all(chunk.doc == name and chunk.title == "Breaking down silos" for chunk in chunks)


def test_repeated_paragraph_appears_once() -> None:
    name, raw = read_corpus("000")
    chunks = chunk_document(name, "Defining what we mean?", raw)
    text = "\n".join(chunk.text for chunk in chunks)
    assert text.count("Applying them as discussion tools") == 1
    assert "●" not in text


def test_chunks_never_cross_a_heading() -> None:
    body = "A sentence of body text that is long enough. " * 3
    raw = f"First heading\n\n{body}\n\nSecond heading\n\n{body.replace('body', 'other')}"
    chunks = chunk_document("doc.txt", "Doc", raw)
    assert [chunk.section for chunk in chunks] == ["First heading", "Second heading"]


def test_long_paragraph_is_split_at_sentence_boundaries() -> None:
    raw = " ".join(f"Sentence number {number} is here." for number in range(40))
    chunks = chunk_document("doc.txt", "Doc", raw, max_chars=200)
    assert len(chunks) > 1
    assert all(len(chunk.text) <= 200 for chunk in chunks)
    assert [sentence.text for chunk in chunks for sentence in chunk.sentences] == [
        f"Sentence number {number} is here." for number in range(40)
    ]


def test_key_learning_moves_with_the_paragraph_before_it() -> None:
    first = "A" + "a" * 300 + "."
    second = "B" + "b" * 300 + "."
    key_learning = "Key learning: " + "k" * 200 + "."
    raw = f"{first}\n\n{second}\n\n{key_learning}"
    chunks = chunk_document("doc.txt", "Doc", raw, max_chars=700)
    assert [chunk.text for chunk in chunks] == [first, f"{second}\n{key_learning}"]


def test_list_items_are_not_split_across_chunks() -> None:
    items = [f"● Item number {number} with a few words in it" for number in range(30)]
    raw = "\n".join(items)
    chunks = chunk_document("doc.txt", "Doc", raw, max_chars=150)
    lines = [line for chunk in chunks for line in chunk.text.split("\n")]
    assert lines == [item[2:] for item in items]


def test_empty_document_has_no_chunks() -> None:
    assert chunk_document("doc.txt", "Doc", "") == []
    assert chunk_document("doc.txt", "Doc", "Only a heading line") != []


@settings(max_examples=300, deadline=None)
@given(MESSY_TEXT, st.integers(min_value=10, max_value=300))
def test_chunks_keep_the_invariants_for_any_text(raw: str, max_chars: int) -> None:
    check_chunks(raw, chunk_document("doc.txt", "Doc", raw, max_chars), max_chars)


def test_contents_bylines_and_share_buttons_are_not_chunked() -> None:
    raw = (
        "Reasons why shared services fail\n\n"
        "By | April 23, 2013\nFacebooktwitterredditpinterestlinkedinmail\n\n"
        "Contents\n\n01 Executive overview\n\n02 Common drivers\n\n03 The RASP model\n\n"
        "Sharing services takes longer than most councils expect, and partners lose heart when it does.\n"
    )
    chunks = chunk_document("d.txt", "Guide", raw)
    text = " ".join(chunk.text for chunk in chunks)
    assert "Facebook" not in text and "April 23" not in text and "Executive overview" not in text
    assert "Sharing services takes longer" in text
    assert all(sentence.kind not in NOT_GUIDANCE for chunk in chunks for sentence in chunk.sentences)


def test_credits_and_contact_details_are_not_chunked() -> None:
    raw = (
        "Conclusion\n\n"
        "Partners who agree how decisions are taken before they start rarely fall out over them later.\n\n"
        "Principal Author:\n\nAnne Example\n\n"
        "Director of Policy and Research: Bob Sample\n\n"
        "Designer:\n\nCarol Placeholder\n\n"
        "We would like particularly to thank our case study contributors and members.\n\n"
        "Tel: 01234 567890 Email: info@example.org Website: www.example.org\n\n"
        "Reference: 18010\n"
    )
    text = " ".join(chunk.text for chunk in chunk_document("d.txt", "Guide", raw))
    assert "Partners who agree how decisions are taken" in text
    for credit in ("Anne Example", "Bob Sample", "Designer", "Carol", "thank", "01234", "18010"):
        assert credit not in text
