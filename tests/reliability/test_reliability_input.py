"""Bad input for ``ingest``, ``ask``, ``review`` and ``prompts``: a clear one-line message (exit code 2)
or, during an ingest, the file skipped with a warning — never a traceback, a hang or running out of memory.

The web endpoints get the same inputs in tests/reliability/test_reliability_web.py.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import time
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from assistant.cli.main import main
from assistant.review.judge import review_text
from assistant.review.reading import MAX_PROPOSAL_CHARS
from assistant.settings import Settings
from assistant.text.normalise import split_blocks
from assistant.text.phrases import EMPTY_QUESTION
from ingest.chunking import chunk_document
from tests.conftest import CORPUS, FakeEmbeddings, copy_corpus
from tests.reliability.reliability_fixtures import (
    FAKE_MODEL_CLI,
    assert_citations_verbatim,
    assert_clean_failure,
    cli_env,
    corpus_raw,
    encrypted_pdf,
    fake_index_settings,  # noqa: F401 - a fixture
    nested_html,
    run_cli,
    run_python,
    surrogate_pdf,
    word_document,
    zip_bomb_docx,
)

RANDOM = random.Random(9)
NOISE = bytes(RANDOM.getrandbits(8) for _ in range(4000))

# ------------------------------------------------------------------------------------------------
# ingest: every bad file is skipped with a warning, every odd but readable one is indexed
# ------------------------------------------------------------------------------------------------

BAD_FILES: dict[str, tuple[str | bytes, bytes | None, str]] = {
    "zero-byte file": ("empty.txt", b"", "the file is empty"),
    "whitespace only": ("blank.md", b" \n\t\r\n  \n", "the file is empty"),
    "binary as .txt": ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00" + NOISE, "not text"),
    "control characters as .md": ("controls.md", bytes(range(1, 9)) * 200, "not text (binary content)"),
    "undecodable text": ("odd.txt", b"caf\x81\x8d\x8f\x90\x9d proposal", "unknown encoding"),
    "binary as .pdf": ("scan.pdf", NOISE, "not a valid PDF"),
    "truncated PDF": ("cut.pdf", None, "PDF"),
    "encrypted PDF": ("locked.pdf", None, "the PDF is encrypted"),
    "PDF without text": ("blank.pdf", None, "no text found"),
    "binary as .docx": ("notes.docx", NOISE, "not a valid Word document"),
    "zip bomb DOCX": ("bomb.docx", None, "unpacks to more than"),
    "zip bomb DOCX lying about its size": ("liar.docx", None, "Word document"),
    "binary as .html": ("page.html", b"<html>\x00\x01\x02" + NOISE, "not text"),
    "deeply nested HTML": ("deep.htm", nested_html(), "nested too deeply"),
    "larger than 20 MB": ("huge.txt", None, "larger than 20,000,000 bytes"),
    "file name not UTF-8": (b"bad\xffname.txt", b"Shared services need trust.", "not valid UTF-8"),
}
"""case: (file name, content, what the warning says); content None is made by ``write_bad_file``."""

ODD_GOOD_FILES: dict[str, tuple[str, bytes]] = {
    "Windows-1252 text": ("windows-1252.txt", "Café owners – shared services need trust.".encode("cp1252")),
    "emoji and right-to-left name": (
        "emoji 😀 \u202ertl.md",
        b"Shared services need trust between partners.",
    ),
    "right-to-left and zero-width text": (
        "bidi.md",
        "Shared\u200b services \u202eneed\u202c trust 😀 \u05e9\u05dc\u05d5\u05dd between partners.".encode(),
    ),
    "PDF with half a UTF-16 pair": ("broken-font.pdf", surrogate_pdf()),
    "Word document": (
        "notes/plan.docx",
        word_document("Shared services need trust.", "Key learning: pilot."),
    ),
    "HTML in a subfolder": (
        "nested/deeper/page.html",
        b"<p>Shared services need trust.</p><script>x</script>",
    ),
}


def write_bad_file(corpus: Path, case: str) -> None:
    name, data, _ = BAD_FILES[case]
    path = os.path.join(os.fsencode(corpus), os.fsencode(name))  # bytes: the name need not be UTF-8
    if case == "truncated PDF":
        data = _truncated_pdf()
    elif case == "encrypted PDF":
        data = encrypted_pdf()
    elif case == "PDF without text":
        data = _blank_pdf()
    elif case == "zip bomb DOCX":
        data = zip_bomb_docx(60)
    elif case == "zip bomb DOCX lying about its size":
        data = zip_bomb_docx(60, lie=True)
    elif case == "larger than 20 MB":
        with open(path, "wb") as handle:
            handle.truncate(25_000_000)  # sparse: takes no disk space
        return
    assert isinstance(data, bytes)
    with open(path, "wb") as handle:
        handle.write(data)


def _truncated_pdf() -> bytes:
    from tests.reliability.reliability_fixtures import build_pdf

    whole = build_pdf("Shared services need trust between partners.")
    return whole[: len(whole) // 3]


def _blank_pdf() -> bytes:
    import io

    import pypdf

    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=200, height=200)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


@pytest.fixture(scope="module")
def hostile_ingest(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[subprocess.CompletedProcess[bytes], Path, Path]:
    """One ``assistant ingest`` (fake embeddings) of the corpus plus every bad and odd file above."""
    corpus = copy_corpus(tmp_path_factory.mktemp("hostile-corpus"))
    for case in BAD_FILES:
        write_bad_file(corpus, case)
    for name, data in ODD_GOOD_FILES.values():
        (corpus / name).parent.mkdir(parents=True, exist_ok=True)
        (corpus / name).write_bytes(data)
    (corpus / "folder.txt").mkdir()  # a folder with a document's name
    (corpus / "loop").symlink_to(corpus, target_is_directory=True)  # a symlink loop
    data_dir = tmp_path_factory.mktemp("hostile-data")
    result = run_cli(["ingest"], cli_env(data_dir, corpus), timeout=240)
    return result, data_dir, corpus


def test_hostile_corpus_ingests_without_a_traceback(hostile_ingest) -> None:
    result, _, _ = hostile_ingest
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 0, err
    assert "Traceback" not in err
    summary = result.stdout.decode()
    good = 5 + len(ODD_GOOD_FILES)
    assert f"({good} added, 0 updated, 0 removed, 0 unchanged, {len(BAD_FILES)} skipped)" in summary, summary


@pytest.mark.parametrize("case", BAD_FILES)
def test_bad_file_is_skipped_with_a_one_line_warning(hostile_ingest, case: str) -> None:
    result, _, _ = hostile_ingest
    name, _, expected = BAD_FILES[case]
    shown = os.fsdecode(name).encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    warnings = [
        line
        for line in result.stderr.decode("utf-8", "replace").splitlines()
        if line.startswith(f"warning: skipped {shown}:")
    ]
    assert len(warnings) == 1, result.stderr.decode("utf-8", "replace")
    assert expected in warnings[0]


@pytest.mark.parametrize("case", ODD_GOOD_FILES)
def test_odd_but_readable_file_is_indexed_verbatim(hostile_ingest, case: str) -> None:
    from assistant.index.store import GuidanceIndex, open_client
    from assistant.text.loaders import load_text

    _, data_dir, corpus = hostile_ingest
    settings = Settings(data_dir=data_dir)
    index = GuidanceIndex(open_client(settings), settings.collection, settings.embedding_model)
    name = ODD_GOOD_FILES[case][0]
    chunks = [chunk for chunk in index.load_chunks() if chunk.doc == name]
    assert chunks, f"{name} is not in the index"
    raw = load_text(corpus / name)
    for sentence in index.sentences_of([chunk.id for chunk in chunks]):
        assert " ".join(raw[sentence.start : sentence.end].split()) == sentence.text
        assert not any(0xD800 <= ord(char) <= 0xDFFF for char in sentence.text)


REPORT_PEAK_MEMORY = """
import atexit, sys
def report():
    with open("/proc/self/status") as status:
        peak = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    print(f"peak memory: {peak} kB", file=sys.stderr)
