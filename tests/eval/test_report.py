"""Tests for eval.report and the feedback log it reads: the table, the JSON, the HTML report, escaping."""

import json
from pathlib import Path

from assistant.answering.feedback import read_thumbs_down
from eval.gate import check_gate
from eval.report import render_html, render_json, render_table, render_text, write_html
from eval.results import CaseResult, EvalRun, PipelineResult, summarise

SCRIPT = "<script>alert('x')</script>"


def result(case_id: str, kind: str = "in_scope", **changes) -> CaseResult:
    values = dict(
        case_id=case_id,
        kind=kind,
        question=f"Question {case_id}?",
        answer=f"Answer {case_id}. [1]",
        abstained=False,
        citations=[{"n": 1, "doc": "a.txt", "section": "One"}],
        retrieved=[("a.txt", "One")],
        latency_ms=12.0,
        recall_at_5=1.0,
        reciprocal_rank_at_10=1.0,
        ndcg_at_10=1.0,
        nugget_labels=["first factor", "second factor"],
        nuggets_found_phrase=[True, False],
        nuggets_found_embedding=[True, True],
        citations_valid=[True],
        statements=1,
        citation_recall=1.0,
        citation_precision=1.0,
    )
    if kind == "out_of_scope":
        values.update(recall_at_5=None, reciprocal_rank_at_10=None, ndcg_at_10=None, nugget_labels=[],
                      nuggets_found_phrase=[], nuggets_found_embedding=[])  # fmt: skip
    values.update(changes)
    return CaseResult(**values)


def make_run(results: list[CaseResult], feedback=None) -> EvalRun:
    pipelines = [
        PipelineResult(name, f"the {name} pipeline", results, summarise(results), seconds=1.0)
        for name in ("baseline", "dense", "lexical", "hybrid")
    ]
    gate = check_gate(pipelines[-1].summary, {"median_chars_max": 1200, "recall_at_5_min": 0.9})
    return EvalRun(pipelines, gate, "eval/cases/questions.yaml", 12.5, {"gate": {}}, feedback or [])


def test_the_html_report_escapes_every_text():
    hostile = result(
        f"id-{SCRIPT}",
        question=f"Why {SCRIPT}?",
        earlier_questions=[f"Before {SCRIPT}"],
        answer=f"Because {SCRIPT} [1]",
        nugget_labels=[f"label {SCRIPT}"],
        nuggets_found_phrase=[False],
        nuggets_found_embedding=[False],
        citation_recall=0.0,
        citations=[{"n": 1, "doc": SCRIPT, "section": SCRIPT}],
    )
    refused = result("refused", abstained=True, answer=f"No {SCRIPT}", nuggets_found_phrase=[False, False])
    feedback = [{"question": f"Q {SCRIPT}", "answer": f"A {SCRIPT}", "citations": []}]
    page = render_html(make_run([hostile, refused], feedback))
    assert "<script" not in page
    assert "&lt;script&gt;" in page
    # id, question, earlier turn, answer, label, doc, section, refusal, feedback question and answer
    assert page.count("&lt;script&gt;") >= 10


def test_the_html_report_is_self_contained_with_charts_and_sections(tmp_path):
    run = make_run(
        [result("one"), result("two", nuggets_found_phrase=[False, False]), result("out", "out_of_scope")]
    )
    path = write_html(run, tmp_path / "reports")
    page = path.read_text(encoding="utf-8")
    assert path.name == "eval.html"
    assert page.startswith("<!DOCTYPE html>")
    assert "<style>" in page and "<svg" in page
    assert "http://" not in page and "https://" not in page and "<link" not in page
    for heading in ("Weakest questions", "Corpus gaps", "Nugget recall per question", "Thumbs-down feedback"):
        assert heading in page
    assert "two: Question two?" in page  # the weakest question is listed


def test_the_table_has_one_aligned_row_per_pipeline():
    table = render_table(make_run([result("one"), result("out", "out_of_scope")]).pipelines)
    lines = table.splitlines()
    assert len(lines) == 2 + 4
    assert lines[0].split()[:3] == ["pipeline", "recall@5", "MRR@10"]
    assert len({len(line) for line in lines}) == 1  # every row as wide as the header
    assert lines[-1].startswith("hybrid")
    assert "0.500" in lines[-1]  # nugget recall (phrase) of 1 in 2


def test_text_and_json_report_the_gate():
    run = make_run([result("one", recall_at_5=0.5)])
    assert "misses 1 of 2 thresholds" in render_text(run)
    assert "recall_at_5 = 0.5 is below the minimum 0.9" in render_text(run)
    data = json.loads(render_json(run))
    assert data["gate"]["passed"] is False
    assert [pipeline["name"] for pipeline in data["pipelines"]] == ["baseline", "dense", "lexical", "hybrid"]
    assert data["pipelines"][0]["cases"][0]["missing_nuggets"] == ["second factor"]


def test_feedback_keeps_thumbs_down_and_tolerates_bad_lines(tmp_path: Path):
    path = tmp_path / "feedback.jsonl"
    assert read_thumbs_down(path) == []  # missing file
    path.write_text(
        "\n".join(
            [
                json.dumps({"question": "Q1", "answer": "A1", "rating": "down", "citations": [{"n": 1}]}),
                json.dumps({"question": "Q2", "answer": "A2", "rating": "up", "citations": []}),
                "{not json",
                json.dumps(["a", "list"]),
                json.dumps({"question": "Q3", "rating": "down", "citations": "oops"}),
                "",
            ]
        ),
        encoding="utf-8",
    )
    assert read_thumbs_down(path) == [
        {"question": "Q1", "answer": "A1", "citations": [{"n": 1}]},
        {"question": "Q3", "answer": "", "citations": []},
    ]
    path.write_bytes(b"\xff\xfe\x00garbage")
    assert read_thumbs_down(path) == []
