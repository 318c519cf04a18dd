"""What a review is: the proposal's passages, the evidence quoted from them and the findings.

``Review.to_json`` is the stable JSON contract of ``assistant review --json``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from assistant.records import Citation
from assistant.review.tuning import MIN_JUDGED_SENTENCES

Status = Literal["risk", "addressed", "not_covered"]
STATUSES: tuple[Status, ...] = ("risk", "addressed", "not_covered")


@dataclass(frozen=True)
class Passage:
    """A sentence of the proposal: ``text`` is ``raw[start:end]`` with whitespace collapsed."""

    text: str
    start: int
    end: int
    heading: str | None = None
    """The heading the sentence stands under, if any."""

    def as_evidence(self) -> Evidence:
        """The passage as a quote from the proposal, with its span."""
        return Evidence(self.text, self.start, self.end)


@dataclass(frozen=True)
class Evidence:
    """A quote from the proposal and its span in the proposal's extracted text."""

    quote: str
    start: int
    end: int


@dataclass
class FactorFinding:
    """What the proposal says about one factor of the catalogue."""

    id: str
    title: str
    status: Status
    confidence: float
    evidence: list[Evidence] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    question: str = ""
    group: str = ""
    unclear: bool = False
    """A risk because the proposal defers, conditions or hedges the point ("unclear — ask")."""

    def to_json(self) -> dict[str, Any]:
        """The factor object of the review JSON."""
        return {
            "id": self.id,
            "title": self.title,
            "status": self.status,
            "confidence": round(self.confidence, 3),
            "unclear": self.unclear,
            "evidence": [asdict(item) for item in self.evidence],
            "citations": [asdict(citation) for citation in self.citations],
        }


@dataclass
class SumFinding:
    """The proposal's ambition: one of the three sums, with the sentences that show it."""

    label: str
    evidence: list[Evidence] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """The sum object of the review JSON (evidence as quote strings)."""
        return {
            "label": self.label,
            "evidence": [item.quote for item in self.evidence],
            "citations": [asdict(citation) for citation in self.citations],
        }


@dataclass
class Review:
    """The review of one proposal (the stable JSON contract of ``assistant review --json``)."""

    name: str
    chars: int
    sum: SumFinding
    factors: list[FactorFinding]
    questions: list[str]
    timings_ms: dict[str, float] = field(default_factory=dict)
    sentences: int = 0
    """How many of its sentences were judged."""

    @property
    def warning(self) -> str | None:
        """A plain warning when too few sentences could be judged for the checklist to mean anything."""
        if self.sentences >= MIN_JUDGED_SENTENCES:
            return None
        return (
            f"Only {self.sentences} sentence{'s' if self.sentences != 1 else ''} of this text could be "
            'judged: too little to review. "Not covered" here means the text says too little, not that '
            "the proposal is sound."
        )

    def by_status(self, status: Status) -> list[FactorFinding]:
        """Findings of one status, most confident first."""
        found = [finding for finding in self.factors if finding.status == status]
        return sorted(found, key=lambda finding: -finding.confidence)

    def to_json(self) -> dict[str, Any]:
        """The JSON object of ``assistant review --json``."""
        return {
            "proposal": {"name": self.name, "chars": self.chars, "sentences": self.sentences}
            | ({"warning": self.warning} if self.warning else {}),
            "sum": self.sum.to_json(),
            "factors": [finding.to_json() for finding in self.factors],
            "questions": list(self.questions),
        }
