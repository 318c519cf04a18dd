"""A possible discussion prompt before the pick: its anchor sentence, its texts and its note's quotes."""

from __future__ import annotations

from dataclasses import dataclass, field

from assistant.discussion.templates import Kind
from assistant.records import Chunk, Sentence


@dataclass
class Candidate:
    """A possible prompt: its anchor sentence, the texts it could take, and the quotes of its note."""

    kind: Kind
    anchor: Sentence
    chunk: Chunk
    group: str
    """The anchor's role, or a scenario's example: each prompt of a group lowers the next one's priority."""
    priority: float
    texts: list[tuple[str, str]]
    """(template key, prompt text), in seeded order of preference."""
    note: list[tuple[str, Sentence]]
    """(words before the quote, quoted sentence): the anchor first."""
    probe: str = ""
    """A follow-up question for the facilitator."""
    surface: list[tuple[str, Sentence]] = field(default_factory=list)
    """Quotes a good discussion would reach (hand-written prompts name theirs; others are found later)."""
    sides: list[Sentence] = field(default_factory=list)
    """Other sentences the prompt itself is about (a contrast's other side): no other prompt rests on them."""

    def anchors(self) -> list[Sentence]:
        """Every sentence the prompt is about: its anchor and the other sides of a contrast."""
        return [self.anchor, *self.sides]
