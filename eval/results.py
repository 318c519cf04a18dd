"""What an eval run produces: per-question results, each pipeline's summary and the whole run.

``summarise`` turns per-question results into the summary the table, the report and the gate read;
it is pure, so tests can build results by hand without a model.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal

from assistant.records import Answer
from eval.metrics import EQUAL_LENGTH, mean, median, percentile, rate, recall


@dataclass(frozen=True)
class Metric:
    """A summary metric as the table and report show it."""

    name: str
    label: str
    unit: Literal["rate", "chars", "ms"]
    higher_is_better: bool


METRICS: tuple[Metric, ...] = (
    Metric("recall_at_5", "recall@5", "rate", True),
    Metric("mrr_at_10", "MRR@10", "rate", True),
    Metric("ndcg_at_10", "nDCG@10", "rate", True),
    Metric("nugget_recall_phrase", "nugget recall (phrase)", "rate", True),
    Metric("nugget_recall_embedding", "nugget recall (embedding)", "rate", True),
    Metric("nugget_recall_phrase_equal", f"  first {EQUAL_LENGTH:,} chars (phrase)", "rate", True),
    Metric("nugget_recall_embedding_equal", f"  first {EQUAL_LENGTH:,} chars (embedding)", "rate", True),
    Metric("citation_validity", "citation validity", "rate", True),
    Metric("citation_recall", "citation recall", "rate", True),
    Metric("citation_precision", "citation precision", "rate", True),
    Metric("model_written", "written by the model", "rate", True),
    Metric("sentences_kept", "model sentences kept", "rate", True),
    Metric("correct_refusal", "correct refusal", "rate", True),
    Metric("false_refusal", "false refusal", "rate", False),
    Metric("median_chars", "median chars", "chars", False),
    Metric("p90_chars", "p90 chars", "chars", False),
    Metric("latency_p50_ms", "p50 ms", "ms", False),
    Metric("latency_p95_ms", "p95 ms", "ms", False),
)
"""Every summary metric, in table order."""

METRIC_NAMES = frozenset(metric.name for metric in METRICS)


@dataclass(frozen=True)
class PipelineOutput:
    """What a pipeline returned for one question: its answer and the units of the passages it retrieved."""

    answer: Answer
    retrieved: list[tuple[str, str | None]]


@dataclass
class CaseResult:
    """One pipeline's answer to one gold question, with its scores.

    Retrieval and nugget scores are None for out-of-scope questions; citation recall is None when
    the answer has no statements, citation precision when it has no cited statements.
    """

    case_id: str
    kind: str
    question: str
    answer: str
    abstained: bool
    citations: list[dict[str, Any]]
    retrieved: list[tuple[str, str | None]]
    latency_ms: float
    earlier_questions: list[str] = field(default_factory=list)
    recall_at_5: float | None = None
    reciprocal_rank_at_10: float | None = None
    ndcg_at_10: float | None = None
    nugget_labels: list[str] = field(default_factory=list)
    nuggets_found_phrase: list[bool] = field(default_factory=list)
    nuggets_found_embedding: list[bool] = field(default_factory=list)
    nuggets_found_phrase_equal: list[bool] = field(default_factory=list)
    nuggets_found_embedding_equal: list[bool] = field(default_factory=list)
    citations_valid: list[bool] = field(default_factory=list)
    statements: int = 0
    citation_recall: float | None = None
    citation_precision: float | None = None
    generator: str = "extractive"
    verification: dict[str, int] | None = None

    @property
    def in_scope(self) -> bool:
        """Whether the guidance answers the question."""
        return self.kind == "in_scope"

    @property
    def nugget_recall_phrase(self) -> float | None:
        """Share of nuggets found by phrasing (None out of scope)."""
        return sum(self.nuggets_found_phrase) / len(self.nugget_labels) if self.nugget_labels else None

    @property
    def nugget_recall_embedding(self) -> float | None:
        """Share of nuggets found by embedding (None out of scope)."""
        return sum(self.nuggets_found_embedding) / len(self.nugget_labels) if self.nugget_labels else None

    @property
    def nugget_recall_phrase_equal(self) -> float | None:
        """Share of nuggets found by phrasing in the answer's first ``EQUAL_LENGTH`` characters."""
        return recall(self.nuggets_found_phrase_equal) if self.nugget_labels else None

    @property
    def nugget_recall_embedding_equal(self) -> float | None:
        """Share of nuggets found by embedding in the answer's first ``EQUAL_LENGTH`` characters."""
        return recall(self.nuggets_found_embedding_equal) if self.nugget_labels else None

    @property
    def missing_nuggets(self) -> list[str]:
        """Labels of the nuggets the phrasing matcher did not find."""
        return [
            label
            for label, found in zip(self.nugget_labels, self.nuggets_found_phrase, strict=True)
            if not found
        ]

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict, with the per-question recalls included."""
        data = asdict(self)
        data["retrieved"] = [list(unit) for unit in self.retrieved]
        data["nugget_recall_phrase"] = self.nugget_recall_phrase
        data["nugget_recall_embedding"] = self.nugget_recall_embedding
        data["nugget_recall_phrase_equal"] = self.nugget_recall_phrase_equal
        data["nugget_recall_embedding_equal"] = self.nugget_recall_embedding_equal
        data["missing_nuggets"] = self.missing_nuggets
        return data


@dataclass(frozen=True)
class Summary:
    """A pipeline's scores over all gold questions (see ``summarise`` for each definition)."""

    cases: int
    in_scope: int
    out_of_scope: int
    citations: int
    recall_at_5: float | None
    mrr_at_10: float | None
    ndcg_at_10: float | None
    nugget_recall_phrase: float | None
    nugget_recall_embedding: float | None
    nugget_recall_phrase_equal: float | None
    nugget_recall_embedding_equal: float | None
    citation_validity: float | None
    citation_recall: float | None
    citation_precision: float | None
    model_written: float | None
    sentences_kept: float | None
    correct_refusal: float | None
    false_refusal: float | None
    median_chars: float | None
    p90_chars: float | None
    latency_p50_ms: float | None
    latency_p95_ms: float | None

    def value(self, metric: str) -> float | None:
        """The value of a metric by name."""
        if metric not in METRIC_NAMES:
            raise KeyError(metric)
        return getattr(self, metric)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {item.name: getattr(self, item.name) for item in fields(self)}


