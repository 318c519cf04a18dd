"""Measure the discussion prompts against ``eval/cases/discussion.yaml``: for each theme, how many
distinct prompts come back, how close the closest two are, whether every prompt rests on a verbatim
quote, whether the quotes fall in the theme's part of the guidance, and the mix of kinds.
"""

from __future__ import annotations

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

    cases: tuple[DiscussionCase, ...] = Field(min_length=1)


def load_discussion_cases(path: Path = DISCUSSION_PATH) -> tuple[DiscussionCase, ...]:
    """Read and validate the discussion cases.

    Raises:
        ValueError: naming the file, when it is missing or does not follow the schema.
    """
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
        return DiscussionCases.model_validate(data).cases
    except (OSError, yaml.YAMLError, ValidationError) as error:
        raise ValueError(f"{Path(path).name}: {' '.join(str(error).split())[:300]}") from None


def evaluate_discussion(assistant: Any, cases_path: Path = DISCUSSION_PATH, seed: int = 0) -> dict[str, Any]:
    """Generate the prompts of every case and measure them.

    Args:
        assistant: The ``Assistant`` (index, embeddings and settings with the corpus folder).
        cases_path: The discussion case file.
        seed: Seed of the prompt selection.

    Returns:
        ``{"threshold", "seed", "passed", "themes": {theme: figures}}``. Each theme's figures are
        ``requested``, ``returned``, ``max_similarity`` (highest embedding cosine between two of its
        prompts), ``verbatim_rate`` (share of prompts with at least one citation, every citation
        verbatim in the corpus), ``in_theme_rate`` (share of prompts whose citations all fall in the
        expected places), ``distinct_anchors`` (no two prompts rest on the same quote), ``kinds`` (count
        per kind) and ``passed``: all requested prompts came back, none closer than the threshold, every
        rate 1.0.
    """
    from assistant.discussion.notes import QuoteCheck
    from assistant.discussion.prompts import generate_prompts
    from assistant.discussion.tuning import MAX_PROMPT_SIMILARITY

    check = QuoteCheck(assistant.settings.corpus_dir)
    themes: dict[str, dict[str, Any]] = {}
    for case in load_discussion_cases(cases_path):
        prompt_set = generate_prompts(assistant, case.theme, count=case.count, seed=seed)
        prompts = prompt_set.prompts
        texts = [prompt.text for prompt in prompts]
        verbatim = [
            bool(prompt.citations)
            and all(check.quote_is_verbatim(c.doc, c.quote, c.start, c.end) for c in prompt.citations)
            for prompt in prompts
        ]
        in_theme = [
            bool(prompt.citations) and all(case.covers(c.doc, c.section) for c in prompt.citations)
            for prompt in prompts
        ]
        anchors = [prompt.citations[0].quote for prompt in prompts if prompt.citations]
        similarity = round(max_similarity(assistant.embeddings, texts), 4)
        verbatim_rate, in_theme_rate = _share(verbatim), _share(in_theme)
        distinct = len(set(anchors)) == len(anchors) == len(prompts)
        figures: dict[str, Any] = {
            "requested": case.count,
            "returned": len(prompts),
            "max_similarity": similarity,
            "verbatim_rate": verbatim_rate,
            "in_theme_rate": in_theme_rate,
            "distinct_anchors": distinct,
            "kinds": {kind: sum(prompt.kind == kind for prompt in prompts) for kind in _kinds()},
            "passed": len(prompts) == case.count
            and similarity <= MAX_PROMPT_SIMILARITY
            and verbatim_rate == 1.0
            and in_theme_rate == 1.0
            and distinct,
        }
        themes[case.theme] = figures
    return {
        "threshold": MAX_PROMPT_SIMILARITY,
        "seed": seed,
        "passed": all(figures["passed"] for figures in themes.values()),
        "themes": themes,
    }


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
        f"{'theme':34} {'returned':>8} {'max sim':>8} {'verbatim':>8} {'in theme':>8}  kinds (q/s/d)",
    ]
    for theme, figures in results["themes"].items():
        kinds = "/".join(str(figures["kinds"][kind]) for kind in _kinds())
        returned = f"{figures['returned']}/{figures['requested']}"
        lines.append(
            f"{theme:34} {returned:>8} {figures['max_similarity']:>8.3f} {figures['verbatim_rate']:>8.2f} "
            f"{figures['in_theme_rate']:>8.2f}  {kinds}" + ("" if figures["passed"] else "  FAILED")
        )
    return "\n".join(lines)


def _share(flags: list[bool]) -> float:
    return round(sum(flags) / len(flags), 4) if flags else 0.0


def _kinds() -> tuple[str, ...]:
    from assistant.discussion.templates import KINDS

    return KINDS
