"""Load a document's raw text from a text, Markdown, PDF, Word or HTML file.

Every problem with a file (too big, empty, encrypted, corrupt, not text) is reported as a
``DocumentError`` with a one-line message a user can act on, naming the file.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the document libraries are imported when a document of their kind is read
    import pypdf
    from bs4 import BeautifulSoup
    from docx.table import Table

SUPPORTED_SUFFIXES = (".txt", ".md", ".pdf", ".docx", ".html", ".htm")
DEFAULT_MAX_BYTES = 20_000_000
MAX_UNPACKED_BYTES = 50_000_000
"""Largest total uncompressed size of a Word document's parts: a guard against zip bombs."""

UNPACK_PIECE_BYTES = 1_000_000
"""Bytes unpacked at a time while an archive's size is checked."""

MAX_HTML_DEPTH = 1_000
"""Deepest element nesting accepted in an HTML page."""

LONE_SURROGATE = re.compile("[\ud800-\udfff]")
REPLACEMENT_CHARACTER = "\ufffd"
"""A broken PDF font map can extract to half a UTF-16 pair, which no index or model accepts: it is
shown as the replacement character instead."""

MAX_CONTROL_CHARACTER_SHARE = 0.01
"""Text with a larger share of control characters (other than tabs and newlines) is binary."""


class DocumentError(Exception):
    """A document that cannot be loaded; the message is one line, fit to show a user."""


