"""End-to-end: the whole ablation on a few gold cases with the real model and a fresh index."""

import pytest

from eval.cases import load_question_cases
from eval.gate import load_thresholds
from eval.report import render_html, render_table


@pytest.mark.model
def test_four_pipelines_answer_the_same_cases(real_settings):
    from eval.runner import run_eval

    gold = {case.id: case for case in load_question_cases().gold_cases()}
    cases = [gold["fail-why"], gold["oos-weather"], gold["conv-key-person-protect"]]
    lines: list[str] = []
    run = run_eval(real_settings, cases, load_thresholds(), "three cases", log=lines.append)
    assert [pipeline.name for pipeline in run.pipelines] == ["baseline", "dense", "lexical", "hybrid"]
    for pipeline in run.pipelines:
        assert [result.case_id for result in pipeline.results] == [case.id for case in cases]
        assert pipeline.summary.citation_validity == 1.0
    assert run.pipeline("baseline").summary.correct_refusal == 0.0
    assert run.gate.pipeline == "hybrid"
    assert len(lines) == 6
    assert render_table(run.pipelines).count("\n") == 5
    assert "Weakest questions" in render_html(run)
