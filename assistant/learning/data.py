"""The training data as records: questions naming the passages that answer them, out-of-scope questions,
and labelled proposal sentences. Written for the corpus as data (``assistant/data/training/*.yaml``);
never the dev set, which only measures."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.errors import UsageError
from assistant.settings import PACKAGE_DATA

TRAINING_DIR = PACKAGE_DATA / "training"

QuestionStyle = Literal["leader", "officer", "trainer", "terse", "followup"]
Stance = Literal["risk", "handled", "unclear", "neutral"]


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TrainingQuestion(_Record):
    """A question and the verbatim quotes of the document (by its 3-digit prefix) that answer it."""

    q: str = Field(min_length=1)
    style: QuestionStyle
    doc: str = Field(pattern=r"^\d{3}$")
    quotes: tuple[str, ...] = Field(min_length=1)
    context: str | None = None
    """The previous question, for a follow-up."""


class OutOfScopeQuestion(_Record):
    """A question the guidance does not answer."""

    q: str = Field(min_length=1)
    style: Literal["leader", "officer", "trainer", "terse"]
    kind: str


class ReviewSentence(_Record):
    """A proposal sentence, the factor it is about (None: none) and its stance on it."""

    text: str = Field(min_length=1)
    factor: str | None
    stance: Stance
    heading: str | None = None
    source: str = ""
    """The file it was read from (set by the loader): sentences of one file share a writer."""


class SumStatement(_Record):
    """A proposal's statement of ambition and the collaboration sum it shows."""

    text: str = Field(min_length=1)
    sum: str


class TrainingSet(_Record):
    """Everything under the training folder."""

    questions: tuple[TrainingQuestion, ...]
    out_of_scope: tuple[OutOfScopeQuestion, ...]
    review: tuple[ReviewSentence, ...]
    sums: tuple[SumStatement, ...]


def _read(path: Path) -> dict[str, list[dict[str, object]]]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise UsageError(f"{path}: cannot read the training data ({error})") from None
    if not isinstance(data, dict):
        raise UsageError(f"{path}: expected a mapping of lists")
    return data


@lru_cache(maxsize=4)
def load_training_set(folder: Path = TRAINING_DIR) -> TrainingSet:
    """Read every ``*.yaml`` of the folder: ``questions_*`` (in scope), ``out_of_scope*``, ``review_*``
    (``sentences`` and ``sums``).

    Raises:
        UsageError: for a file that cannot be read or breaks the schema (file and field named).
    """
    found: dict[str, list[object]] = {"questions": [], "out_of_scope": [], "review": [], "sums": []}
    for path in sorted(folder.glob("*.yaml")):
        data = _read(path)
        try:
            if path.name.startswith("questions_"):
                found["questions"] += [TrainingQuestion(**item) for item in data.get("questions", [])]
            elif path.name.startswith("out_of_scope"):
                found["out_of_scope"] += [OutOfScopeQuestion(**item) for item in data.get("questions", [])]
            elif path.name.startswith("review_"):
                found["review"] += [
                    ReviewSentence(**item, source=path.stem) for item in data.get("sentences", [])
                ]
                found["sums"] += [SumStatement(**item) for item in data.get("sums", [])]
        except (TypeError, ValidationError) as error:
            raise UsageError(f"{path}: {' '.join(str(error).split())[:300]}") from None
    return TrainingSet(**found)  # type: ignore[arg-type]
