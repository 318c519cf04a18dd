"""Tests for assistant.text.normalise: blocks and sentences stay verbatim spans of the raw text."""

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.text.normalise import Block, collapse_whitespace, split_blocks, split_sentences

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
CORPUS_FILES = sorted(CORPUS.glob("*.txt"))

MESSY_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(list("aBcXyZ  \n\n\n\t.?!:;,'\"“”‘’()[]●•▪◦-*–0123456789½é\u00a0\u2028\x1c\x85\r")),
        st.characters(),
    ),
    max_size=400,
)


def read_corpus(prefix: str) -> str:
    """Return the raw text of the corpus file whose name starts with ``prefix``."""
    (path,) = CORPUS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8")


def find_headings(raw: str) -> list[str]:
    """Return the texts of the heading blocks of a raw text."""
    return [block.text for block in split_blocks(raw) if block.kind == "heading"]


def check_spans(raw: str, blocks: list[Block]) -> None:
    """Assert the verbatim-span invariant for blocks and their sentences."""
    previous_end = 0
    for block in blocks:
        assert previous_end <= block.start < block.end <= len(raw)
        assert block.text and "\n" not in block.text
        assert collapse_whitespace(raw[block.start : block.end]) == block.text
        previous_end = block.end
        sentences = split_sentences(raw, block.start, block.end)
        sentence_end = block.start
        for start, end in sentences:
            assert sentence_end <= start < end <= block.end
            sentence_end = end
        texts = [collapse_whitespace(raw[start:end]) for start, end in sentences]
        assert all(texts)
        assert " ".join(texts) == block.text


def test_collapse_whitespace_joins_hard_wrapped_lines() -> None:
    assert collapse_whitespace("  one\ntwo\t three \n\n") == "one two three"
    assert collapse_whitespace(" \n\t ") == ""


@pytest.mark.parametrize("path", CORPUS_FILES, ids=lambda path: path.name)
def test_corpus_blocks_and_sentences_are_verbatim_spans(path: Path) -> None:
    raw = path.read_text(encoding="utf-8")
    check_spans(raw, split_blocks(raw))


def test_numbered_problems_are_labelled_with_misprint_corrected() -> None:
    blocks = split_blocks(read_corpus("001"))
    labelled = [block for block in blocks if block.label is not None]
    assert [block.label for block in labelled] == [f"{number:02d}" for number in range(1, 16)]
    assert all(block.kind == "list_item" for block in labelled)
    assert labelled[7].text.startswith("Diluted energy and pace")
    assert labelled[0].text == "Unclear business cases, creating mismanagement of expectations later"


def test_guide_headings_are_detected() -> None:
    headings = find_headings(read_corpus("001"))
    expected = [
        "Unhinging issues",
        "National and local public service sharing",
        "Some examples that did not work",
        "01: Over-dependency on key personnel",
        "02: Two neighbouring district councils",
        "03: Misaligned aspirations",
        "04: Local authority trading company",
        "05: A commercial experiment",
        "06: A district and a county council",
        "07: A marketing mistake",
        "Conclusion",
    ]
    assert [heading for heading in headings if heading in expected] == expected


def test_table_of_contents_lines_are_not_headings() -> None:
    raw = read_corpus("001")
    blocks = split_blocks(raw)
    contents_end = raw.index("This is the eighth")
    contents = [block for block in blocks if block.start < contents_end]
    assert len(contents) > 20
    assert all(block.kind == "contents" for block in contents)
    assert "Why share?" in [block.text for block in contents]


def test_key_learning_paragraphs_are_whole_blocks() -> None:
    raw = read_corpus("001")
    key_learnings = [block for block in split_blocks(raw) if block.key_learning]
    assert len(key_learnings) == 7
    for block in key_learnings:
        assert block.kind == "paragraph"
        assert block.text.startswith("Key learning:")
        line_end = raw.find("\n", block.start)
        assert block.end == (line_end if line_end != -1 else len(raw))


def test_blog_headings_and_bullets() -> None:
    raw = read_corpus("002")
    headings = find_headings(raw)
    for heading in [
        "How to make shared services work",
        "How to sustain shared services",
        "Can everything be shared?",
    ]:
        assert heading in headings
    items = [block for block in split_blocks(raw) if block.kind == "list_item"]
    assert "Piloting" in [item.text for item in items]
    assert all(not item.text.startswith(("•", "●")) for item in items)


def test_article_headings() -> None:
    headings = find_headings(read_corpus("003"))
    for heading in [
        "Delivering a Collaborative Service",
        "The Value of Collaborative Service Delivery",
        "The Challenge of Collaborative Service Delivery",
        "The Takeaway",
    ]:
        assert heading in headings


def test_repeated_paragraph_is_kept_once_and_lines_are_joined() -> None:
    blocks = split_blocks(read_corpus("000"))
    repeats = [block for block in blocks if block.text.startswith("Applying them as discussion tools")]
    assert len(repeats) == 1
    assert all("●" not in block.text and "\n" not in block.text for block in blocks)
    assert "Service-led, silo, back-office structures" in [block.text for block in blocks]


