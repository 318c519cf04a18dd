"""Tests for eval.baseline: naive chunks quote the raw text, carry a section, and answer with 4 citations."""

from pathlib import Path

from assistant.text.loaders import load_text
from eval.baseline import BaselinePipeline, section_of, split_corpus
from eval.metrics import citation_is_valid, split_statements

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def test_a_chunk_takes_the_section_that_covers_most_of_it():
    spans = [(0, 100, None), (110, 300, "One"), (310, 400, "Two")]
    assert section_of(50, 200, spans) == "One"  # 50 characters of None, 90 of One
    assert section_of(250, 400, spans) == "Two"
    assert section_of(102, 108, spans) is None  # between spans: the section before it
    assert section_of(305, 309, spans) == "One"


def test_naive_chunks_are_verbatim_and_at_most_1000_characters():
    chunks = split_corpus(CORPUS)
    assert {chunk.doc for chunk in chunks} == {path.name for path in CORPUS.glob("*.txt")}
    raws = {chunk.doc: load_text(CORPUS / chunk.doc) for chunk in chunks}
    for chunk in chunks:
        assert len(chunk.text) <= 1000
        assert raws[chunk.doc][chunk.start : chunk.end] == chunk.text
    assert any(chunk.section == "Unhinging issues" for chunk in chunks)


def test_the_baseline_answers_with_four_verbatim_chunks_and_never_refuses(fake_embeddings):
    pipeline = BaselinePipeline(CORPUS, fake_embeddings)
    output = pipeline.answer(["Why do shared services fail?", "What about the weather?"])
    answer = output.answer
    assert not answer.abstained
    assert answer.question == "What about the weather?"  # no conversation memory
    assert [citation.n for citation in answer.citations] == [1, 2, 3, 4]
    assert len(output.retrieved) == 4
    for citation in answer.citations:
        assert citation_is_valid(
            citation.quote, citation.start, citation.end, load_text(CORPUS / citation.doc)
        )
    assert {number for statement in split_statements(answer.answer) for number in statement.cited} == {
        1,
        2,
        3,
        4,
    }
    assert "total" in answer.timings_ms
