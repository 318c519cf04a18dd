"""Debate motions built from a claim of the guidance: "This house believes that …" for a statement,
"This house would …" for an instruction, grammatical and with the claim's own words."""

from __future__ import annotations

import re
from collections.abc import Iterable

from assistant.discussion.tuning import MAX_MOTION_WORDS

INNER_DOUBLE = re.compile(r"“([^“”]*)”")
FIRST_WORD = re.compile(r"^[^\w]*([\w’'½+=-]+)")
LOWER_WORD = re.compile(r"(?<![\w’'])([a-z][a-z’'-]*)")

BELIEVES = "This house believes that {claim}."
WOULD = "This house would {claim}."

LEANS_BACK = re.compile(r"\b(this|these|those)\b", re.IGNORECASE)
"""A claim pointing back at what came before it ("this conundrum", "when this happens") is not a motion
a house can vote on without the paragraph around it."""


def lowercase_vocabulary(texts: Iterable[str]) -> frozenset[str]:
    """Every word that the texts write in lower case somewhere: a capitalised opening word found here is
    an ordinary word, one not found is a name ("Gordon", "Collaborate") and keeps its capital."""
    return frozenset(word for text in texts for word in LOWER_WORD.findall(text))


def build_motion(sentence: str, vocabulary: frozenset[str], imperative_openers: frozenset[str]) -> str | None:
    """A debate motion that states a sentence's claim, or None when the sentence makes none.

    A sentence opening with a verb of ``imperative_openers`` ("Be clear on…", "Ensure…") becomes "This
    house would be clear on…"; any other "This house believes that …", its first word lower-cased when it
    is an ordinary word. A question, a sentence opening with a name (reported speech: "Gordon clearly
    felt…"), one pointing back at the sentence before it ("this", "these") or one longer than
    ``MAX_MOTION_WORDS`` gives None. Double quotes inside turn single, for the motion is itself quoted.
    """
    claim = INNER_DOUBLE.sub(r"‘\1’", sentence.strip().removeprefix("Key learning:").strip())
    claim = claim.rstrip(" .;:,!")
    words = len(claim.split())
    if sentence.rstrip().endswith("?") or not 4 <= words <= MAX_MOTION_WORDS or LEANS_BACK.search(claim):
        return None
    found = FIRST_WORD.match(claim)
    if found is None:
        return None
    first = found.group(1)
    if first.lower() in imperative_openers:
        return WOULD.format(claim=_lower_first(claim))
    if first[:1].isupper() and not (len(first) > 1 and first.isupper()):
        if first.lower() not in vocabulary:
            return None
        claim = _lower_first(claim)
    return BELIEVES.format(claim=claim)


def _lower_first(text: str) -> str:
    """The text with its first letter in lower case."""
    for position, character in enumerate(text):
        if character.isalpha():
            return text[:position] + character.lower() + text[position + 1 :]
    return text
