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
    return failures + _prompt_quality_failures(figures["prompts"]["themes"], limits)


def _prompt_quality_failures(themes: dict[str, Any], limits: FeatureThresholds) -> list[str]:
    """One line per theme whose prompts miss a quality threshold: kinds in a session, note overlap with
    the quote, prompts about a tool. A figure the eval did not report misses."""
    failures = []
    for theme, result in themes.items():
        kinds = result.get("session_kinds")
        if kinds is None or kinds < limits.prompts_session_kinds_min:
            failures.append(
                f"prompts for theme {theme}: {kinds} kinds in a session, "
                f"below {limits.prompts_session_kinds_min}"
            )
        overlap = result.get("note_overlap_max")
        if overlap is None or overlap >= limits.prompts_note_overlap_under:
            failures.append(
                f"prompts for theme {theme}: a note shares {overlap} of its words with its quote "
                f"(must be under {limits.prompts_note_overlap_under})"
            )
        tools = result.get("tool_prompts")
        if tools is None or tools > limits.prompts_tool_prompts_max:
            failures.append(
                f"prompts for theme {theme}: {tools} prompts about a tool "
                f"(at most {limits.prompts_tool_prompts_max})"
            )
    return failures
