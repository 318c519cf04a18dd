"""Measure the discussion prompts against ``eval/cases/discussion.yaml``: for each theme, how many
distinct prompts come back, how close the closest two are, whether every prompt rests on a verbatim
quote, whether the quotes fall in the theme's part of the guidance, the mix of kinds (in the full set and
in a one-hour session of ``session_count`` prompts), prompts about the three sums as a tool rather than
about their ideas, and how much of each facilitator note only repeats its prompt's quote.
"""

from __future__ import annotations

import re
from itertools import combinations
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

CASES_DIR = Path(__file__).resolve().parent / "cases"
DISCUSSION_PATH = CASES_DIR / "discussion.yaml"


class ExpectedSource(BaseModel):
    """A place the prompts of a theme should draw on: a document, and a section or (None) all of it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    doc: str = Field(min_length=1)
    section: str | None


class DiscussionCase(BaseModel):
    """One theme, the number of prompts to ask for, and where their citations should fall."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    theme: str = Field(min_length=1)
    count: int = Field(10, ge=1, le=20)
    expected: tuple[ExpectedSource, ...] = Field(min_length=1)

    def covers(self, doc: str, section: str | None) -> bool:
        """Whether a citation of ``doc`` under ``section`` falls in an expected place."""
        return any(place.doc == doc and place.section in (None, section) for place in self.expected)


class DiscussionCases(BaseModel):
    """The discussion case file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    session_count: int = Field(6, ge=1, le=20, description="Prompts of a one-hour session (kinds measured).")
    tool_patterns: tuple[str, ...] = Field(
        default=(), description="Regular expressions (case-insensitive) of prompts about a tool itself."
    )
    cases: tuple[DiscussionCase, ...] = Field(min_length=1)


def load_discussion_cases(path: Path = DISCUSSION_PATH) -> tuple[DiscussionCase, ...]:
    """Read and validate the discussion cases.

    Raises:
        ValueError: naming the file, when it is missing or does not follow the schema.
    """
    return load_discussion_file(path).cases


def load_discussion_file(path: Path = DISCUSSION_PATH) -> DiscussionCases:
    """Read and validate the whole discussion case file (cases, session size, tool patterns).

    Raises:
        ValueError: naming the file, when it is missing, does not follow the schema or holds a pattern
            that is not a regular expression.
    """
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        cases = DiscussionCases.model_validate(data)
        for pattern in cases.tool_patterns:
            re.compile(pattern)
        return cases
    except (OSError, yaml.YAMLError, ValidationError, re.error) as error:
        raise ValueError(f"{Path(path).name}: {' '.join(str(error).split())[:300]}") from None


def evaluate_discussion(assistant: Any, cases_path: Path = DISCUSSION_PATH, seed: int = 0) -> dict[str, Any]:
    """Generate the prompts of every case and measure them.

    Args:
        assistant: The ``Assistant`` (index, embeddings and settings with the corpus folder).
        cases_path: The discussion case file.
        seed: Seed of the prompt selection.

    Returns:
        ``{"threshold", "seed", "session_count", "passed", "themes": {theme: figures}}``. Each theme's
        figures are ``requested``, ``returned``, ``max_similarity`` (highest embedding cosine between two
        of its prompts), ``verbatim_rate`` (share of prompts with at least one citation, every citation
        verbatim in the corpus), ``in_theme_rate`` (share of prompts whose citations all fall in the
        expected places), ``distinct_anchors`` (no two prompts rest on the same quote), ``distinct_quotes``
        (how many different quotes the prompts rest on), ``kinds`` (count per kind), ``session_kinds``
        (how many kinds among the ``session_count`` prompts of a one-hour session), ``tool_prompts``
        (prompts whose text or quote matches a tool pattern), ``note_overlap_max`` and
        ``note_overlap_mean`` (see ``note_overlap``) and ``passed``: all requested prompts came back, none
        closer than the threshold, every rate 1.0, distinct anchors. The new figures are gated by
        ``check_features`` against ``eval/thresholds.toml``.
    """
    from assistant.discussion.notes import QuoteCheck
    from assistant.discussion.prompts import generate_prompts
    from assistant.discussion.tuning import MAX_PROMPT_SIMILARITY

    check = QuoteCheck(assistant.settings.corpus_dir)
    book = load_discussion_file(cases_path)
    themes: dict[str, dict[str, Any]] = {}
    for case in book.cases:
        prompts = generate_prompts(assistant, case.theme, count=case.count, seed=seed).prompts
        session = generate_prompts(assistant, case.theme, count=book.session_count, seed=seed).prompts
        figures = measure_prompts(assistant.embeddings, prompts, case, check, book.tool_patterns)
        figures["session_kinds"] = len({prompt.kind for prompt in session})
        figures["passed"] = (
            len(prompts) == case.count
            and figures["max_similarity"] <= MAX_PROMPT_SIMILARITY
            and figures["verbatim_rate"] == 1.0
            and figures["in_theme_rate"] == 1.0
            and figures["distinct_anchors"]
        )
        themes[case.theme] = figures
    return {
        "threshold": MAX_PROMPT_SIMILARITY,
        "seed": seed,
        "session_count": book.session_count,
        "passed": all(figures["passed"] for figures in themes.values()),
        "themes": themes,
    }


def measure_prompts(
    embeddings: Any, prompts: list[Any], case: DiscussionCase, check: Any, tool_patterns: tuple[str, ...]
) -> dict[str, Any]:
    """The figures of one theme's prompts (see ``evaluate_discussion``), without the verdict."""
    verbatim = [
        bool(prompt.citations)
        and all(check.quote_is_verbatim(c.doc, c.quote, c.start, c.end) for c in prompt.citations)
        for prompt in prompts
    ]
    in_theme = [
        bool(prompt.citations) and all(case.covers(c.doc, c.section) for c in prompt.citations)
        for prompt in prompts
    ]
    quotes = [prompt.citations[0].quote if prompt.citations else "" for prompt in prompts]
    anchors = [quote for quote in quotes if quote]
    overlaps = [
        note_overlap(prompt.facilitator_note, quote) for prompt, quote in zip(prompts, quotes, strict=True)
    ]
    tools = [re.compile(pattern, re.IGNORECASE) for pattern in tool_patterns]
    return {
        "requested": case.count,
        "returned": len(prompts),
        "max_similarity": round(max_similarity(embeddings, [prompt.text for prompt in prompts]), 4),
        "verbatim_rate": _share(verbatim),
        "in_theme_rate": _share(in_theme),
        "distinct_anchors": len(set(anchors)) == len(anchors) == len(prompts),
        "distinct_quotes": len(set(anchors)),
        "kinds": {kind: sum(prompt.kind == kind for prompt in prompts) for kind in _kinds()},
        "tool_prompts": sum(
            any(tool.search(prompt.text) or tool.search(quote) for tool in tools)
            for prompt, quote in zip(prompts, quotes, strict=True)
        ),
        "note_overlap_max": round(max(overlaps, default=0.0), 4),
        "note_overlap_mean": round(sum(overlaps) / len(overlaps), 4) if overlaps else 0.0,
    }


