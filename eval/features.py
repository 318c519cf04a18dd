"""The proposal review and the discussion prompts, measured in the same ``assistant eval`` run."""

from __future__ import annotations

from typing import Any

from eval.gate import FeatureThresholds


def evaluate_features(settings: Any, embeddings: Any) -> dict[str, Any]:
    """Review every eval proposal and generate prompts for every theme, with the shared model."""
    from assistant.service import open_assistant
    from eval.discussion_eval import evaluate_discussion
    from eval.review_eval import evaluate_reviews

    assistant = open_assistant(settings, embeddings=embeddings)
    return {"review": evaluate_reviews(assistant), "prompts": evaluate_discussion(assistant)}


def check_features(figures: dict[str, Any], limits: FeatureThresholds) -> list[str]:
    """One line per feature threshold missed (none: the features pass)."""
    main = figures["review"]["main"]
    measured = {
        "review_risk_recall_min": main["status"]["risk"]["recall"],
        "review_risk_precision_min": main["status"]["risk"]["precision"],
        "review_addressed_recall_min": main["status"]["addressed"]["recall"],
        "review_sum_accuracy_min": main["sum_accuracy"],
    }
    failures = [
        f"{name[:-4]} = {value} is below the minimum {getattr(limits, name)}"
        for name, value in measured.items()
        if value is None or value < getattr(limits, name)
    ]
    if limits.review_sound_not_drowned:
        failures += [
            f"sound proposal {item['case']} has {item['risks']} false risks (at most {item['max']})"
            for item in main["false_risks"]
            if not item["ok"]
        ]
    if limits.prompts_all_themes:
        failures += [
            f"prompts for theme {theme} fall short: {result}"
            for theme, result in figures["prompts"]["themes"].items()
            if not result["passed"]
        ]
    return failures
