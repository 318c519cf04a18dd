"""The gold evaluation cases, loaded from YAML and validated (unknown keys are refused).

``eval/cases/questions.yaml`` holds the question cases (its header documents the schema). Later
case files (reviews, prompts) get their own models and loader here, beside ``load_question_cases``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

CASES_DIR = Path(__file__).resolve().parent / "cases"
QUESTIONS_PATH = CASES_DIR / "questions.yaml"

CASE_ID = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
"""Case ids are kebab-case: lower-case letters and digits joined by hyphens."""

Kind = Literal["in_scope", "out_of_scope"]
Model = TypeVar("Model", bound=BaseModel)


class CaseFileError(ValueError):
    """A case file that cannot be read or does not follow its schema; the message names the file."""


class Strict(BaseModel):
    """Base of every case-file model: unknown keys are refused and values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class ExpectedSection(Strict):
    """Where an answer lives: a document and a section heading (None = anywhere in the document)."""

    doc: str = Field(min_length=1, description="Document file name in the corpus folder.")
    section: str | None = Field(description="Exact heading text used by the ingest, or null.")


class Nugget(Strict):
    """A factor a good answer must contain, with the corpus wordings that count as finding it."""

    label: str = Field(min_length=1, description="Short name of the factor, shown in reports.")
    phrasings: list[str] = Field(min_length=1, description="Lower-case wordings; any one found counts.")

    @field_validator("phrasings")
    @classmethod
    def _check_phrasings(cls, phrasings: list[str]) -> list[str]:
        for phrasing in phrasings:
            if not phrasing.strip():
                raise ValueError("a phrasing is empty")
            if phrasing != phrasing.lower():
                raise ValueError(f"phrasing {phrasing!r} must be lower case")
        return phrasings

    @property
    def text(self) -> str:
        """What the embedding matcher embeds: the label followed by the phrasings."""
        return f"{self.label}: {'; '.join(self.phrasings)}"


class Case(Strict):
    """A single-turn question, in scope (with expected sections and nuggets) or out of scope."""

    id: str = Field(pattern=CASE_ID)
    question: str = Field(min_length=1)
    kind: Kind
    expected: list[ExpectedSection] | None = Field(None, min_length=1)
    nuggets: list[Nugget] | None = Field(None, min_length=1, max_length=6)

    @model_validator(mode="after")
    def _check_kind(self) -> Case:
        if self.kind == "in_scope" and (self.expected is None or self.nuggets is None):
            raise ValueError("an in_scope case needs expected and nuggets")
        if self.kind == "out_of_scope" and (self.expected is not None or self.nuggets is not None):
            raise ValueError("an out_of_scope case has no expected or nuggets")
        return self


class Turn(Strict):
    """One question of a conversation; only the last turn carries expected sections and nuggets."""

    question: str = Field(min_length=1)
    expected: list[ExpectedSection] | None = Field(None, min_length=1)
    nuggets: list[Nugget] | None = Field(None, min_length=1, max_length=6)


class Conversation(Strict):
    """Turns whose last question only makes sense after the earlier ones."""

    id: str = Field(pattern=CASE_ID)
    turns: list[Turn] = Field(min_length=2)

    @model_validator(mode="after")
    def _check_turns(self) -> Conversation:
        *earlier, last = self.turns
        if last.expected is None or last.nuggets is None:
            raise ValueError("the last turn needs expected and nuggets")
        if any(turn.expected is not None or turn.nuggets is not None for turn in earlier):
            raise ValueError("only the last turn may have expected or nuggets")
        return self


class QuestionCases(Strict):
    """The whole of ``questions.yaml``."""

    cases: list[Case] = Field(min_length=1)
    conversations: list[Conversation] = Field(default_factory=list)

    @model_validator(mode="after")
    def _check_unique_ids(self) -> QuestionCases:
        ids = [case.id for case in self.cases] + [conversation.id for conversation in self.conversations]
        repeated = sorted({case_id for case_id in ids if ids.count(case_id) > 1})
        if repeated:
            raise ValueError(f"repeated case ids: {', '.join(repeated)}")
        return self

    def gold_cases(self) -> list[GoldCase]:
        """Every scored question as a ``GoldCase``: the single-turn cases, then the conversations."""
        gold = [
            GoldCase(
                case.id, case.kind, (case.question,), tuple(case.expected or ()), tuple(case.nuggets or ())
            )
            for case in self.cases
        ]
        for conversation in self.conversations:
            last = conversation.turns[-1]
            gold.append(
                GoldCase(
                    conversation.id,
                    "in_scope",
                    tuple(turn.question for turn in conversation.turns),
                    tuple(last.expected or ()),
                    tuple(last.nuggets or ()),
                )
            )
        return gold


@dataclass(frozen=True)
class GoldCase:
    """One scored question, whether single-turn or the last turn of a conversation.

    Attributes:
        id: The case or conversation id.
        kind: ``in_scope`` or ``out_of_scope``.
        questions: Every turn's question, oldest first; the last one is answered and scored.
        expected: Sections that hold the answer (empty when out of scope).
        nuggets: Factors the answer must contain (empty when out of scope).
    """

    id: str
    kind: Kind
    questions: tuple[str, ...]
    expected: tuple[ExpectedSection, ...]
    nuggets: tuple[Nugget, ...]

    @property
    def question(self) -> str:
        """The question that is scored."""
        return self.questions[-1]

    @property
    def in_scope(self) -> bool:
        """Whether the guidance answers it."""
        return self.kind == "in_scope"


def load_question_cases(path: Path = QUESTIONS_PATH) -> QuestionCases:
    """Read and validate a question case file.

    Raises:
        CaseFileError: when the file is missing, is not YAML, or breaks the schema.
    """
    return load_yaml(path, QuestionCases)


def load_yaml(path: Path, model: type[Model]) -> Model:
    """Read a YAML case file and validate it against a model.

    Raises:
        CaseFileError: when the file is missing, is not YAML, or breaks the schema.
    """
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise CaseFileError(f"{path}: cannot read the case file ({error})") from None
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise CaseFileError(f"{path}: {describe_errors(error)}") from None


def describe_errors(error: ValidationError, limit: int = 3) -> str:
    """The first few validation problems of a YAML file, each as ``location: message``."""
    problems = []
    for problem in error.errors()[:limit]:
        location = ".".join(str(part) for part in problem["loc"]) or "(top level)"
        problems.append(f"{location}: {problem['msg']}")
    more = error.error_count() - limit
    return "; ".join(problems) + (f" (and {more} more)" if more > 0 else "")
