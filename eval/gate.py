"""The thresholds file (``eval/thresholds.toml``) and the quality gate that ``assistant eval`` applies.

The file holds a ``[gate]`` table of ``<metric>_min`` / ``<metric>_max`` values that the hybrid
pipeline must meet; the calibrated matching thresholds (nugget embedding match, citation support) come
from the app's ``assistant/data/calibration.toml``, unless the thresholds file gives its own.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assistant.settings import CALIBRATION_FILE
from eval.cases import describe_errors
from eval.results import METRIC_NAMES, GateResult, Summary

THRESHOLDS_PATH = Path(__file__).resolve().parent / "thresholds.toml"
GATED_PIPELINE = "hybrid"


class ThresholdsError(ValueError):
    """A thresholds file that cannot be read or does not follow its schema."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class NuggetMatch(_Strict):
    """When the embedding matcher counts a nugget as found."""

    embedding_min: float = Field(ge=-1.0, le=1.0, description="Least cosine of nugget and answer sentence.")


class SupportThresholds(_Strict):
    """When a quote supports a statement: lexical share ≥ lexical_min OR cosine ≥ embedding_min."""

    lexical_min: float = Field(
        ge=0.0, le=1.0, description="Least share of statement content words in the quote."
    )
    embedding_min: float = Field(ge=-1.0, le=1.0, description="Least cosine of statement and quote.")


class FeatureThresholds(_Strict):
    """What the proposal review and the discussion prompts must reach (main review cases)."""

    review_risk_recall_min: float = Field(0.0, ge=0, le=1, description="Planted risks found.")
    review_risk_precision_min: float = Field(0.0, ge=0, le=1, description="Flagged risks that were planted.")
    review_addressed_recall_min: float = Field(0.0, ge=0, le=1, description="Addressed factors found.")
    review_sum_accuracy_min: float = Field(0.0, ge=0, le=1, description="Three-sums labels right.")
    review_sound_not_drowned: bool = Field(
        True, description="Sound proposals within their false-risk allowance."
    )
    prompts_all_themes: bool = Field(True, description="Every theme: distinct, verbatim, in-theme prompts.")
    prompts_session_kinds_min: int = Field(
        0, ge=0, le=5, description="Every theme: least number of kinds among a one-hour session's prompts."
    )
    prompts_note_overlap_under: float = Field(
        1.01, gt=0, le=1.01, description="Every note: shares less than this part of its words with its quote."
    )
    prompts_tool_prompts_max: int = Field(
        1000, ge=0, description="Every theme: most prompts about the guidance's tools rather than its ideas."
    )


class Thresholds(_Strict):
    """The whole thresholds file."""

    nugget_match: NuggetMatch
    support: SupportThresholds
    gate: dict[str, float]
    features: FeatureThresholds = Field(default_factory=lambda: FeatureThresholds())

    @field_validator("gate")
    @classmethod
    def _check_gate_keys(cls, gate: dict[str, float]) -> dict[str, float]:
        for key in gate:
            metric, _, bound = key.rpartition("_")
            if bound not in ("min", "max") or metric not in METRIC_NAMES:
                known = ", ".join(sorted(METRIC_NAMES))
                raise ValueError(f"{key!r} is not <metric>_min or <metric>_max; metrics: {known}")
        return gate


def _read_toml(path: Path) -> dict[str, object]:
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ThresholdsError(f"{path}: cannot read the thresholds ({error})") from None


def load_thresholds(path: Path = THRESHOLDS_PATH, calibration: Path = CALIBRATION_FILE) -> Thresholds:
    """Read and validate the thresholds file, over the calibrated values.

    Raises:
        ThresholdsError: when either file is missing, is not TOML or breaks the schema.
    """
    calibrated = _read_toml(calibration)
    data = {
        **{key: calibrated[key] for key in ("nugget_match", "support") if key in calibrated},
        **_read_toml(path),
    }
    try:
        return Thresholds.model_validate(data)
    except ValidationError as error:
        raise ThresholdsError(f"{path}: {describe_errors(error)}") from None


def check_gate(summary: Summary, gate: Mapping[str, float], pipeline: str = GATED_PIPELINE) -> GateResult:
    """Compare a pipeline's summary with the gate's thresholds.

    A metric that could not be measured (None) misses its threshold.

    Returns:
        The verdict, with one line per missed threshold.
    """
    failures = []
    for key, limit in gate.items():
        metric, _, bound = key.rpartition("_")
        value = summary.value(metric)
        if value is None:
            failures.append(f"{metric} was not measured ({bound}imum {limit:g})")
        elif bound == "min" and value < limit:
            failures.append(f"{metric} = {value:.4g} is below the minimum {limit:g}")
        elif bound == "max" and value > limit:
            failures.append(f"{metric} = {value:.4g} is above the maximum {limit:g}")
    return GateResult(pipeline=pipeline, failures=failures, checked=dict(gate))
