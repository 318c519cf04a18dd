"""The settings object: environment variables, validation, and the README's table."""

from __future__ import annotations

import re

import pytest
from pydantic import ValidationError

from assistant.settings import Settings
from tests.conftest import ROOT


def test_environment_variables_override_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_TOP_K", "9")
    monkeypatch.setenv("ASSISTANT_CHROMA_URL", "http://127.0.0.1:8123/")
    settings = Settings()
    assert settings.top_k == 9 and settings.chroma_url == "http://127.0.0.1:8123"


@pytest.mark.parametrize("field,value", [("top_k", 0), ("abstain_threshold", 2.0), ("chroma_url", "ftp://x")])
def test_invalid_values_are_refused(field: str, value: object) -> None:
    with pytest.raises(ValidationError):
        Settings(**{field: value})


def test_unknown_keys_are_refused() -> None:
    with pytest.raises(ValidationError):
        Settings(no_such_setting=1)


def test_every_field_is_documented() -> None:
    assert all(field.description for field in Settings.model_fields.values())


def test_readme_configuration_table_matches_the_settings() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\| `ASSISTANT_([A-Z_]+)` \|", readme, flags=re.MULTILINE))
    assert documented == {name.upper() for name in Settings.model_fields}
