"""The templates of discussion prompts (``data/prompt_templates.yaml``): schema, validation and loading."""

from __future__ import annotations

import string
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, model_validator

Kind = Literal["question", "contrast", "scenario", "self_assessment", "debate"]
KINDS: tuple[Kind, ...] = ("question", "contrast", "scenario", "self_assessment", "debate")
"""Prompt kinds, in the order a prompt set and its handout list them: open questions, trade-offs between
two points of the guidance, situations built from its anonymised examples, self-assessments (where a
partnership sits today and in three years) and debate motions."""

PICK_ORDER: tuple[Kind, ...] = ("scenario", "contrast", "self_assessment", "debate", "question")
"""The order kinds are picked in at equal weight: hand-written prompts first, so that they claim their
sentences before a prompt filled from one of them does."""

FilledKind = Literal["question", "self_assessment", "debate"]
"""Kinds of the templates filled from one sentence (contrasts and scenarios are written whole)."""

TEMPLATES_PATH = Path(__file__).resolve().parent.parent / "data" / "prompt_templates.yaml"

FIXED_ROLES = ("key_learning", "sum_statement", "guidance_question", "statement")
"""Roles of sentences that are not list items (list items take the roles of ``list_contexts``)."""

FIELDS = frozenset({"item", "learning", "quoted", "motion"})
"""The fields a question, self-assessment or debate template may use."""


class ListContext(BaseModel):
    """Which list items take a role: by section heading or by words of the sentence that opens the list."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    role: str = Field(pattern=r"^[a-z_]+$")
    sections: tuple[str, ...] = ()
    lead_contains: tuple[str, ...] = ()
    intro: str = Field(min_length=1, description="Words before the item's quote in a facilitator note.")

    def matches(self, section: str | None, lead: str) -> bool:
        """Whether an item under ``section`` whose list opens with ``lead`` belongs to this context."""
        if section is not None and section in self.sections:
            return True
        return any(phrase in lead.lower() for phrase in self.lead_contains)


class Intros(BaseModel):
    """The words before each quote of a facilitator note."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key_learning: str
    sum_statement: str
    guidance_question: str
    statement: str
    follow_on: str
    related: str
    surface: str
    probe: str
    anchor_ref: str
    scenario: str
    scenario_learning: str
    contrast: str
    contrast_other: str


class PromptTemplate(BaseModel):
    """A question, self-assessment or debate template and the roles of the sentences that can fill it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: FilledKind
    roles: tuple[str, ...] = Field(min_length=1)
    text: str = Field(min_length=10)

    @model_validator(mode="after")
    def _known_fields(self) -> PromptTemplate:
        names = {name for _, name, _, _ in string.Formatter().parse(self.text) if name is not None}
        if not names or not names <= FIELDS:
            raise ValueError(f"a template must use fields among {sorted(FIELDS)}: {self.text!r}")
        return self


class ScenarioTemplate(BaseModel):
    """A hand-written situation paraphrasing an anonymised example, and the sentence it rests on."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    doc: str = Field(min_length=1)
    section: str = Field(min_length=1)
    anchor: str = Field(min_length=10, description="Start of the sentence of the section it rests on.")
    situation: str = Field(min_length=20)
    asks: tuple[str, ...] = Field(min_length=1)
    probe: str | None = Field(None, description="A follow-up question for the facilitator.")


class SentenceRef(BaseModel):
    """A sentence of the guidance: its document, its section (None: before the first heading) and the
    words it starts with."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    doc: str = Field(min_length=1)
    section: str | None
    start: str = Field(min_length=8)


class ContrastTemplate(BaseModel):
    """A hand-written trade-off between two (or more) points of the guidance, with what to probe and a
    sentence a good discussion would reach."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    sides: tuple[SentenceRef, ...] = Field(min_length=2)
    text: str = Field(min_length=40)
    probe: str = Field(min_length=10)
    surface: SentenceRef | None = None


class TemplateBook(BaseModel):
    """The whole templates file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind_weights: dict[Kind, float]
    debate_cues: frozenset[str]
    imperative_openers: frozenset[str] = frozenset()
    self_assessment_cues: tuple[str, ...] = ()
    probes: dict[Kind, tuple[str, ...]] = Field(default_factory=dict)
    avoid_phrases: tuple[str, ...] = ()
    list_contexts: tuple[ListContext, ...]
    intros: Intros
    templates: tuple[PromptTemplate, ...] = Field(min_length=1)
    scenarios: tuple[ScenarioTemplate, ...] = ()
    contrasts: tuple[ContrastTemplate, ...] = ()

    @model_validator(mode="after")
    def _roles_have_questions(self) -> TemplateBook:
        roles = {context.role for context in self.list_contexts} | set(FIXED_ROLES)
        unknown = {role for template in self.templates for role in template.roles} - roles
        if unknown:
            raise ValueError(f"templates name unknown roles: {', '.join(sorted(unknown))}")
        asked = {
            role for template in self.templates if template.kind == "question" for role in template.roles
        }
        if roles - asked:
            raise ValueError(f"roles without a question template: {', '.join(sorted(roles - asked))}")
        anchors = [(scenario.doc, scenario.anchor) for scenario in self.scenarios]
        if len(set(anchors)) != len(anchors):
            raise ValueError("two scenarios rest on the same anchor sentence")
        firsts = [(contrast.sides[0].doc, contrast.sides[0].start) for contrast in self.contrasts]
        if len(set(firsts)) != len(firsts) or set(firsts) & set(anchors):
            raise ValueError("two contrasts or scenarios rest on the same anchor sentence")
        missing = {
            kind
            for kind in ("question", "scenario", "self_assessment", "debate")
            if not self.probes.get(kind)
        }
        if missing:
            raise ValueError(f"no probes for the kinds: {', '.join(sorted(missing))}")
        return self

    def intro_of(self, role: str) -> str:
        """The words before the anchor quote of a note, for a sentence's role."""
        for context in self.list_contexts:
            if context.role == role:
                return context.intro
        return str(getattr(self.intros, role))


def load_templates(path: Path = TEMPLATES_PATH) -> TemplateBook:
    """The validated templates file (the packaged one by default).

    Raises:
        pydantic.ValidationError: when the file breaks the schema.
    """
    return _load_templates(path.resolve())


@lru_cache(maxsize=4)
def _load_templates(path: Path) -> TemplateBook:
    return TemplateBook.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
