"""Discussion themes for trainers: loaded from ``assistant/data/themes.yaml``, validated, and matched to
a trainer's free text by embedding similarity.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from assistant.index.protocols import Embedder

THEMES_PATH = Path(__file__).resolve().parent.parent / "data" / "themes.yaml"

THEME_MATCH_MIN = 0.4
"""Least score (see ``rank_themes``) for free text to be mapped to a theme. With all-MiniLM-L6-v2,
requests in a theme's words score 0.45-0.8 ("trust between partners" 0.65, "members" 0.64) and unrelated
ones 0.15-0.35 ("football transfer market" 0.29, "climate change adaptation" 0.27)."""


class ThemeSource(BaseModel):
    """A part of the corpus a theme draws on: a document, and one of its sections or (None) all of it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    doc: str = Field(min_length=1, description="File name of the document in the corpus folder.")
    section: str | None = Field(None, description="Exact heading of a section, or None for the whole doc.")


class Theme(BaseModel):
    """One discussion theme: what it is about and where in the guidance its material lies."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", description="Short name used on the command line.")
    title: str = Field(min_length=1)
    description: str = Field(min_length=1)
    keywords: tuple[str, ...] = Field(default=(), description="Words and phrases trainers may use for it.")
    sources: tuple[ThemeSource, ...] = Field(min_length=1)
    factors: tuple[str, ...] = Field(default=(), description="Related factor ids of factors.yaml.")

    def covers(self, doc: str, section: str | None) -> bool:
        """Whether a passage of ``doc`` under heading ``section`` belongs to the theme."""
        return any(source.doc == doc and source.section in (None, section) for source in self.sources)

    def profile(self) -> str:
        """The text a trainer's request is compared with: title, description and keywords."""
        return f"{self.title}. {self.description} {', '.join(self.keywords)}"


class ThemeCatalogue(BaseModel):
    """The whole themes file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    themes: tuple[Theme, ...] = Field(min_length=1)

    @field_validator("themes")
    @classmethod
    def _unique_ids(cls, themes: tuple[Theme, ...]) -> tuple[Theme, ...]:
        ids = [theme.id for theme in themes]
        repeated = sorted({theme_id for theme_id in ids if ids.count(theme_id) > 1})
        if repeated:
            raise ValueError(f"theme ids must be unique; repeated: {', '.join(repeated)}")
        return themes

    @model_validator(mode="after")
    def _unique_sources(self) -> ThemeCatalogue:
        for theme in self.themes:
            if len(set(theme.sources)) != len(theme.sources):
                raise ValueError(f"theme {theme.id} lists a source twice")
        return self


def load_themes(path: Path = THEMES_PATH) -> tuple[Theme, ...]:
    """The validated themes of a themes file (the packaged one by default).

    Raises:
        pydantic.ValidationError: when the file breaks the schema (unknown keys, repeated ids...).
    """
    return _load_themes(path.resolve())


@lru_cache(maxsize=4)
def _load_themes(path: Path) -> tuple[Theme, ...]:
    data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    return ThemeCatalogue.model_validate(data).themes


def find_theme(themes: Iterable[Theme], text: str) -> Theme | None:
    """The theme whose id or title is ``text`` (case and surrounding spaces ignored), or None."""
    wanted = " ".join(text.split()).casefold()
    return next(
        (
            theme
            for theme in themes
            if wanted in (theme.id.casefold(), " ".join(theme.title.split()).casefold())
        ),
        None,
    )


def check_sources(themes: Iterable[Theme], chunks: Iterable[Any]) -> list[str]:
    """Problems with the themes' sources against the indexed chunks (``Chunk``); empty when fine.

    Every source document must be indexed, and every named section must be a heading of that document.
    """
    sections: dict[str, set[str | None]] = {}
    for chunk in chunks:
        sections.setdefault(chunk.doc, set()).add(chunk.section)
    problems = []
    for theme in themes:
        for source in theme.sources:
            if source.doc not in sections:
                problems.append(f"{theme.id}: document {source.doc} is not in the index")
            elif source.section is not None and source.section not in sections[source.doc]:
                problems.append(f"{theme.id}: {source.doc} has no section {source.section!r}")
    return problems


def rank_themes(embeddings: Embedder, themes: Sequence[Theme], text: str) -> list[tuple[Theme, float]]:
    """Themes by embedding similarity to free text, best first.

    A theme's score is the mean of two cosine similarities with the text: the best of its title,
    description and whole profile, and the best of its keywords. The keywords let a short request
    ("trust between partners") find its theme; the mean keeps one loosely similar keyword ("market" for
    "football transfer market") from carrying an unrelated request over the threshold.
    """
    views = [theme.title for theme in themes] + [theme.description for theme in themes]
    views += [theme.profile() for theme in themes]
    keywords = [(position, keyword) for position, theme in enumerate(themes) for keyword in theme.keywords]
    vectors = np.asarray(embeddings.encode(views + [keyword for _, keyword in keywords] + [text]))
    similarities = vectors[:-1] @ vectors[-1]
    count = len(themes)
    described = similarities[: 3 * count].reshape(3, count).max(axis=0)
    keyworded = np.zeros(count)
    for (position, _), similarity in zip(keywords, similarities[3 * count :], strict=True):
        keyworded[position] = max(keyworded[position], similarity)
    scores = (described + keyworded) / 2
    ranked = sorted(zip(themes, scores.tolist(), strict=True), key=lambda pair: -pair[1])
    return [(theme, round(float(score), 4)) for theme, score in ranked]
