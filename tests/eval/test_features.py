"""The feature part of the gate: proposal review and discussion prompts."""

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
    return {"review": {"main": main}, "prompts": {"themes": {"three-sums": {"passed": theme_ok}}}}


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
