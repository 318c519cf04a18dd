"""The factor catalogue: valid as shipped, every anchor verbatim in the corpus, bad files refused."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assistant.review.catalogue import DEFAULT_CATALOGUE_PATH, SUM_LABELS, CatalogueError, load_catalogue
from assistant.text.loaders import load_text
from assistant.text.quotes import locate_quote
from tests.conftest import CORPUS

GROUP_SIZES = {"F": 15, "C": 7, "S": 5, "U": 5, "R": 3, "K": 2}


def test_shipped_catalogue_loads_with_every_group() -> None:
    catalogue = load_catalogue()
    ids = [factor.id for factor in catalogue.factors]
    assert len(ids) == len(set(ids)) == sum(GROUP_SIZES.values())
    for letter, size in GROUP_SIZES.items():
        assert [i for i in ids if i.startswith(letter)] == [f"{letter}{n:02d}" for n in range(1, size + 1)]
    assert sorted(total.label for total in catalogue.sums) == sorted(SUM_LABELS)
    assert all(factor.risk_cues and factor.addressed_cues and factor.question for factor in catalogue.factors)


def test_every_anchor_quote_is_verbatim_in_the_corpus() -> None:
    catalogue = load_catalogue()
    anchors = [(factor.id, factor.anchor) for factor in catalogue.factors]
    anchors += [(total.label, total.anchor) for total in catalogue.sums]
    raw: dict[str, str] = {}
    for owner, anchor in anchors:
        if anchor.doc not in raw:
            raw[anchor.doc] = load_text(CORPUS / anchor.doc)
        span = locate_quote(raw[anchor.doc], anchor.quote)
        assert span is not None, f"{owner}: anchor not found in {anchor.doc}"
        assert " ".join(raw[anchor.doc][span[0] : span[1]].split()) == " ".join(anchor.quote.split())


def _write(tmp_path: Path, data: object) -> Path:
    path = tmp_path / "factors.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _shipped() -> dict:
    return yaml.safe_load(DEFAULT_CATALOGUE_PATH.read_text(encoding="utf-8"))


def test_repeated_factor_id_is_refused(tmp_path: Path) -> None:
    data = _shipped()
    data["factors"][1]["id"] = data["factors"][0]["id"]
    with pytest.raises(CatalogueError, match="repeated: F01"):
        load_catalogue(_write(tmp_path, data))


@pytest.mark.parametrize("cues", [[], [""], ["Upper Case"], ["same", "same"]])
def test_bad_cues_are_refused(tmp_path: Path, cues: list[str]) -> None:
    data = _shipped()
    data["factors"][0]["risk_cues"] = cues
    with pytest.raises(CatalogueError, match="risk_cues"):
        load_catalogue(_write(tmp_path, data))


def test_unknown_key_and_missing_sum_are_refused(tmp_path: Path) -> None:
    data = _shipped()
    data["factors"][0]["weight"] = 3
    with pytest.raises(CatalogueError, match="weight"):
        load_catalogue(_write(tmp_path, data))
    data = _shipped()
    data["sums"] = data["sums"][:2] + [data["sums"][0]]
    with pytest.raises(CatalogueError, match="once each"):
        load_catalogue(_write(tmp_path, data))


def test_missing_or_broken_file_is_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError, match="could not be read"):
        load_catalogue(tmp_path / "nowhere.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("factors: [unclosed", encoding="utf-8")
    with pytest.raises(CatalogueError, match="not valid YAML") as caught:
        load_catalogue(broken)
    assert "\n" not in str(caught.value)