def load_text(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Read a document file and return its raw text.

    Args:
        path: The file to read; its suffix chooses the format.
        max_bytes: Largest file size accepted.

    Returns:
        The document's text, with newlines as ``"\\n"``.

    Raises:
        DocumentError: The file is missing, too big, unsupported, empty or unreadable.
    """
    path = Path(path)
    try:
        if path.stat().st_size > max_bytes:
            raise DocumentError(f"{path.name}: the file is larger than {max_bytes:,} bytes")
        data = path.read_bytes()
    except OSError as error:
        raise DocumentError(f"{path.name}: the file could not be read ({error.strerror or error})") from error
    return load_text_from_bytes(data, path.name, max_bytes)


def load_text_from_bytes(data: bytes, name: str, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Return the raw text of a document given as bytes, such as an upload.

    Args:
        data: The file's content.
        name: The file's name; its suffix chooses the format.
        max_bytes: Largest content size accepted.

    Returns:
        The document's text, with newlines as ``"\\n"``.

    Raises:
        DocumentError: The content is too big, unsupported, empty or unreadable.
    """
    name = Path(name).name
    suffix = Path(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        supported = ", ".join(SUPPORTED_SUFFIXES)
        raise DocumentError(f"{name}: unsupported file type {suffix or '(none)'}; use one of {supported}")
    if len(data) > max_bytes:
        raise DocumentError(f"{name}: the file is larger than {max_bytes:,} bytes")
    if not data.strip():
        raise DocumentError(f"{name}: the file is empty")
    if suffix == ".pdf":
        text = read_pdf(data, name)
    elif suffix == ".docx":
        text = read_word_document(data, name)
    elif suffix in (".html", ".htm"):
        text = read_html(data, name)
    else:
        text = decode_text(data, name)
    text = LONE_SURROGATE.sub(REPLACEMENT_CHARACTER, text.replace("\r\n", "\n").replace("\r", "\n"))
    if not text.strip():
        raise DocumentError(f"{name}: no text found in the file")
    return text


def decode_text(data: bytes, name: str) -> str:
    """Decode a plain-text or Markdown file: UTF-8 (with or without BOM), else Windows-1252.

    Args:
        data: The file's content.
        name: The file's name, for messages.

    Returns:
        The decoded text.

    Raises:
        DocumentError: The content is binary or in an unknown encoding.
    """
    if b"\x00" in data:
        raise DocumentError(f"{name}: not text (binary content)")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError as error:
            raise DocumentError(f"{name}: not text (unknown encoding)") from error
    control = sum(1 for char in text if ord(char) < 32 and char not in "\t\n\r\f")
    if control > MAX_CONTROL_CHARACTER_SHARE * len(text):
        raise DocumentError(f"{name}: not text (binary content)")
    return text


def read_pdf(data: bytes, name: str) -> str:
    """Extract the text of a PDF, pages separated by blank lines.

    Args:
        data: The file's content.
        name: The file's name, for messages.

    Returns:
        The text of all pages joined with ``"\\n\\n"``.

    Raises:
        DocumentError: The PDF is encrypted, corrupt or has no text.
    """
    import pypdf

    try:
        reader = pypdf.PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not _open_with_empty_password(reader):
            raise DocumentError(f"{name}: the PDF is encrypted")
        pages = [page.extract_text() or "" for page in reader.pages]
    except DocumentError:
        raise
    except Exception as error:  # pypdf raises many types for damaged files
        raise DocumentError(f"{name}: not a valid PDF (it may be damaged)") from error
    text = "\n\n".join(pages)
    if not text.strip():
        raise DocumentError(f"{name}: no text found in the PDF (it may be a scanned image)")
    return text


def _open_with_empty_password(reader: pypdf.PdfReader) -> bool:
    """Try the empty password, which opens PDFs that are encrypted only against editing."""
    import pypdf

    try:
        return reader.decrypt("") != pypdf.PasswordType.NOT_DECRYPTED
    except Exception:  # an unsupported algorithm is as closed as a wrong password
        return False


def read_word_document(data: bytes, name: str) -> str:
    """Extract the paragraphs and table cells of a Word (.docx) document, in order.

    Args:
        data: The file's content.
        name: The file's name, for messages.

    Returns:
        Paragraph and cell texts joined with ``"\\n\\n"``.

    Raises:
        DocumentError: The file is not a Word document or unpacks to more than the limit.
    """
    import docx
    from docx.table import Table

    _check_unpacked_size(data, name)
    try:
        document = docx.Document(io.BytesIO(data))
        texts: list[str] = []
        for item in document.iter_inner_content():
            if isinstance(item, Table):
                texts.extend(_read_table_cells(item))
            else:
                texts.append(item.text)
    except Exception as error:  # python-docx and lxml raise many types for damaged files
        raise DocumentError(f"{name}: not a valid Word document") from error
    return "\n\n".join(text for text in texts if text.strip())


def _check_unpacked_size(data: bytes, name: str) -> None:
    """Refuse an archive that unpacks to more than ``MAX_UNPACKED_BYTES`` (a zip bomb).

    The sizes an archive declares can lie, so every part is unpacked (a piece at a time, nothing
    kept) and counted.

    Raises:
        DocumentError: The file is not a valid archive or unpacks to more than the limit.
    """
    too_big = DocumentError(f"{name}: the document unpacks to more than {MAX_UNPACKED_BYTES:,} bytes")
    unpacked = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
                raise too_big
            for info in infos:
                with archive.open(info) as part:
                    while piece := part.read(UNPACK_PIECE_BYTES):
                        unpacked += len(piece)
                        if unpacked > MAX_UNPACKED_BYTES:
                            raise too_big
    except DocumentError:
        raise
    except Exception as error:  # zipfile and zlib raise many types for damaged or encrypted archives
        raise DocumentError(f"{name}: not a valid Word document") from error


def _read_table_cells(table: Table) -> list[str]:
    """Return the text of each cell in a table, once for a merged cell."""
    texts: list[str] = []
    for row in table.rows:
        seen: set[int] = set()
        for cell in row.cells:
            if id(cell._tc) not in seen:
                seen.add(id(cell._tc))
                texts.append(cell.text)
    return texts


def read_html(data: bytes, name: str) -> str:
    """Extract the visible text of an HTML page, without scripts and styles.

    Args:
        data: The file's content.
        name: The file's name, for messages.

    Returns:
        The page text, one line per text node, at most one blank line in a row.

    Raises:
        DocumentError: The content is binary or nested too deeply.
    """
    from bs4 import BeautifulSoup

    if b"\x00" in data:
        raise DocumentError(f"{name}: not text (binary content)")
    try:
        soup = BeautifulSoup(data, "lxml")
        if _measure_depth(soup) > MAX_HTML_DEPTH:
            raise DocumentError(f"{name}: the page is nested too deeply to read")
        for element in soup(["script", "style", "noscript", "template"]):
            element.decompose()
        text = soup.get_text("\n")
    except DocumentError:
        raise
    except RecursionError as error:
        raise DocumentError(f"{name}: the page is nested too deeply to read") from error
    except Exception as error:  # the parser can fail in many ways on malformed input
        raise DocumentError(f"{name}: not a valid HTML page") from error
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip("\n")


def _measure_depth(soup: BeautifulSoup) -> int:
    """Return the deepest element nesting in a parsed page, without recursion."""
    from bs4 import Tag

    depths = {id(soup): 0}
    deepest = 0
    for element in soup.descendants:
        if isinstance(element, Tag) and element.parent is not None:
            depth = depths[id(element.parent)] + 1
            depths[id(element)] = depth
            deepest = max(deepest, depth)
    return deepest
