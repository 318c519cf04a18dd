"""Tests for eval.cases: the gold cases load, the schema refuses mistakes, and the cases match the corpus."""

from pathlib import Path

import pytest
import yaml

from assistant.text.loaders import load_text
from eval.calibration import NUGGET_SAMPLE, SUPPORT_SAMPLE, NuggetSample, SupportSample
from eval.cases import QUESTIONS_PATH, CaseFileError, load_question_cases, load_yaml
from eval.metrics import collapse
from ingest.chunking import chunk_document

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


@pytest.fixture(scope="module")
def corpus_texts() -> dict[str, str]:
    """Raw text of every corpus document, by file name."""
    return {path.name: load_text(path) for path in sorted(CORPUS.glob("*.txt"))}


def write_cases(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "questions.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


IN_SCOPE = {
    "id": "one",
    "question": "Why?",
    "kind": "in_scope",
    "expected": [{"doc": "a.txt", "section": None}],
    "nuggets": [{"label": "x", "phrasings": ["x"]}],
}


def test_the_gold_cases_load_with_the_documented_counts():
    cases = load_question_cases()
    kinds = [case.kind for case in cases.cases]
    assert kinds.count("in_scope") == 64
    assert kinds.count("out_of_scope") == 15
    assert len(cases.conversations) == 10
    gold = cases.gold_cases()
    assert len(gold) == 89
    conversation = next(case for case in gold if case.id == "conv-fail-avoid")
    assert conversation.questions == ("Why do shared services fail?", "And how do we avoid that?")
    assert conversation.in_scope and conversation.nuggets and conversation.expected


@pytest.mark.parametrize(
    "change, message",
    [
        ({"extra": 1}, "Extra inputs are not permitted"),
        ({"nuggets": None}, "needs expected and nuggets"),
        ({"kind": "out_of_scope"}, "has no expected or nuggets"),
        ({"id": "Not Kebab"}, "should match pattern"),
        ({"nuggets": [{"label": "x", "phrasings": ["Upper Case"]}]}, "must be lower case"),
        ({"expected": [{"doc": "a.txt"}]}, "section"),
    ],
)
def test_the_schema_refuses_mistakes(tmp_path, change, message):
    path = write_cases(tmp_path, {"cases": [{**IN_SCOPE, **change}]})
    with pytest.raises(CaseFileError, match=message):
        load_question_cases(path)


def test_repeated_ids_and_misplaced_turn_nuggets_are_refused(tmp_path):
    with pytest.raises(CaseFileError, match="repeated case ids: one"):
        load_question_cases(write_cases(tmp_path, {"cases": [IN_SCOPE, IN_SCOPE]}))
    turn = {"question": "And?", "expected": IN_SCOPE["expected"], "nuggets": IN_SCOPE["nuggets"]}
    conversation = {"id": "two", "turns": [turn, {"question": "Then?"}]}
    with pytest.raises(CaseFileError, match="last turn needs"):
        load_question_cases(write_cases(tmp_path, {"cases": [IN_SCOPE], "conversations": [conversation]}))


def test_a_missing_or_broken_file_is_one_clear_error(tmp_path):
    with pytest.raises(CaseFileError, match="cannot read"):
        load_question_cases(tmp_path / "missing.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("cases: [unclosed", encoding="utf-8")
    with pytest.raises(CaseFileError, match="cannot read"):
        load_question_cases(broken)


def test_expected_documents_and_sections_exist_in_the_ingested_corpus(corpus_texts):
    sections = {
        doc: {chunk.section for chunk in chunk_document(doc, doc, raw)} for doc, raw in corpus_texts.items()
    }
    for case in load_question_cases(QUESTIONS_PATH).gold_cases():
        for expected in case.expected:
            assert expected.doc in sections, (case.id, expected.doc)
            if expected.section is not None:
                assert expected.section in sections[expected.doc], (case.id, expected.section)


def test_every_phrasing_occurs_in_an_expected_document(corpus_texts):
    texts = {doc: collapse(raw).lower() for doc, raw in corpus_texts.items()}
    for case in load_question_cases().gold_cases():
        docs = {expected.doc for expected in case.expected}
        for nugget in case.nuggets:
            for phrasing in nugget.phrasings:
                assert any(collapse(phrasing) in texts[doc] for doc in docs), (case.id, phrasing)


def test_calibration_samples_quote_the_corpus_and_the_gold_nuggets(corpus_texts):
    corpus = " ".join(collapse(raw) for raw in corpus_texts.values())
    gold = {
        (nugget.label, tuple(nugget.phrasings))
        for case in load_question_cases().gold_cases()
        for nugget in case.nuggets
    }
    nuggets = load_yaml(NUGGET_SAMPLE, NuggetSample).pairs
    support = load_yaml(SUPPORT_SAMPLE, SupportSample).pairs
    assert len(nuggets) >= 40 and len(support) >= 40
    assert 0.3 < sum(pair.match for pair in nuggets) / len(nuggets) < 0.7
    assert 0.3 < sum(pair.supported for pair in support) / len(support) < 0.7
    for pair in nuggets:
        assert pair.sentence in corpus, pair.sentence
        assert (pair.nugget.label, tuple(pair.nugget.phrasings)) in gold, pair.nugget.label
    for pair in support:
        assert pair.quote in corpus, pair.quote
