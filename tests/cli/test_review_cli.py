"""``assistant review`` on the command line: every bad input is one line on stderr and exit code 2."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pypdf
import pytest

from assistant.cli.main import main
from tests.conftest import FakeEmbeddings
from tests.review.test_review import RISKY


def encrypted_pdf() -> bytes:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=200, height=200)
    writer.encrypt("secret")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


BAD_INPUTS = {
    "empty": ("empty.txt", b"", "empty"),
    "whitespace": ("blank.md", b"  \n\t\n   ", "empty"),
    "binary": ("binary.txt", b"\x00\x01\x02PNG\x00" * 50, "not text"),
    "encrypted pdf": ("locked.pdf", None, "encrypted"),
    "corrupt pdf": ("broken.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage", "not a valid PDF"),
    "corrupt docx": ("broken.docx", b"PK\x03\x04 this is not really a zip", "not a valid Word document"),
    "unsupported suffix": ("budget.xlsx", b"a,b\n1,2\n", "unsupported file type .xlsx"),
    "undecodable text": ("odd.txt", b"caf\x81\x8d\x8f\x90\x9d proposal", "unknown encoding"),
}


def assert_one_line_error(capsys: pytest.CaptureFixture[str], expected: str) -> None:
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert err.startswith("assistant: ") and len(err.splitlines()) == 1, err
    assert expected in err and "Traceback" not in err
    assert captured.out == ""


@pytest.mark.parametrize("case", BAD_INPUTS)
def test_bad_file_is_a_usage_error(case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    name, data, expected = BAD_INPUTS[case]
    path = tmp_path / name
    path.write_bytes(encrypted_pdf() if data is None else data)
    assert main(["review", str(path)]) == 2
    assert_one_line_error(capsys, expected)


def test_oversized_file_is_a_usage_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ASSISTANT_MAX_UPLOAD_MB", "0.001")
    path = tmp_path / "long.txt"
    path.write_text("The councils will share a service. " * 100, encoding="utf-8")
    assert main(["review", str(path)]) == 2
    assert_one_line_error(capsys, "larger than 1,000 bytes")


def test_missing_file_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["review", str(tmp_path / "nowhere.md")]) == 2
    assert_one_line_error(capsys, "no such file")
    assert main(["review", str(tmp_path)]) == 2
    assert_one_line_error(capsys, "not a file")


def test_json_and_format_together_are_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["review", str(tmp_path / "p.md"), "--json", "--format", "md"])
    assert exit_.value.code == 2


@pytest.fixture
def fake_model(monkeypatch: pytest.MonkeyPatch, corpus_copy: Path) -> FakeEmbeddings:
    """The command's assistant gets fake embeddings (and the tmp corpus), so no model is loaded."""
    fake = FakeEmbeddings()
    monkeypatch.setattr("assistant.index.embeddings.SentenceEmbeddings", lambda *args, **kwargs: fake)
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(corpus_copy))
    return fake


def test_review_prints_json_from_a_file(
    fake_model: FakeEmbeddings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "print.md"
    path.write_text(RISKY, encoding="utf-8")
    assert main(["review", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["proposal"] == {"name": "print.md", "chars": len(RISKY), "sentences": 3}
    pilot = next(factor for factor in data["factors"] if factor["id"] == "S04")
    assert (
        pilot["status"] in ("risk", "addressed", "not_covered")
        and pilot["citations"][0]["quote"] == "Piloting"
    )


def test_review_reads_stdin_and_writes_csv_to_a_file(
    fake_model: FakeEmbeddings,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    stdin = io.TextIOWrapper(io.BytesIO(RISKY.encode("utf-8")))
    monkeypatch.setattr("sys.stdin", stdin)
    out = tmp_path / "review.csv"
    assert main(["review", "-", "--format", "csv", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8").startswith("id,factor,status,confidence")
    assert "wrote" in capsys.readouterr().err


def test_review_to_a_missing_folder_is_a_usage_error(
    fake_model: FakeEmbeddings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "print.md"
    path.write_text(RISKY, encoding="utf-8")
    assert main(["review", str(path), "--format", "md", "--out", str(tmp_path / "no" / "r.md")]) == 2
    assert_one_line_error(capsys, "the folder does not exist")
