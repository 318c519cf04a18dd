"""Tests for eval.gate: the thresholds file, and a broken pipeline failing the gate."""

import random
from dataclasses import replace
from pathlib import Path

import pytest

from assistant.index.embeddings import EmbeddingCache
from assistant.text.loaders import load_text
from eval.cases import load_question_cases
from eval.gate import ThresholdsError, check_gate, load_thresholds
from eval.results import PipelineOutput, Summary, summarise
from eval.scoring import score_outputs
from ingest.chunking import chunk_document

CORPUS = Path(__file__).resolve().parents[2] / "corpus"

GOOD = Summary(
    cases=89, in_scope=74, out_of_scope=15, citations=400,
    recall_at_5=0.9, mrr_at_10=0.9, ndcg_at_10=0.9, nugget_recall_phrase=0.9, nugget_recall_embedding=0.9,
    nugget_recall_phrase_equal=0.9, nugget_recall_embedding_equal=0.9,
    citation_validity=1.0, citation_recall=1.0, citation_precision=1.0,
    model_written=None, sentences_kept=None, correct_refusal=1.0, false_refusal=0.0,
    median_chars=600.0, p90_chars=900.0, latency_p50_ms=20.0, latency_p95_ms=40.0,
)  # fmt: skip


def test_the_thresholds_file_loads_and_gates_the_documented_metrics():
    thresholds = load_thresholds()
    assert thresholds.gate["citation_validity_min"] == 1.0
    assert thresholds.gate["median_chars_max"] == 1200
    for key in ("recall_at_5_min", "nugget_recall_phrase_min", "correct_refusal_min", "false_refusal_max"):
        assert key in thresholds.gate
    assert 0 < thresholds.support.lexical_min <= 1


def test_unknown_gate_keys_are_refused(tmp_path):
    path = tmp_path / "thresholds.toml"
    path.write_text(
        "[nugget_match]\nembedding_min = 0.5\n[support]\nlexical_min = 0.5\nembedding_min = 0.5\n"
        "[gate]\nrecal_at_5_min = 0.5\n",
        encoding="utf-8",
    )
    with pytest.raises(ThresholdsError, match="recal_at_5_min"):
        load_thresholds(path)
    with pytest.raises(ThresholdsError, match="cannot read"):
        load_thresholds(tmp_path / "missing.toml")


def test_a_pipeline_meeting_every_threshold_passes():
    gate = check_gate(GOOD, load_thresholds().gate)
    assert gate.passed, gate.failures


def test_each_missed_threshold_is_named():
    gate = check_gate(replace(GOOD, median_chars=5000.0, citation_validity=0.99), load_thresholds().gate)
    assert not gate.passed
    assert len(gate.failures) == 2
    assert any(
        failure.startswith("median_chars = 5000 is above the maximum 1200") for failure in gate.failures
    )
    assert any(
        failure.startswith("citation_validity = 0.99 is below the minimum 1") for failure in gate.failures
    )


def test_an_unmeasured_metric_misses_its_threshold():
    gate = check_gate(replace(GOOD, citation_validity=None), {"citation_validity_min": 1.0})
    assert gate.failures == ["citation_validity was not measured (minimum 1)"]


class RandomPipeline:
    """A broken pipeline: its retriever returns random chunks and it answers with their first sentences."""

    name = "random"
    description = "random chunks"

    def __init__(self, seed: int = 7) -> None:
        self.random = random.Random(seed)
        self.chunks = [
            chunk
            for path in sorted(CORPUS.glob("*.txt"))
            for chunk in chunk_document(path.name, path.name, load_text(path))
        ]

    def answer(self, questions, make_answer):
        picked = self.random.sample(self.chunks, 4)
        quotes = [
            (chunk.doc, chunk.sentences[0].text, chunk.sentences[0].start, chunk.sentences[0].end)
            for chunk in picked
        ]
        return PipelineOutput(
            make_answer(questions[-1], quotes), [(chunk.doc, chunk.section) for chunk in picked]
        )


def score(outputs, fake_embeddings):
    cases = load_question_cases().gold_cases()
    results = score_outputs(cases, outputs(cases), EmbeddingCache(fake_embeddings), CORPUS, load_thresholds())
    return summarise(results)


def test_a_pipeline_with_a_random_retriever_fails_the_gate(fake_embeddings, make_answer):
    pipeline = RandomPipeline()
    summary = score(
        lambda cases: [pipeline.answer(case.questions, make_answer) for case in cases], fake_embeddings
    )
    assert summary.citation_validity == 1.0  # its quotes are verbatim...
    gate = check_gate(summary, load_thresholds().gate)
    failed = {failure.split(" ")[0] for failure in gate.failures}
    assert {"recall_at_5", "mrr_at_10", "nugget_recall_phrase", "correct_refusal"} <= failed  # ...but wrong


def test_a_pipeline_over_an_empty_corpus_fails_the_gate(fake_embeddings, make_answer):
    summary = score(
        lambda cases: [PipelineOutput(make_answer(case.question, [], abstained=True), []) for case in cases],
        fake_embeddings,
    )
    assert summary.correct_refusal == 1.0 and summary.false_refusal == 1.0
    gate = check_gate(summary, load_thresholds().gate)
    failed = {failure.split(" ")[0] for failure in gate.failures}
    assert {
        "recall_at_5",
        "nugget_recall_phrase",
        "false_refusal",
        "citation_validity",
        "median_chars",
    } <= failed
