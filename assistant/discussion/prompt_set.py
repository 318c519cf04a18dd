"""What a set of discussion prompts is: each prompt with its facilitator note and citations, by theme."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from assistant.discussion.templates import Kind
from assistant.records import Citation


@dataclass(frozen=True)
class DiscussionPrompt:
    """One prompt: its text, its kind, and a note for the facilitator quoting the guidance ``[n]``."""

    text: str
    kind: Kind
    facilitator_note: str
    citations: list[Citation]

    def to_json(self) -> dict[str, Any]:
        """The prompt as in ``assistant prompts --json``."""
        return {
            "text": self.text,
            "kind": self.kind,
            "facilitator_note": self.facilitator_note,
            "citations": [asdict(citation) for citation in self.citations],
        }


@dataclass
class PromptSet:
    """The prompts on one theme, by kind; citation numbers ``[n]`` run across the whole set."""

    theme: str
    title: str
    description: str
    prompts: list[DiscussionPrompt] = field(default_factory=list)
    note: str | None = None
    seed: int = 0

    def sources(self) -> list[Citation]:
        """Every cited passage once, by number (for the handout's list of sources)."""
        unique = {citation.n: citation for prompt in self.prompts for citation in prompt.citations}
        return [unique[n] for n in sorted(unique)]

    def to_json(self) -> dict[str, Any]:
        """The JSON object of ``assistant prompts --json``."""
        return {
            "theme": self.theme,
            "title": self.title,
            "description": self.description,
            "note": self.note,
            "prompts": [prompt.to_json() for prompt in self.prompts],
        }