atexit.register(report)
"""
"""Prepended to a ``python -c`` program: prints the process's peak resident memory when it ends (read
inside it: a child's rusage also counts the memory of the parent it was forked from)."""


def run_measured(code: str, args: list[str], env: dict[str, str]) -> tuple[int, str, float]:
    """Run ``python -c code args``; its exit code, stderr and peak resident memory in MB."""
    result = run_python(REPORT_PEAK_MEMORY + code, args, env, timeout=240)
    peak_kb = int(result.stderr.rsplit("peak memory: ", 1)[1].split()[0])
    return result.returncode, result.stderr, peak_kb / 1024


def test_a_huge_file_is_skipped_without_being_read(tmp_path: Path) -> None:
    """A 4 GB file in the corpus (a disk image renamed .pdf) is refused by its size, not read to be hashed."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "guide.txt").write_text("Shared services need trust between partners.\n", encoding="utf-8")
    with open(corpus / "disk-image.pdf", "wb") as handle:
        handle.truncate(4_000_000_000)
    code, err, peak_mb = run_measured(FAKE_MODEL_CLI, ["ingest"], cli_env(tmp_path / "data", corpus))
    assert code == 0, err
    assert "warning: skipped disk-image.pdf: disk-image.pdf: the file is larger than" in err
    assert peak_mb < 600, f"ingest used {peak_mb:.0f} MB"


def test_a_lying_zip_bomb_is_refused_in_little_memory(tmp_path: Path) -> None:
    bomb = tmp_path / "liar.docx"
    bomb.write_bytes(zip_bomb_docx(400, lie=True))  # 400 MB unpacked, declared as 1 KB
    assert bomb.stat().st_size < 1_000_000
    code = (
        "import sys\nfrom assistant.text.loaders import DocumentError, load_text\n"
        "try:\n    load_text(sys.argv[1])\n"
        "except DocumentError as error:\n    print(error, file=sys.stderr)\n"
    )
    status, err, peak_mb = run_measured(code, [str(bomb)], cli_env(tmp_path / "data"))
    assert status == 0 and "liar.docx: " in err and "Traceback" not in err, err
    assert peak_mb < 200, f"reading the bomb used {peak_mb:.0f} MB"


def paragraphs(count: int, words_each: int = 40) -> str:
    """``count`` distinct paragraphs of words drawn from the corpus (about 260 characters each)."""
    words = (CORPUS / "001_42277acb122cae47.txt").read_text(encoding="utf-8").split()
    rng = random.Random(count)
    return "\n\n".join(" ".join(rng.choice(words) for _ in range(words_each)) + "." for _ in range(count))


def test_a_long_document_is_normalised_and_chunked_in_seconds() -> None:
    """10,000 paragraphs (2.6 MB): comparing every paragraph with every other took 15 minutes."""
    raw = paragraphs(10_000)
    started = time.perf_counter()
    blocks = split_blocks(raw)
    chunks = chunk_document("long.txt", "Long", raw)
    assert time.perf_counter() - started < 60
    assert len(blocks) == 10_000 and chunks


def test_repeated_rows_are_not_quadratic_either() -> None:
    """50,000 near-identical rows (the worst case for finding repeats) still take seconds."""
    raw = "\n\n".join(f"Row {i} of the budget table for the shared service council" for i in range(50_000))
    started = time.perf_counter()
    assert len(split_blocks(raw)) == 50_000
    assert time.perf_counter() - started < 60


def test_ingest_refuses_a_corpus_that_is_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "corpus.txt"
    path.write_text("not a folder", encoding="utf-8")
    assert main(["ingest", "--corpus", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("assistant: corpus folder not found") and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "manifest",
    [
        b"documents: [unclosed",
        b"documents:\n  - file: a.txt\n",
        b"\xff\xfe\x00garbage",
        b"- just\n- a list\n",
    ],
    ids=["bad YAML", "missing title", "not UTF-8", "wrong shape"],
)
def test_a_bad_manifest_is_a_one_line_error(tmp_path: Path, manifest: bytes) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("Shared services need trust.", encoding="utf-8")
    (corpus / "manifest.yaml").write_bytes(manifest)
    assert_clean_failure(run_cli(["ingest"], cli_env(tmp_path / "data", corpus)), "not a valid manifest")


# ------------------------------------------------------------------------------------------------
# ask
# ------------------------------------------------------------------------------------------------


@pytest.fixture
def fake_cli(monkeypatch: pytest.MonkeyPatch, fake_index_settings: Settings) -> Settings:  # noqa: F811
    """``main([...])`` in this process over the module's index, with fake embeddings."""
    monkeypatch.setattr(
        "assistant.index.embeddings.SentenceEmbeddings", lambda *args, **kwargs: FakeEmbeddings()
    )
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(fake_index_settings.data_dir))
    monkeypatch.setenv("ASSISTANT_CORPUS_DIR", str(CORPUS))
    return fake_index_settings


