"""The feature part of the gate: proposal review and discussion prompts."""

import pytest

from eval.features import check_features
from eval.gate import FeatureThresholds


def figures(risk_recall: float = 0.95, false_ok: bool = True, theme_ok: bool = True) -> dict:
    status = {
        "risk": {"recall": risk_recall, "precision": 1.0},
        "addressed": {"recall": 0.97, "precision": 0.8},
    }
    main = {
        "status": status,
        "sum_accuracy": 1.0,
        "false_risks": [{"case": "sound", "risks": 1 if false_ok else 5, "max": 2, "ok": false_ok}],
    }
    theme = {"passed": theme_ok, "session_kinds": 4, "note_overlap_max": 0.3, "tool_prompts": 0}
    return {"review": {"main": main}, "prompts": {"themes": {"three-sums": theme}}}


def test_features_that_reach_their_thresholds_pass() -> None:
    assert check_features(figures(), FeatureThresholds(review_risk_recall_min=0.9)) == []


def test_each_shortfall_is_reported() -> None:
    limits = FeatureThresholds(review_risk_recall_min=0.9)
    assert "review_risk_recall" in check_features(figures(risk_recall=0.5), limits)[0]
    assert "false risks" in check_features(figures(false_ok=False), limits)[0]
    assert "three-sums" in check_features(figures(theme_ok=False), limits)[0]


def test_unmeasured_figure_misses() -> None:
    broken = figures()
    broken["review"]["main"]["status"]["risk"]["recall"] = None
    assert check_features(broken, FeatureThresholds(review_risk_recall_min=0.9))


def quality(kinds: int | None = 4, overlap: float | None = 0.3, tools: int | None = 0) -> dict:
    measured = figures()
    measured["prompts"]["themes"]["three-sums"].update(
        {"session_kinds": kinds, "note_overlap_max": overlap, "tool_prompts": tools}
    )
    return measured


QUALITY = FeatureThresholds(
    review_risk_recall_min=0.9,
    prompts_session_kinds_min=3,
    prompts_note_overlap_under=0.5,
    prompts_tool_prompts_max=0,
)


def test_prompts_that_reach_the_quality_thresholds_pass() -> None:
    assert check_features(quality(), QUALITY) == []


@pytest.mark.parametrize(
    ("measured", "words"),
    [
        ({"kinds": 2}, "2 kinds in a session"),
        ({"overlap": 0.5}, "shares 0.5 of its words"),
        ({"tools": 1}, "1 prompts about a tool"),
        ({"kinds": None}, "None kinds"),
        ({"overlap": None}, "shares None"),
    ],
)
def test_each_prompt_quality_shortfall_is_reported(measured: dict, words: str) -> None:
    failures = check_features(quality(**measured), QUALITY)
    assert len(failures) == 1 and words in failures[0] and "three-sums" in failures[0]
