"""The command line: cheap help, one-line errors with exit code 2, the JSON contract."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.cli.main import main
from tests.conftest import ROOT


def run(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )


def test_help_does_not_load_torch() -> None:
    code = (
        "import sys; from assistant.cli.main import main\ntry: main(['--help'])\nexcept SystemExit: pass\n"
        "assert 'torch' not in sys.modules and 'chromadb' not in sys.modules"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert "ingest" in result.stdout and "ask" in result.stdout


@pytest.mark.parametrize("question", ["", "   ", "\x00\x01"])
def test_empty_question_is_a_usage_error(question: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", question]) == 2
    err = capsys.readouterr().err
    assert err.startswith("assistant: ") and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_over_long_question_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "why " * 60_000]) == 2
    assert "too long" in capsys.readouterr().err


def test_bad_setting_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ASSISTANT_TOP_K", "many")
    assert main(["ask", "why do shared services fail?"]) == 2
    assert "ASSISTANT_TOP_K" in capsys.readouterr().err


def test_missing_corpus_folder_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ingest", "--corpus", str(tmp_path / "nowhere")]) == 2
    assert "corpus folder not found" in capsys.readouterr().err


@pytest.mark.model
def test_ask_json_contract_and_json_lines(real_settings, real_assistant) -> None:
    env = {
        "ASSISTANT_DATA_DIR": str(real_settings.data_dir),
        "PATH": "/usr/bin:/bin",
        "HOME": str(Path.home()),
    }
    result = run("ask", "Why do shared services fail?", "--json", env=env)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert set(answer) >= {"question", "answer", "abstained", "citations", "timings_ms"}
    assert set(answer["timings_ms"]) == {"retrieve", "answer", "total"}
    citation = answer["citations"][0]
    assert set(citation) == {"n", "doc", "title", "section", "quote", "start", "end", "score"}

    lines = run(
        "ask", "--json", stdin="What does 1+1=3 mean?\n\nWhat is the capital of Australia?\n", env=env
    )
    assert lines.returncode == 0, lines.stderr
    answers = [json.loads(line) for line in lines.stdout.splitlines()]
    assert [a["abstained"] for a in answers] == [False, True]