EMPTY_QUESTIONS = {
    "empty": "",
    "whitespace": " \t\n \u3000",
    "control characters": "\x00\x01\x1b\x07\x7f",
    "zero-width only": "\u200b\u200d\ufeff\u2060",
    "direction marks only": "\u200e\u200f\u202e\u2066\u2069",
}


@pytest.mark.parametrize("case", EMPTY_QUESTIONS)
def test_a_question_with_nothing_to_read_is_a_usage_error(
    fake_cli: Settings, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    assert main(["ask", EMPTY_QUESTIONS[case]]) == 2
    captured = capsys.readouterr()
    assert captured.err == f"assistant: {EMPTY_QUESTION}\n" and captured.out == ""


def test_a_200_kb_question_is_a_usage_error_and_stdin_goes_on(
    fake_cli: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    long = "Why do shared services fail? " * 7000
    assert len(long) > 200_000
    assert main(["ask", long]) == 2
    err = capsys.readouterr().err
    assert err.startswith("assistant: The question is too long (") and len(err.splitlines()) == 1

    import io

    monkeypatch.setattr("sys.stdin", io.StringIO(f"{long}\nWhy do shared services fail?\n"))
    assert main(["ask", "--json"]) == 2
    first, second = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert "too long" in first["error"] and len(first["question"]) <= 200
    assert not second["abstained"] and second["citations"]


ODD_QUESTIONS = {
    "emoji": "Why do shared services fail? 😀👩\u200d💻🇬🇧",
    "right-to-left override": "\u202eWhy do shared services fail?\u202c",
    "zero-width inside words": "Why do sha\u200bred ser\u200dvices fail?",
    "Unicode spaces": "Why\u00a0do\u2003shared\u3000services\u2028fail?",
    "terminal escapes": "\x1b[31mWhy do shared services fail?\x1b[0m\x07",
    "combining marks": "Wh\u0337y\u0338 do shared services fail\u0301?",
    "Arabic": "لماذا تفشل الخدمات المشتركة؟",
    "Hebrew and English": "Why do shared services fail? \u05dc\u05de\u05d4",
    "NUL in the middle": "Why do shared\x00 services fail?",
}


@pytest.mark.parametrize("case", ODD_QUESTIONS)
def test_odd_unicode_in_a_question_is_answered_or_refused(
    fake_cli: Settings, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    assert main(["ask", ODD_QUESTIONS[case], "--json"]) == 0
    captured = capsys.readouterr()
    answer = json.loads(captured.out)
    assert "Traceback" not in captured.err
    for text in (answer["question"], answer["answer"]):
        assert not any(unicodedata.category(char) in ("Cc", "Cs") and char != "\n" for char in text)
    assert_citations_verbatim(answer, corpus_raw())


def test_arguments_that_are_not_utf8_are_answered(fake_index_settings: Settings) -> None:  # noqa: F811
    result = run_cli(
        [b"ask", b"Why do shared services fail? \xff\xfe\xed\xa0\x80", b"--json"],
        cli_env(fake_index_settings.data_dir),
    )
    assert result.returncode == 0, result.stderr.decode("utf-8", "replace")
    answer = json.loads(result.stdout.decode("utf-8"))  # strict: the output is valid UTF-8
    assert answer["question"].startswith("Why do shared services fail?") and answer["citations"]


@pytest.mark.parametrize("stdin_errors", ["strict", "surrogateescape"])
def test_stdin_that_is_not_utf8_is_answered_line_by_line(
    fake_index_settings: Settings,  # noqa: F811
    stdin_errors: str,
) -> None:
    """Bytes that are not UTF-8 on stdin (a Windows-1252 file piped in) are replaced, not a crash,
    whatever the locale makes of stdin (strict on most desktops, surrogateescape in a C locale)."""
    stdin = b"caf\xe9 shared services?\r\nWhy do \xed\xa0\x80 shared services fail?\n\x00\n\xff\xfe\n"
    env = cli_env(fake_index_settings.data_dir, PYTHONIOENCODING=f"utf-8:{stdin_errors}")
    result = run_cli(["ask", "--json"], env, stdin=stdin)
    err = result.stderr.decode("utf-8", "replace")
    assert "Traceback" not in err
    lines = [json.loads(line) for line in result.stdout.decode("utf-8").splitlines()]
    assert [line.get("error") is None for line in lines][:2] == [True, True]
    assert lines[1]["citations"]
    assert all(("error" in line) or ("answer" in line) for line in lines)
    assert result.returncode in (0, 2)


# ------------------------------------------------------------------------------------------------
# review (tests/cli/test_review_cli.py has the plain cases: empty, binary, encrypted, corrupt, ...)
# ------------------------------------------------------------------------------------------------

BAD_PROPOSALS: dict[str, tuple[str, bytes | None, str]] = {
    "zero-byte PDF": ("empty.pdf", b"", "the file is empty"),
    "zero-byte DOCX": ("empty.docx", b"", "the file is empty"),
    "binary as .pdf": ("scan.pdf", NOISE, "not a valid PDF"),
    "binary as .docx": ("proposal.docx", NOISE, "not a valid Word document"),
    "control characters as .txt": ("controls.txt", bytes(range(1, 9)) * 200, "not text"),
    "zip bomb DOCX": ("bomb.docx", None, "unpacks to more than"),
    "zip bomb DOCX lying about its size": ("liar.docx", None, "Word document"),
    "HTML (not a proposal type)": ("deep.html", nested_html(), "unsupported file type .html"),
    "longer than 500,000 characters": ("long.md", None, "too long to review"),
}


@pytest.mark.parametrize("case", BAD_PROPOSALS)
def test_bad_proposal_is_one_line_and_exit_code_2(
    case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name, data, expected = BAD_PROPOSALS[case]
    if case == "zip bomb DOCX":
        data = zip_bomb_docx(60)
    elif case == "zip bomb DOCX lying about its size":
        data = zip_bomb_docx(60, lie=True)
    elif case == "longer than 500,000 characters":
        data = paragraphs(MAX_PROPOSAL_CHARS // 200).encode()
    assert data is not None
    path = tmp_path / name
    path.write_bytes(data)
    assert main(["review", str(path)]) == 2
    captured = capsys.readouterr()
    err = captured.err.strip()
    assert err.startswith("assistant: ") and len(err.splitlines()) == 1, err
    assert expected in err and captured.out == ""


ODD_PROPOSALS = {
    "right-to-left, zero-width and emoji": (
        "odd.md",
        (
            "\u202eThe councils will share\u200b one payroll team 😀 from April.\u202c\n\n"
            "There will be no pilot phase\u200d and the business case is to be confirmed.\n"
        ).encode(),
    ),
    "Windows-1252": (
        "legacy.txt",
        "The councils – both – will share a café and no pilot phase.".encode("cp1252"),
    ),
    "PDF with half a UTF-16 pair": ("broken-font.pdf", surrogate_pdf()),
    "a few terminal escapes": (
        "ansi.txt",
        b"\x1b[31mThe councils will share a service.\x1b[0m " + b"There will be no pilot phase at all. " * 8,
    ),
}


@pytest.mark.parametrize("case", ODD_PROPOSALS)
def test_odd_unicode_in_a_proposal_is_reviewed_with_verbatim_evidence(
    fake_cli: Settings, case: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from assistant.review.reading import read_proposal

    name, data = ODD_PROPOSALS[case]
    path = tmp_path / name
    path.write_bytes(data)
    assert main(["review", str(path), "--json"]) == 0
    review = json.loads(capsys.readouterr().out)
    text = read_proposal(data, name, 10_000_000)
    evidence = [item for factor in review["factors"] for item in factor["evidence"]]
    for item in evidence:
        assert " ".join(text[item["start"] : item["end"]].split()) == item["quote"]


def test_proposal_from_stdin_that_is_not_utf8_is_read(
    fake_cli: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import io

    stdin = io.TextIOWrapper(io.BytesIO(b"The councils will share caf\xe9s. There will be no pilot phase."))
    monkeypatch.setattr("sys.stdin", stdin)
    assert main(["review", "-", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["proposal"]["name"] == "stdin.txt"


def test_a_proposal_just_under_the_limit_is_reviewed_in_bounded_time() -> None:
    text = paragraphs(MAX_PROPOSAL_CHARS // 300)
    assert len(text) <= MAX_PROPOSAL_CHARS
    started = time.perf_counter()
    review = review_text(text, "long.md", FakeEmbeddings())
    assert review.factors and time.perf_counter() - started < 120


# ------------------------------------------------------------------------------------------------
# prompts (tests/cli/test_discussion_command.py has empty themes, bad counts and bad output paths)
# ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "theme",
    ["trust between partners 😀", "\u202etrust between partners\u202c", "trust\u200bbetween\u00a0partners"],
    ids=["emoji", "right-to-left", "zero-width and no-break spaces"],
)
def test_odd_unicode_in_a_theme_gives_prompts(
    fake_cli: Settings, capsys: pytest.CaptureFixture[str], theme: str
) -> None:
    assert main(["prompts", "--theme", theme, "--count", "3", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["prompts"]


@pytest.mark.parametrize(
    "theme", ["\x00\x1b", "\u200b\u200f", "\x07 \u2060\ufeff"], ids=["control", "zero-width", "mixed"]
)
def test_a_theme_with_nothing_to_read_is_refused_as_empty(
    fake_cli: Settings, capsys: pytest.CaptureFixture[str], theme: str
) -> None:
    assert main(["prompts", "--theme", theme, "--count", "3"]) == 2
    captured = capsys.readouterr()
    assert "theme is empty" in captured.err and len(captured.err.splitlines()) == 1
    assert captured.out == ""


def test_a_200_kb_theme_is_refused(fake_cli: Settings, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["prompts", "--theme", "trust " * 40_000, "--count", "3", "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("assistant: The theme is too long (239,999 characters; at most 2,000)")
    assert len(captured.err) < 300 and captured.out == ""  # one line, the theme not echoed back


def test_a_theme_that_is_not_utf8_is_cleaned_before_anything_reads_it(
    fake_cli: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    """A lone surrogate (what Python makes of a byte that is not UTF-8 in an argument) never reaches the
    embedding model's tokenizer, nor the output."""
    assert main(["prompts", "--theme", "trust \udcff between\udcfe partners", "--count", "3", "--json"]) == 0
    captured = capsys.readouterr()
    captured.out.encode("utf-8")  # strict: no surrogate left
    assert json.loads(captured.out)["prompts"]


@pytest.mark.model
def test_a_theme_that_is_not_utf8_is_not_a_traceback(real_settings: Settings, real_assistant: Any) -> None:
    result = run_cli(
        [b"prompts", b"--theme", b"trust \xff between partners", b"--count", b"3"],
        cli_env(real_settings.data_dir),
        real_model=True,
    )
    err = result.stderr.decode("utf-8", "replace")
    assert result.returncode == 0 and "Traceback" not in err, err
    assert result.stdout.decode("utf-8")  # strict: the output is valid UTF-8
