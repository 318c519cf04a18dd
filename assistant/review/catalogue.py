"""The factor catalogue of the proposal review: what the guidance says makes sharing fail or last.

The catalogue is data (``assistant/data/factors.yaml``) that a domain expert can edit; this module
describes its shape and refuses a file that does not follow it, naming the file and the problem.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

DEFAULT_CATALOGUE_PATH = Path(__file__).resolve().parent.parent / "data" / "factors.yaml"

FACTOR_ID = r"^[A-Z][0-9]{2}$"
"""Factor ids are a capital letter for the group and two digits: F01, C07, K02."""

Group = Literal["common_problem", "example", "success", "sustain", "relationship", "customer"]
SumLabel = Literal["1+1=1½", "1+1=2", "1+1=3"]
SUM_LABELS: tuple[SumLabel, ...] = ("1+1=1½", "1+1=2", "1+1=3")


class CatalogueError(ValueError):
    """A catalogue file that cannot be read or does not follow its schema; the message is one line."""


class Strict(BaseModel):
    """Base of the catalogue models: unknown keys are refused and values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def check_cues(cues: list[str]) -> list[str]:
    """Cues must be non-empty, lower-case and not repeated."""
    for cue in cues:
        if not cue.strip():
            raise ValueError("a cue is empty")
        if cue != cue.lower():
            raise ValueError(f"cue {cue!r} must be lower case")
    if len(set(cues)) != len(cues):
        raise ValueError("a cue is repeated")
    return cues


class Anchor(Strict):
    """The passage of the guidance that explains a factor: verbatim text of a corpus document."""

    doc: str = Field(min_length=1, description="Document file name in the corpus folder.")
    quote: str = Field(min_length=1, description="Verbatim text of the document (whitespace-insensitive).")


class Factor(Strict):
    """A success or failure factor, with the phrases that show a proposal addresses it or risks it."""

    id: str = Field(pattern=FACTOR_ID)
    group: Group
    title: str = Field(min_length=1)
    summary: str = Field(min_length=1)
    risk_cues: list[str] = Field(min_length=1, description="Lower-case phrases of a proposal at risk.")
    addressed_cues: list[str] = Field(min_length=1, description="Lower-case phrases of a sound proposal.")
    question: str = Field(min_length=1, description="What the officer should ask the proposal's authors.")
    anchor: Anchor

    @field_validator("risk_cues", "addressed_cues")
    @classmethod
    def _check_cues(cls, cues: list[str]) -> list[str]:
        return check_cues(cues)


class Sum(Strict):
    """One of the three collaboration sums: the ambition of a collaboration."""

    label: SumLabel
    summary: str = Field(min_length=1)
    cues: list[str] = Field(min_length=1)
    anchor: Anchor

    @field_validator("cues")
    @classmethod
    def _check_cues(cls, cues: list[str]) -> list[str]:
        return check_cues(cues)


class Catalogue(Strict):
    """Every factor (ids unique) and the three sums (each label once)."""

    factors: list[Factor] = Field(min_length=1)
    sums: list[Sum] = Field(min_length=3, max_length=3)

    @model_validator(mode="after")
    def _check_unique(self) -> Catalogue:
        ids = [factor.id for factor in self.factors]
        repeated = sorted({factor_id for factor_id in ids if ids.count(factor_id) > 1})
        if repeated:
            raise ValueError(f"factor ids repeated: {', '.join(repeated)}")
        labels = sorted(total.label for total in self.sums)
        if labels != sorted(SUM_LABELS):
            raise ValueError(f"sums must be {', '.join(SUM_LABELS)} once each")
        return self

    def factor(self, factor_id: str) -> Factor:
        """The factor with an id.

        Raises:
            KeyError: when no factor has it.
        """
        for factor in self.factors:
            if factor.id == factor_id:
                return factor
        raise KeyError(factor_id)


def load_catalogue(path: Path = DEFAULT_CATALOGUE_PATH) -> Catalogue:
    """Read and validate a factor catalogue.

    Args:
        path: The YAML file (default: the catalogue shipped with the assistant).

    Returns:
        The validated catalogue.

    Raises:
        CatalogueError: when the file is missing, not YAML, or does not follow the schema.
    """
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        reason = error.strerror or error
        raise CatalogueError(f"{path.name}: the catalogue could not be read ({reason})") from None
    except yaml.YAMLError as error:
        raise CatalogueError(f"{path.name}: not valid YAML ({' '.join(str(error).split())})") from None
    try:
        return Catalogue.model_validate(data)
    except ValidationError as error:
        problem = error.errors()[0]
        where = ".".join(str(part) for part in problem["loc"]) or "(top level)"
        raise CatalogueError(f"{path.name}: {where}: {problem['msg']}") from None