CITATION_MARK = re.compile(r"\[\d+\]")


def note_overlap(note: str, quote: str) -> float:
    """Share of a facilitator note's distinct words (citation numbers left out) that are words of the
    quote its prompt rests on: 1.0 for a note that only repeats the quote, 0 for one that adds only
    new words. Every word counts, "the" and "of" too, so the figure errs on the high side."""
    from assistant.text.terms import words

    note_words = set(words(CITATION_MARK.sub(" ", note)))
    if not note_words:
        return 1.0
    return len(note_words & set(words(quote))) / len(note_words)


def max_similarity(embeddings: Any, texts: list[str]) -> float:
    """The highest embedding cosine between two of the texts (0 for fewer than two)."""
    if len(texts) < 2:
        return 0.0
    vectors = np.asarray(embeddings.encode(texts), dtype=np.float32)
    vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    return max(float(vectors[i] @ vectors[j]) for i, j in combinations(range(len(texts)), 2))


def format_discussion_report(results: dict[str, Any]) -> str:
    """The figures as a plain-text table, one theme a line."""
    lines = [
        f"Discussion prompts (seed {results['seed']}; similarity threshold {results['threshold']})",
        f"{'theme':34} {'returned':>8} {'max sim':>8} {'verbatim':>8} {'in theme':>8} {'quotes':>6} "
        f"{'tool':>4} {'overlap max/mean':>16} {'session kinds':>13}  kinds ({'/'.join(_kinds())})",
    ]
    for theme, figures in results["themes"].items():
        kinds = "/".join(str(figures["kinds"][kind]) for kind in _kinds())
        returned = f"{figures['returned']}/{figures['requested']}"
        overlap = f"{figures['note_overlap_max']:.2f}/{figures['note_overlap_mean']:.2f}"
        session = f"{figures['session_kinds']} of {results['session_count']}"
        lines.append(
            f"{theme:34} {returned:>8} {figures['max_similarity']:>8.3f} {figures['verbatim_rate']:>8.2f} "
            f"{figures['in_theme_rate']:>8.2f} {figures['distinct_quotes']:>6} {figures['tool_prompts']:>4} "
            f"{overlap:>16} {session:>13}  {kinds}" + ("" if figures["passed"] else "  FAILED")
        )
    return "\n".join(lines)


def _share(flags: list[bool]) -> float:
    return round(sum(flags) / len(flags), 4) if flags else 0.0


def _kinds() -> tuple[str, ...]:
    from assistant.discussion.templates import KINDS

    return KINDS
