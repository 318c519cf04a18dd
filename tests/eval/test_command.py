"""Tests for eval.command: the options, usage errors, and a cheap import."""

import argparse
import subprocess
import sys
from pathlib import Path

from eval.command import add_arguments, run

ROOT = Path(__file__).resolve().parents[2]


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="assistant eval")
    add_arguments(parser)
    return parser.parse_args(argv)


def test_the_options_and_their_defaults():
    args = parse()
    assert (args.json, args.out, args.no_ablation, args.calibrate, args.cases) == (
        False, Path("reports"), False, False, None,
    )  # fmt: skip
    args = parse("--json", "--out", "x", "--no-ablation", "--cases", "c.yaml")
    assert (args.json, args.out, args.no_ablation, args.cases) == (True, Path("x"), True, Path("c.yaml"))


def test_a_bad_case_file_is_a_usage_error(tmp_path, capsys):
    cases = tmp_path / "questions.yaml"
    cases.write_text("cases: []\n", encoding="utf-8")
    assert run(parse("--cases", str(cases)), settings=None) == 2
    assert "assistant eval:" in capsys.readouterr().err


def test_importing_the_command_does_not_load_the_model_libraries():
    code = "import sys, eval.command; sys.exit('torch' in sys.modules or 'chromadb' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT).returncode == 0