def summarise(results: list[CaseResult], writes_with_model: bool = False) -> Summary:
    """Aggregate one pipeline's per-question results (``writes_with_model``: a language model writes them).

    - recall@5, MRR@10, nDCG@10, nugget recalls: mean over in-scope questions (a refusal scores 0
      for nuggets).
    - the same nugget recalls in the first ``EQUAL_LENGTH`` characters of each answer: pipelines
      compared at equal length, since a longer answer finds more factors by its length alone.
    - citation validity: valid citations / all citations, over every answer.
    - citation recall and precision: mean over answers of the per-answer value (answers without
      statements, or without cited statements, are left out).
    - written by the model (only with a model): share of the answers that are not refusals whose text
      the model wrote, the rest being the extract it fell back to (timeout, error, nothing verified).
    - model sentences kept (only with a model): ``Σ kept / Σ sentences`` of the verification over
      every answer the model wrote anything for, fallbacks included.
    - correct refusal: share of out-of-scope questions refused; false refusal: share of in-scope
      questions refused.
    - median and p90 chars: answer length in characters over the answers that are not refusals.
    - p50 and p95 ms: nearest-rank percentiles of ``timings_ms["total"]`` over every question.
    """
    in_scope = [result for result in results if result.in_scope]
    out_of_scope = [result for result in results if not result.in_scope]
    validity = [valid for result in results for valid in result.citations_valid]
    lengths = [float(len(result.answer)) for result in results if not result.abstained]
    latencies = [result.latency_ms for result in results]
    answered = [result for result in results if not result.abstained]
    checks = [result.verification for result in results if result.verification]
    written = sum(check["sentences"] for check in checks)
    return Summary(
        cases=len(results),
        in_scope=len(in_scope),
        out_of_scope=len(out_of_scope),
        citations=len(validity),
        recall_at_5=mean([result.recall_at_5 for result in in_scope]),
        mrr_at_10=mean([result.reciprocal_rank_at_10 for result in in_scope]),
        ndcg_at_10=mean([result.ndcg_at_10 for result in in_scope]),
        nugget_recall_phrase=mean([result.nugget_recall_phrase for result in in_scope]),
        nugget_recall_embedding=mean([result.nugget_recall_embedding for result in in_scope]),
        nugget_recall_phrase_equal=mean([result.nugget_recall_phrase_equal for result in in_scope]),
        nugget_recall_embedding_equal=mean([result.nugget_recall_embedding_equal for result in in_scope]),
        citation_validity=rate(validity),
        citation_recall=mean([result.citation_recall for result in results]),
        citation_precision=mean([result.citation_precision for result in results]),
        model_written=rate([result.generator != "extractive" for result in answered])
        if writes_with_model
        else None,
        sentences_kept=sum(check["kept"] for check in checks) / written
        if writes_with_model and written
        else None,
        correct_refusal=rate([result.abstained for result in out_of_scope]),
        false_refusal=rate([result.abstained for result in in_scope]),
        median_chars=median(lengths),
        p90_chars=percentile(lengths, 90),
        latency_p50_ms=percentile(latencies, 50),
        latency_p95_ms=percentile(latencies, 95),
    )


@dataclass
class PipelineResult:
    """One pipeline's results and summary."""

    name: str
    description: str
    results: list[CaseResult]
    summary: Summary
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "name": self.name,
            "description": self.description,
            "seconds": round(self.seconds, 2),
            "summary": self.summary.to_json(),
            "cases": [result.to_json() for result in self.results],
        }


@dataclass
class GateResult:
    """The gate's verdict on one pipeline: passed when ``failures`` is empty."""

    pipeline: str
    failures: list[str]
    checked: dict[str, float]

    @property
    def passed(self) -> bool:
        """Whether every threshold was met."""
        return not self.failures

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "pipeline": self.pipeline,
            "passed": self.passed,
            "failures": self.failures,
            "thresholds": self.checked,
        }


@dataclass
class EvalRun:
    """Everything one ``assistant eval`` produced."""

    pipelines: list[PipelineResult]
    gate: GateResult
    cases_file: str
    seconds: float
    thresholds: dict[str, Any]
    feedback: list[dict[str, Any]] = field(default_factory=list)

    def pipeline(self, name: str) -> PipelineResult:
        """A pipeline's result by name."""
        return next(pipeline for pipeline in self.pipelines if pipeline.name == name)

    def to_json(self) -> dict[str, Any]:
        """The JSON object of ``assistant eval --json``."""
        return {
            "cases_file": self.cases_file,
            "seconds": round(self.seconds, 2),
            "gate": self.gate.to_json(),
            "thresholds": self.thresholds,
            "pipelines": [pipeline.to_json() for pipeline in self.pipelines],
            "feedback_thumbs_down": self.feedback,
        }
