"""Measure the proposal review against the expected outcomes in ``eval/cases/reviews.yaml``.

Figures are reported separately for the main proposals (which the thresholds were calibrated on) and
the held-out ones (``heldout: true``, written in other words and never tuned on): per-status precision
and recall over the factors each case judges, sum accuracy, and false risks on sound proposals.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.review.catalogue import SumLabel

CASES_DIR = Path(__file__).resolve().parent / "cases"
REVIEWS_PATH = CASES_DIR / "reviews.yaml"
PROPOSALS_DIR = Path(__file__).resolve().parent / "proposals"

ExpectedStatus = str
STATUSES = ("risk", "addressed", "not_covered")


class ReviewCase(BaseModel):
    """One proposal and the outcomes expected of its review."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
    file: str = Field(min_length=1)
    sum: SumLabel
    expected: dict[str, ExpectedStatus] = Field(min_length=1)
    max_false_risks: int | None = Field(None, ge=0, description="For sound proposals: most risks allowed.")
    heldout: bool = False


class ReviewCases(BaseModel):
    """The review case file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    reviews: list[ReviewCase] = Field(min_length=1)


def load_review_cases(path: Path = REVIEWS_PATH) -> list[ReviewCase]:
    """Read and validate the review cases.

    Raises:
        ValueError: naming the file, when it is missing or does not follow the schema.
    """
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        cases = ReviewCases.model_validate(data).reviews
    except (OSError, yaml.YAMLError, ValidationError) as error:
        raise ValueError(f"{Path(path).name}: {' '.join(str(error).split())[:300]}") from None
    for case in cases:
        for factor_id, status in case.expected.items():
            if status not in STATUSES:
                raise ValueError(f"{Path(path).name}: {case.id}: {factor_id}: unknown status {status!r}")
    return cases


def evaluate_reviews(
    assistant: Any,
    cases_path: Path = REVIEWS_PATH,
    proposals_dir: Path = PROPOSALS_DIR,
) -> dict[str, Any]:
    """Review every case's proposal and score the findings.

    Args:
        assistant: Anything with ``embeddings`` (``encode``) and, optionally, ``cite`` (citations are
            not scored, so a stand-in without ``cite`` is enough).
        cases_path: The review case file.
        proposals_dir: Folder of the proposals the cases name.

    Returns:
        ``{"main": figures, "heldout": figures}``; each ``figures`` holds ``status`` (precision, recall
        and support per status), ``sum_accuracy``, ``false_risks`` (per sound proposal: risks flagged,
        the allowance and whether it was kept), ``cases`` and ``mismatches`` (case, factor, expected,
        found).
    """
    from assistant.review.judge import review_text
    from assistant.review.reading import read_proposal

    cases = load_review_cases(cases_path)
    outcomes: dict[str, list[dict[str, Any]]] = {"main": [], "heldout": []}
    for case in cases:
        path = Path(proposals_dir) / case.file
        text = read_proposal(path.read_bytes(), path.name, max_bytes=20_000_000)
        review = review_text(text, path.name, assistant.embeddings, cite=getattr(assistant, "cite", None))
        found = {finding.id: finding.status for finding in review.factors}
        outcomes["heldout" if case.heldout else "main"].append(
            {
                "case": case,
                "found": found,
                "sum": review.sum.label,
                "risks": sum(status == "risk" for status in found.values()),
            }
        )
    return {split: summarise(items) for split, items in outcomes.items()}


def summarise(outcomes: list[dict[str, Any]]) -> dict[str, Any]:
    """Precision and recall per status, sum accuracy and false risks over a set of reviewed cases."""
    pairs: list[tuple[str, str]] = []
    mismatches: list[dict[str, str]] = []
    false_risks: list[dict[str, Any]] = []
    sums_right = 0
    for outcome in outcomes:
        case: ReviewCase = outcome["case"]
        for factor_id, expected in case.expected.items():
            found = outcome["found"].get(factor_id, "missing")
            pairs.append((expected, found))
            if found != expected:
                mismatches.append(
                    {"case": case.id, "factor": factor_id, "expected": expected, "found": found}
                )
        sums_right += outcome["sum"] == case.sum
        if outcome["sum"] != case.sum:
            mismatches.append(
                {"case": case.id, "factor": "sum", "expected": case.sum, "found": outcome["sum"]}
            )
        if case.max_false_risks is not None:
            flagged = sorted(
                factor_id
                for factor_id, status in outcome["found"].items()
                if status == "risk" and case.expected.get(factor_id) != "risk"
            )
            false_risks.append(
                {
                    "case": case.id,
                    "risks": len(flagged),
                    "factors": flagged,
                    "max": case.max_false_risks,
                    "ok": len(flagged) <= case.max_false_risks,
                }
            )
    status_figures = {}
    for status in STATUSES:
        predicted = sum(found == status for _, found in pairs)
        actual = sum(expected == status for expected, _ in pairs)
        correct = sum(expected == found == status for expected, found in pairs)
        status_figures[status] = {
            "precision": round(correct / predicted, 3) if predicted else None,
            "recall": round(correct / actual, 3) if actual else None,
            "support": actual,
        }
    return {
        "cases": len(outcomes),
        "judged": len(pairs),
        "accuracy": round(sum(e == f for e, f in pairs) / len(pairs), 3) if pairs else None,
        "status": status_figures,
        "sum_accuracy": round(sums_right / len(outcomes), 3) if outcomes else None,
        "false_risks": false_risks,
        "mismatches": mismatches,
    }


def format_review_figures(figures: dict[str, Any]) -> str:
    """The figures as a short plain-text table, main and held-out side by side."""
    lines = []
    for split in ("main", "heldout"):
        part = figures.get(split)
        if not part or not part["cases"]:
            continue
        lines.append(
            f"{split}: {part['cases']} proposals, {part['judged']} judged factors, "
            f"accuracy {part['accuracy']}, sum accuracy {part['sum_accuracy']}"
        )
        for status, values in part["status"].items():
            lines.append(
                f"  {status:<12} precision {values['precision']!s:<6} recall {values['recall']!s:<6}"
                f" (n={values['support']})"
            )
        for item in part["false_risks"]:
            verdict = "ok" if item["ok"] else "TOO MANY"
            lines.append(
                f"  false risks on {item['case']}: {item['risks']} (max {item['max']}, {verdict})"
                + (f" {', '.join(item['factors'])}" if item["factors"] else "")
            )
    return "\n".join(lines)
