"""What an answer is: its text with inline ``[n]`` markers, and the quoted passages it rests on."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Citation:
    """One quoted passage: ``quote`` is verbatim document text and ``raw[start:end]`` its span."""

    n: int
    doc: str
    title: str
    section: str | None
    quote: str
    start: int
    end: int
    score: float


@dataclass
class Answer:
    """An answer as the CLI, the web app and the eval see it (the stable JSON contract)."""

    question: str
    answer: str
    abstained: bool
    citations: list[Citation] = field(default_factory=list)
    timings_ms: dict[str, float] = field(default_factory=dict)
    generator: str = "extractive"
    verification: dict[str, int] | None = None
    relevance: float = 0.0
    """How well the guidance covers the question (0-1), against the abstention threshold; not in JSON."""

    def to_json(self) -> dict[str, Any]:
        """The JSON object of ``assistant ask --json``."""
        data: dict[str, Any] = {
            "question": self.question,
            "answer": self.answer,
            "abstained": self.abstained,
            "citations": [asdict(citation) for citation in self.citations],
            "timings_ms": {key: round(value, 2) for key, value in self.timings_ms.items()},
            "generator": self.generator,
        }
        if self.verification is not None:
            data["verification"] = self.verification
        return data
