"""Tests for assistant.text.loaders: every format loads, and every bad file is a one-line DocumentError."""

import io
import zipfile
from pathlib import Path

import docx
import pypdf
import pytest

from assistant.text.loaders import (
    MAX_UNPACKED_BYTES,
    SUPPORTED_SUFFIXES,
    DocumentError,
    load_text,
    load_text_from_bytes,
)
from tests.reliability.reliability_fixtures import build_pdf

CORPUS = Path(__file__).resolve().parents[2] / "corpus"


def encrypt_pdf(data: bytes, user_password: str) -> bytes:
    """Return the PDF encrypted with the given user password (and an owner password)."""
    writer = pypdf.PdfWriter(clone_from=pypdf.PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password, owner_password="owner-secret")
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def build_word_document() -> bytes:
    """Write a Word document with two paragraphs and a two-by-two table."""
    document = docx.Document()
    document.add_paragraph("Shared services need trust.")
    document.add_paragraph("Key learning: agree the decision process early.")
    table = document.add_table(rows=2, cols=2)
    for row, texts in zip(table.rows, [("Partner", "Role"), ("County", "Host")], strict=True):
        for cell, text in zip(row.cells, texts, strict=True):
            cell.text = text
    output = io.BytesIO()
    document.save(output)
    return output.getvalue()


def assert_document_error(data: bytes, name: str, fragment: str) -> None:
    """Assert that loading fails with a one-line message naming the file and containing ``fragment``."""
    with pytest.raises(DocumentError) as caught:
        load_text_from_bytes(data, name)
    message = str(caught.value)
    assert message.startswith(f"{name}: ") and "\n" not in message
    assert fragment in message


def test_supported_suffixes() -> None:
    assert SUPPORTED_SUFFIXES == (".txt", ".md", ".pdf", ".docx", ".html", ".htm")


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.txt")), ids=lambda path: path.name)
def test_corpus_files_load_unchanged(path: Path) -> None:
    assert load_text(path) == path.read_text(encoding="utf-8")


def test_utf8_text_with_and_without_bom(tmp_path: Path) -> None:
    text = "Shared services – café “quoted”\nSecond line\n"
    plain = tmp_path / "plain.txt"
    plain.write_bytes(text.encode("utf-8"))
    with_bom = tmp_path / "bom.md"
    with_bom.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert load_text(plain) == text
    assert load_text(with_bom) == text


def test_windows_1252_text_falls_back(tmp_path: Path) -> None:
    text = "Caf\u00e9 \u2013 \u201cshared\u201d services"
    path = tmp_path / "legacy.txt"
    path.write_bytes(text.encode("cp1252"))
    assert load_text(path) == text


def test_windows_line_endings_become_newlines() -> None:
    assert load_text_from_bytes(b"one\r\ntwo\rthree", "a.txt") == "one\ntwo\nthree"


def test_binary_content_is_rejected() -> None:
    assert_document_error(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image.txt", "not text")
    assert_document_error(bytes(range(1, 9)) * 50, "controls.txt", "not text")
    assert_document_error(b"\x81\x8d\x8f\x90\x9d" * 10, "odd.txt", "not text")


@pytest.mark.parametrize("data", [b"", b"   \n\t\r\n  "])
def test_empty_files_are_rejected(data: bytes) -> None:
    assert_document_error(data, "notes.txt", "empty")


def test_markdown_is_read_as_text() -> None:
    assert load_text_from_bytes(b"# Title\n\n- item one\n", "notes.md") == "# Title\n\n- item one\n"


def test_html_keeps_visible_text_only() -> None:
    html = (
        b"<html><head><title>Guide</title><style>p {color: red}</style>"
        b"<script>var secret = 1;</script></head><body><h1>Sharing</h1>\n\n\n\n"
        b"<p>Budgets stay with the customer.</p><noscript>Enable scripts</noscript></body></html>"
    )
    text = load_text_from_bytes(html, "page.html")
    assert "Sharing" in text and "Budgets stay with the customer." in text
    assert "secret" not in text and "color" not in text and "Enable scripts" not in text
    assert "\n\n\n" not in text


def test_deeply_nested_html_is_rejected_not_crashed() -> None:
    html = b"<html><body>" + b"<div>" * 5000 + b"deep" + b"</div>" * 5000 + b"</body></html>"
    assert_document_error(html, "deep.htm", "nested too deeply")


def test_word_document_paragraphs_and_tables() -> None:
    text = load_text_from_bytes(build_word_document(), "guide.docx")
    assert text == (
        "Shared services need trust.\n\nKey learning: agree the decision process early."
        "\n\nPartner\n\nRole\n\nCounty\n\nHost"
    )


def test_invalid_word_documents_are_rejected() -> None:
    assert_document_error(b"this is not a zip file", "x.docx", "not a valid Word document")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as output:
        output.writestr("readme.txt", "not a Word document")
    assert_document_error(archive.getvalue(), "y.docx", "not a valid Word document")


def test_zip_bomb_word_document_is_rejected() -> None:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as output:
        with output.open("word/document.xml", "w") as member:
            megabyte = b"\0" * 1_000_000
            for _ in range(MAX_UNPACKED_BYTES // 1_000_000 + 10):
                member.write(megabyte)
    assert len(archive.getvalue()) < 1_000_000
    assert_document_error(archive.getvalue(), "bomb.docx", "unpacks to more than")


def test_pdf_text_is_extracted() -> None:
    assert "Shared services work" in load_text_from_bytes(build_pdf("Shared services work"), "guide.pdf")


def test_pdf_without_text_is_rejected() -> None:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=200, height=200)
    output = io.BytesIO()
    writer.write(output)
    assert_document_error(output.getvalue(), "scan.pdf", "no text")


def test_encrypted_pdf_is_rejected() -> None:
    assert_document_error(
        encrypt_pdf(build_pdf("Secret plans"), "letmein"), "report.pdf", "the PDF is encrypted"
    )


def test_pdf_encrypted_with_empty_user_password_opens() -> None:
    data = encrypt_pdf(build_pdf("Open to read"), "")
    assert "Open to read" in load_text_from_bytes(data, "open.pdf")


@pytest.mark.parametrize(
    "data", [b"%PDF-1.4\nnot really a pdf", b"\x00\x01\x02garbage", build_pdf("Cut")[:60]]
)
def test_corrupt_pdf_is_rejected(data: bytes) -> None:
    with pytest.raises(DocumentError) as caught:
        load_text_from_bytes(data, "broken.pdf")
    assert str(caught.value).startswith("broken.pdf: ")


def test_oversized_files_are_rejected(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("x" * 100)
    with pytest.raises(DocumentError, match="big.txt: the file is larger than 50 bytes"):
        load_text(path, max_bytes=50)
    with pytest.raises(DocumentError, match="larger than"):
        load_text_from_bytes(b"x" * 100, "big.html", max_bytes=50)


@pytest.mark.parametrize("name", ["program.exe", "archive.zip", "README"])
def test_unsupported_suffix_is_rejected(name: str) -> None:
    assert_document_error(b"some content", name, "unsupported file type")


def test_missing_file_is_a_document_error(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="missing.txt: the file could not be read"):
        load_text(tmp_path / "missing.txt")
