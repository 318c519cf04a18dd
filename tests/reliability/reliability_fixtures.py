"""Helpers shared by the reliability tests: the command line in a subprocess (with the real model or
with fake embeddings), hostile files built in memory, and an index over the corpus built once."""

from __future__ import annotations

import io
import os
import struct
import subprocess
import sys
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import docx
import pypdf
import pytest

from assistant.settings import Settings
from tests.conftest import CORPUS, ROOT, FakeEmbeddings

FAKE_MODEL_CLI = """
import sys
import assistant.index.embeddings
from tests.conftest import FakeEmbeddings
assistant.index.embeddings.SentenceEmbeddings = lambda *args, **kwargs: FakeEmbeddings()
from assistant.cli.main import main
sys.exit(main(sys.argv[1:]))
"""
"""``python -c FAKE_MODEL_CLI ARGS`` is ``python -m assistant ARGS`` with fake embeddings (no model load)."""


def cli_command(args: Sequence[str | bytes], real_model: bool = False) -> list[str | bytes]:
    """The command that runs ``assistant ARGS`` in a new Python process."""
    if real_model:
        return [sys.executable, "-m", "assistant", *args]
    return [sys.executable, "-c", FAKE_MODEL_CLI, *args]


def cli_env(data_dir: Path, corpus_dir: Path = CORPUS, **extra: str) -> dict[str, str]:
    """The environment of a command: this one without ``ASSISTANT_*`` settings, plus the folders given."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("ASSISTANT_")}
    env.update(
        ASSISTANT_DATA_DIR=str(data_dir),
        ASSISTANT_CORPUS_DIR=str(corpus_dir),
        HF_HUB_OFFLINE="1",
        PYTHONPATH=str(ROOT),
    )
    env.update(extra)
    return env


def run_cli(
    args: Sequence[str | bytes],
    env: dict[str, str],
    stdin: bytes = b"",
    real_model: bool = False,
    timeout: float = 300,
) -> subprocess.CompletedProcess[bytes]:
    """Run ``assistant ARGS`` to the end; output as bytes (the tests decode it strictly)."""
    return subprocess.run(
        cli_command(args, real_model), input=stdin, capture_output=True, cwd=ROOT, env=env, timeout=timeout
    )


def run_python(
    code: str, args: Sequence[str], env: dict[str, str], timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    """Run ``python -c CODE ARGS`` from the project folder to the end; output as text."""
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=timeout,
    )


def ask_during(args: Sequence[str], env: dict[str, str], ask: Callable[[int], object]) -> int:
    """Run ``assistant ARGS`` (an ingest) and call ``ask(n)`` over and over until it ends.

    Asserts that the command succeeded and that no question failed; returns how many were asked.
    """
    process = subprocess.Popen(
        cli_command(args), cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    asked, errors = 0, []
    while process.poll() is None:
        try:
            ask(asked)
        except Exception as error:  # noqa: BLE001 - every failure is collected and reported
            errors.append(f"{type(error).__name__}: {error}")
        asked += 1
    _, err = process.communicate()
    assert process.returncode == 0, err.decode()
    assert not errors, errors[:3]
    return asked


def assert_clean_failure(result: subprocess.CompletedProcess[bytes], fragment: str) -> None:
    """Exit code 2 with one line on stderr, ``assistant: ...`` naming the problem, and no traceback."""
    err = result.stderr.decode("utf-8", "replace").strip()
    assert result.returncode == 2, err
    assert err.startswith("assistant: ") and len(err.splitlines()) == 1, err
    assert fragment in err and "Traceback" not in err


def build_pdf(text: str, to_unicode: bytes | None = None) -> bytes:
    """A one-page PDF showing ``text``, a line of the page per line of text; ``to_unicode`` is a CMap that
    maps its character codes."""
    lines = text.split("\n")
    height = max(144, 40 + 20 * len(lines))
    shown = " T* ".join(f"({line}) Tj" for line in lines)
    content = f"BT /F1 18 Tf 20 {height - 44} Td 20 TL {shown} ET".encode("latin-1")
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica%s >>" % (
        b" /ToUnicode 6 0 R" if to_unicode else b""
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 400 %d] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>" % height,
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        font,
    ]
    if to_unicode:
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(to_unicode), to_unicode))
    output = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(output))
        output += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(output)
    output += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    output += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    output += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(output)


HALF_PAIR_CMAP = b"""/CIDInit /ProcSet findresource begin 12 dict begin begincmap
/CMapName /Broken def 1 begincodespacerange <00> <FF> endcodespacerange
2 beginbfchar <40> <D835> <7E> <0000> endbfchar
endcmap CMapName currentdict /CMap defineresource pop end end"""
"""A font map that turns ``@`` into half a UTF-16 pair and ``~`` into NUL, as broken PDFs do."""


def surrogate_pdf() -> bytes:
    """A PDF whose text extracts with a lone surrogate and a NUL (a broken font map)."""
    return build_pdf(
        "Shared services need trust @ between partners ~ over many years of joint work.", HALF_PAIR_CMAP
    )


def encrypted_pdf() -> bytes:
    """A PDF that needs a password to open."""
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(build_pdf("Secret plans"))))
    writer.encrypt("secret", owner_password="owner-secret")
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def word_document(*paragraphs: str) -> bytes:
    """A Word document with the given paragraphs."""
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def zip_bomb_docx(unpacked_mb: int = 60, lie: bool = False) -> bytes:
    """A Word document whose body unpacks to ``unpacked_mb`` MB, from a file of well under 1 MB.

    With ``lie`` the archive declares the body to be 1,000 bytes, so that only unpacking finds out.
    """
    source = zipfile.ZipFile(io.BytesIO(word_document("Shared services need trust.")))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            if info.filename != "word/document.xml":
                archive.writestr(info.filename, source.read(info.filename))
                continue
            head, _, tail = source.read(info.filename).partition(b"Shared services need trust.")
            with archive.open("word/document.xml", "w") as member:
                member.write(head + b"Shared ")
                for _ in range(unpacked_mb):
                    member.write(b"A" * 1_000_000)
                member.write(tail)
    data = bytearray(output.getvalue())
    if lie:
        name = b"word/document.xml"
        at = data.find(name)
        while at >= 0:
            if data[at - 30 : at - 26] == b"PK\x03\x04":  # local header: size at +22
                data[at - 8 : at - 4] = struct.pack("<I", 1000)
            elif data[at - 46 : at - 42] == b"PK\x01\x02":  # central directory: size at +24
                data[at - 22 : at - 18] = struct.pack("<I", 1000)
            at = data.find(name, at + 1)
    return bytes(data)


def nested_html(depth: int = 5000) -> bytes:
    """An HTML page nested ``depth`` elements deep."""
    return b"<html><body>" + b"<div>" * depth + b"deep" + b"</div>" * depth + b"</body></html>"


@pytest.fixture(scope="module")
def fake_index_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings over an index of the real corpus with fake embeddings, built once per test module."""
    from assistant.service import open_assistant

    settings = Settings(data_dir=tmp_path_factory.mktemp("reliability-data"), corpus_dir=CORPUS)
    open_assistant(settings, embeddings=FakeEmbeddings()).chain()
    return settings


def corpus_raw() -> dict[str, str]:
    """The raw text of every corpus document, by file name."""
    from assistant.text.loaders import load_text

    return {path.name: load_text(path) for path in CORPUS.glob("*.txt")}


def assert_citations_verbatim(answer: dict[str, Any], raw: dict[str, str]) -> None:
    """Every citation of an answer (its JSON) quotes its document verbatim at its offsets."""
    for citation in answer["citations"]:
        text = raw[citation["doc"]]
        assert " ".join(text[citation["start"] : citation["end"]].split()) == citation["quote"]
