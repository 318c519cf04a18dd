"""Discussion themes: the data file validates, its sources exist in the index, free text finds a theme."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pydantic
import pytest
import yaml

from assistant.discussion.themes import (
    THEME_MATCH_MIN,
    Theme,
    ThemeSource,
    check_sources,
    find_theme,
    load_themes,
    rank_themes,
)
from tests.conftest import ROOT, FakeEmbeddings

THEME = """
themes:
  - id: sample
    title: "A sample"
    description: "Something to discuss."
    keywords: ["sample"]
    sources:
      - {doc: 000_2f37726b36977d55.txt, section: null}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "themes.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_packaged_themes_load() -> None:
    themes = load_themes()
    assert len(themes) == 11
    assert len({theme.id for theme in themes}) == len(themes)
    assert all(theme.sources and theme.keywords for theme in themes)


def test_every_theme_source_is_among_the_indexed_chunks(fake_assistant: Any) -> None:  # noqa: F811
    assert check_sources(load_themes(), fake_assistant.chunks().values()) == []


def test_every_related_factor_is_in_the_factor_catalogue() -> None:
    catalogue = yaml.safe_load((ROOT / "assistant" / "data" / "factors.yaml").read_text(encoding="utf-8"))
    known = {factor["id"] for factor in catalogue["factors"]}
    for theme in load_themes():
        assert set(theme.factors) <= known, theme.id


def test_a_missing_document_or_section_is_reported(fake_assistant: Any) -> None:  # noqa: F811
    theme = Theme(
        id="broken",
        title="Broken",
        description="Points at nothing.",
        sources=(
            ThemeSource(doc="nowhere.txt", section=None),
            ThemeSource(doc="001_42277acb122cae47.txt", section="No such heading"),
        ),
    )
    problems = check_sources([theme], fake_assistant.chunks().values())
    assert len(problems) == 2
    assert "nowhere.txt" in problems[0] and "No such heading" in problems[1]


def test_a_file_in_the_schema_loads(tmp_path: Path) -> None:
    (theme,) = load_themes(write(tmp_path, THEME))
    assert theme.id == "sample" and theme.sources[0].section is None


@pytest.mark.parametrize(
    "change",
    [
        ("    keywords:", "    colour: blue\n    keywords:"),  # unknown key
        ("{doc: 000_2f37726b36977d55.txt, section: null}", "{doc: x.txt, section: null, page: 3}"),
        ("id: sample", "id: Not A Slug"),
        ("    sources:\n      - {doc: 000_2f37726b36977d55.txt, section: null}\n", "    sources: []\n"),
    ],
)
def test_a_file_off_the_schema_is_refused(tmp_path: Path, change: tuple[str, str]) -> None:
    with pytest.raises(pydantic.ValidationError):
        load_themes(write(tmp_path, THEME.replace(*change)))


def test_repeated_ids_are_refused(tmp_path: Path) -> None:
    second = THEME.split("themes:\n")[1]
    with pytest.raises(pydantic.ValidationError, match="unique"):
        load_themes(write(tmp_path, THEME + second))


def test_a_theme_is_found_by_id_or_title() -> None:
    themes = load_themes()
    assert find_theme(themes, " Three-Sums ") is not None
    assert find_theme(themes, "fifteen common and AVOIDABLE problems").id == "common-problems"  # type: ignore[union-attr]
    assert find_theme(themes, "why do things fail") is None


def test_a_theme_covers_its_sections_or_whole_documents() -> None:
    theme = find_theme(load_themes(), "anonymised-examples")
    assert theme is not None
    assert theme.covers("001_42277acb122cae47.txt", "07: A marketing mistake")
    assert not theme.covers("001_42277acb122cae47.txt", "Unhinging issues")
    whole = find_theme(load_themes(), "three-sums")
    assert whole is not None and whole.covers("000_2f37726b36977d55.txt", None)


def test_free_text_ranks_the_theme_in_its_words_first() -> None:
    ranked = rank_themes(
        FakeEmbeddings(), load_themes(), "collaboration commissioner and relationship management"
    )
    assert ranked[0][0].id == "relationship-management"
    assert ranked[0][1] > ranked[1][1]


@pytest.mark.model
@pytest.mark.parametrize(
    ("text", "theme_id"),
    [
        ("trust between partners", "relationship-management"),
        ("why do shared services fail", "common-problems"),
        ("economies of scale", "value-of-collaboration"),
        ("champions and succession", "leadership-and-decision-making"),
        ("police and fire: national or local?", "national-vs-local"),
    ],
)
def test_the_real_model_maps_requests_to_themes(real_assistant: Any, text: str, theme_id: str) -> None:
    best, score = rank_themes(real_assistant.embeddings, load_themes(), text)[0]
    assert best.id == theme_id and score >= THEME_MATCH_MIN


@pytest.mark.model
@pytest.mark.parametrize(
    "text", ["banana bread recipe", "football transfer market", "climate change adaptation"]
)
def test_the_real_model_maps_unrelated_requests_to_no_theme(real_assistant: Any, text: str) -> None:
    assert rank_themes(real_assistant.embeddings, load_themes(), text)[0][1] < THEME_MATCH_MIN