def test_bullet_item_continues_over_hard_wrapped_lines() -> None:
    raw = "Intro paragraph that is long enough to be body text here.\n\n● First item\nwraps here\n• Second"
    blocks = split_blocks(raw)
    assert [(block.kind, block.text) for block in blocks] == [
        ("paragraph", "Intro paragraph that is long enough to be body text here."),
        ("list_item", "First item wraps here"),
        ("list_item", "Second"),
    ]
    assert raw[blocks[1].start] == "F"


def test_numbered_items_skip_the_number() -> None:
    raw = "07\tSeventh thing\n80\tEighth thing\n09) Ninth thing\n10. Tenth thing"
    blocks = split_blocks(raw)
    assert [(block.label, block.text) for block in blocks] == [
        ("07", "Seventh thing"),
        ("08", "Eighth thing"),
        ("09", "Ninth thing"),
        ("10", "Tenth thing"),
    ]


def test_heading_needs_a_short_standalone_line_followed_by_body() -> None:
    body = "This paragraph is long enough to count as the body of a section."
    raw = f"Why share?\n\n{body}\n\nNot a heading.\n\n{body}\n\nlowercase start\n\n{body}"
    assert find_headings(raw) == ["Why share?"]


def test_three_short_lines_in_a_row_are_contents() -> None:
    body = "This paragraph is long enough to count as the body of a section."
    raw = f"Contents\n\n01 Overview\n\nDetails\n\n{body}"
    blocks = split_blocks(raw)
    assert [block.kind for block in blocks] == ["contents", "contents", "contents", "paragraph"]
    assert all(block.label is None for block in blocks)


def test_key_learning_flag() -> None:
    raw = "Key learning: share early.\n\nKey points are elsewhere, in the main text of the report."
    assert [block.key_learning for block in split_blocks(raw)] == [True, False]


def test_near_duplicate_is_dropped() -> None:
    first = "Applying them as discussion tools is an excellent way of supporting decision makers."
    second = "Applying them as discussion tools is an excellent way of\nsupporting decision-makers."
    blocks = split_blocks(f"{first}\n\n{second}\n\nSomething else entirely, long enough to keep.")
    assert [block.text for block in blocks] == [first, "Something else entirely, long enough to keep."]


def test_empty_and_blank_text_have_no_blocks() -> None:
    assert split_blocks("") == []
    assert split_blocks(" \n\t\n \u00a0\n") == []
    assert split_blocks("●   \n\n") == []


def sentences_of(text: str) -> list[str]:
    """Split a whole string into sentence texts."""
    return [collapse_whitespace(text[start:end]) for start, end in split_sentences(text, 0, len(text))]


def test_sentences_split_at_terminal_punctuation() -> None:
    text = "It works. Does it? Yes!  “Quoted” next. 2013 was a year. (Aside.) Then more"
    assert sentences_of(text) == [
        "It works.",
        "Does it?",
        "Yes!",
        "“Quoted” next.",
        "2013 was a year.",
        "(Aside.)",
        "Then more",
    ]


def test_sentences_do_not_split_after_abbreviations_or_initials() -> None:
    text = "Ask e.g. Dr. Smith and J. Bloggs etc. Today. See No. 5 vs. Mr. Jones. End"
    assert sentences_of(text) == [
        "Ask e.g. Dr. Smith and J. Bloggs etc. Today.",
        "See No. 5 vs. Mr. Jones.",
        "End",
    ]


def test_sentences_do_not_split_before_lowercase() -> None:
    assert sentences_of("(e.g. technology etc.) can create. Next one") == [
        "(e.g. technology etc.) can create.",
        "Next one",
    ]


def test_sentences_stay_inside_the_range() -> None:
    raw = "xx First one. Second one. yy"
    spans = split_sentences(raw, 3, 25)
    assert [raw[start:end] for start, end in spans] == ["First one.", "Second one."]
    assert split_sentences(raw, 2, 3) == []


@settings(max_examples=300, deadline=None)
@given(MESSY_TEXT)
def test_blocks_and_sentences_are_verbatim_spans_for_any_text(raw: str) -> None:
    check_spans(raw, split_blocks(raw))


@settings(max_examples=200, deadline=None)
@given(MESSY_TEXT, st.data())
def test_sentences_are_verbatim_spans_for_any_range(raw: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(raw)))
    end = data.draw(st.integers(start, len(raw)))
    previous_end = start
    for sentence_start, sentence_end in split_sentences(raw, start, end):
        assert previous_end <= sentence_start < sentence_end <= end
        assert not raw[sentence_start].isspace() and not raw[sentence_end - 1].isspace()
        previous_end = sentence_end
    texts = [collapse_whitespace(raw[s:e]) for s, e in split_sentences(raw, start, end)]
    assert " ".join(texts) == collapse_whitespace(raw[start:end])
