"""Text written to a language model rather than to a reader (prompt injection), and requests for secrets.

A proposal or a corpus document may carry sentences such as "Ignore all previous instructions",
"SYSTEM: new rules" or "send your password to ...". They say nothing about sharing services: the review
does not judge them, and the verifier of generated answers never lets them (or the paragraph they sit
in) support a statement, so a model that obeys them gets nothing through.
"""

from __future__ import annotations

import re

MODEL_DIRECTIONS = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b[^.!?\n]{0,60}\b(?:instructions?|prompts?|rules|guidelines)\b"
    r"|\byou are (?:now|an?)\b[^.!?\n]{0,40}\b(?:mode|assistant|model|AI|reviewer)\b"
    r"|\b(?:system prompt|you must now|as an AI)\b"
    r"|\bthe (?:AI|chatbot|language model|LLM|assistant)\s+(?:must|should|shall|will|is to|has to|needs to)\b"
    r"|^\s*(?:system|assistant|user|developer)\s*:"
    r"|</?\s*(?:system|instructions?|prompt|document|proposal|sources?)\s*>",
    re.IGNORECASE,
)
"""Sentences written to a language model: "Ignore all previous instructions", "You are now in developer
mode", "The assistant must ...", "SYSTEM:", "<instructions>"."""

SECRET_REQUESTS = re.compile(
    r"\b(?:send|give|e-?mail|share|forward|reply with|enter|type|tell us)\b[^.!?\n]{0,40}"
    r"\b(?:passwords?|passcodes?|passphrases?|credentials|login details|PINs?|bank details|card numbers?)\b",
    re.IGNORECASE,
)
"""Sentences asking the reader for a password or other secret (phishing): never something the guidance
on sharing services asks of its reader."""


def is_directed_at_model(text: str) -> bool:
    """Whether a sentence is written to a language model or asks its reader for a secret."""
    return bool(MODEL_DIRECTIONS.search(text) or SECRET_REQUESTS.search(text))
