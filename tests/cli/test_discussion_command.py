"""``assistant prompts``: cheap to import, one-line errors with exit code 2, JSON and handouts."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from assistant.cli import prompts as discussion_command
from assistant.cli.main import main
from assistant.discussion.templates import KINDS
from assistant.discussion.themes import load_themes
from tests.conftest import ROOT


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    discussion_command.add_arguments(parser)
    return parser.parse_args(argv)


def test_importing_the_command_loads_no_heavy_library() -> None:
    code = (
        "import sys, assistant.cli.prompts\n"
        "heavy = [name for name in ('torch', 'chromadb', 'numpy', 'docx', 'sentence_transformers') "
        "if name in sys.modules]\nassert not heavy, heavy"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--theme", "three-sums", "--count", "0"], "--count must be between 1 and 20"),
        (["--theme", "three-sums", "--count", "21"], "--count must be between 1 and 20"),
        (["--theme", ""], "the theme is empty"),
        (["--theme", "   "], "the theme is empty"),
        ([], "give a theme"),
        (["--theme", "three-sums", "--out", "handout.pdf"], "--out must name a .md, .csv or .docx file"),
        (["--theme", "three-sums", "--out", "nowhere/at/all/handout.md"], "cannot write"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["prompts", *argv]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith(f"assistant: {message}")
    assert len(captured.err.strip().splitlines()) == 1 and captured.out == ""


def test_a_folder_as_output_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "handout.md"
    folder.mkdir()
    assert main(["prompts", "--theme", "three-sums", "--out", str(folder)]) == 2
    assert "it is a folder" in capsys.readouterr().err


def test_the_themes_are_listed(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["prompts", "--list-themes"]) == 0
    out = capsys.readouterr().out
    for theme in load_themes():
        assert theme.id in out and theme.title in out
    assert main(["prompts", "--list-themes", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [entry["id"] for entry in listed] == [theme.id for theme in load_themes()]


def test_json_output_follows_the_contract(
    fake_assistant: Any,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = discussion_command.run(
        parse("--theme", "common-problems", "--count", "4", "--json"), None, fake_assistant
    )
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert data["theme"] == "common-problems" and len(data["prompts"]) == 4
    assert all(prompt["citations"] and prompt["kind"] in KINDS for prompt in data["prompts"])


def test_text_output_is_the_markdown_handout(
    fake_assistant: Any,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert discussion_command.run(parse("--theme", "three-sums", "--count", "3"), None, fake_assistant) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Discussion prompts: The three sums") and "## Sources" in out


@pytest.mark.parametrize("name", ["handout.md", "handout.csv", "handout.docx"])
def test_a_handout_is_written(
    fake_assistant: Any,  # noqa: F811
    tmp_path: Path,
    name: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / name
    args = parse("--theme", "leadership-and-decision-making", "--count", "5", "--out", str(path))
    assert discussion_command.run(args, None, fake_assistant) == 0
    captured = capsys.readouterr()
    assert path.stat().st_size > 0 and captured.out == ""
    assert captured.err.startswith("Wrote 5 prompts")


def test_a_theme_the_guidance_does_not_cover_is_exit_code_2(
    fake_assistant: Any,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = parse("--theme", "banana bread with walnuts and cinnamon")
    assert discussion_command.run(args, None, fake_assistant) == 2
    assert capsys.readouterr().err.startswith("assistant: The guidance does not seem to cover")
