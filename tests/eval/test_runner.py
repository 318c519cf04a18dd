"""End-to-end: the whole ablation on a few gold cases with the real model and a fresh index."""

import re
from typing import Any

import pytest
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult

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


class QuotingModel(BaseChatModel):
    """Answers with the first sentence of source [1], cited, and one invented sentence citing it too."""

    @property
    def _llm_type(self) -> str:
        return "quoting"

    def _generate(self, messages: list[BaseMessage], *args: Any, **kwargs: Any) -> ChatResult:
        prompt = str(messages[-1].content)
        source = re.search(r"^\[1\] [^\n]*\n([^\n]+)", prompt, re.MULTILINE)
        first = re.split(r"(?<=[.!?])\s", source.group(1))[0] if source else "Nothing."
        reply = f"{first} [1] Every council must hire a unicorn by next spring [1]."
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=reply))])


@pytest.mark.model
def test_a_configured_model_is_scored_next_to_the_extractive_path(real_settings):
    from eval.runner import run_eval

    gold = {case.id: case for case in load_question_cases().gold_cases()}
    cases = [gold["fail-why"], gold["sums-one-and-a-half"], gold["oos-weather"]]
    settings = real_settings.model_copy(update={"llm_provider": "openai", "llm_model": "quoting"})
    run = run_eval(
        settings, cases, load_thresholds(), "three cases", ablation=False, log=lambda line: None,
        chat_model=QuotingModel(),
    )  # fmt: skip
    assert [pipeline.name for pipeline in run.pipelines] == ["hybrid", "hybrid+openai"]
    assert run.gate.pipeline == "hybrid"
    extract, written = (pipeline.summary for pipeline in run.pipelines)
    assert extract.model_written is None and written.model_written == 1.0
    # the invented sentence is removed by verification: half the sentences kept, all kept ones supported
    assert written.sentences_kept == 0.5
    assert written.citation_recall == 1.0 and written.citation_validity == 1.0
    answers = [result for result in run.pipelines[1].results if not result.abstained]
    assert answers and all("unicorn" not in result.answer for result in answers)
    assert all(result.generator == "openai:quoting" for result in answers)
    assert "hybrid+openai" in render_table(run.pipelines)
