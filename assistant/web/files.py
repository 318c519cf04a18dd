"""Files the web app handles: proposals uploaded for review (read once, then deleted) and files
prepared for download (kept half an hour in a private temporary folder)."""

from __future__ import annotations

import atexit
import re
import shutil
import tempfile
import time
from pathlib import Path

import gradio as gr

from assistant.settings import Settings

EXPORT_MAX_AGE = 30 * 60
"""Seconds a file prepared for download is kept on disk."""


def max_upload_bytes(settings: Settings) -> int:
    """Largest upload in bytes."""
    return int(settings.max_upload_mb * 1_000_000)


class ExportFolder:
    """A private temporary folder for files offered for download; files older than half an hour go."""

    def __init__(self) -> None:
        """Create the folder (deleted when the app's process ends)."""
        self.root = Path(tempfile.mkdtemp(prefix="guidance-assistant-"))
        atexit.register(shutil.rmtree, self.root, True)

    def new_path(self, name: str) -> Path:
        """A path for a new file to download (each in its own folder: names may repeat).

        The name is reduced to letters, digits, hyphens and underscores, and its suffix.
        """
        self.prune()
        stem, dot, suffix = name.rpartition(".") if "." in name else (name, "", "")
        safe = (
            (re.sub(r"[^A-Za-z0-9_]+", "-", stem).strip("-") or "download") + dot + re.sub(r"\W", "", suffix)
        )
        return Path(tempfile.mkdtemp(dir=self.root)) / safe

    def write(self, name: str, content: str | bytes) -> str:
        """Write a file for download and return its path."""
        path = self.new_path(name)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
        return str(path)

    def prune(self) -> None:
        """Delete downloads older than ``EXPORT_MAX_AGE``."""
        cutoff = time.time() - EXPORT_MAX_AGE
        for folder in self.root.iterdir():
            if folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder, ignore_errors=True)


def read_upload(path: str | Path, limit: int) -> tuple[bytes, str]:
    """The bytes and file name of an uploaded file, which is then deleted.

    Only files in Gradio's upload folder are read (an API caller cannot name another file).

    Raises:
        DocumentError: when the file is not an upload, is too big or cannot be read.
    """
    from assistant.text.loaders import DocumentError

    upload = Path(path).resolve()
    name = upload.name
    uploads = Path(gr.utils.get_upload_folder()).resolve()
    if not upload.is_relative_to(uploads):
        raise DocumentError(f"{name}: not an uploaded file")
    try:
        if upload.stat().st_size > limit:
            raise DocumentError(f"{name}: the file is larger than {limit / 1_000_000:g} MB")
        return upload.read_bytes(), name
    except OSError as error:
        raise DocumentError(f"{name}: the file could not be read ({error.strerror})") from None
    finally:
        delete_upload(upload, uploads)


def delete_upload(path: Path, uploads: Path) -> None:
    """Delete an uploaded file, and its folder when that is empty (Gradio keeps one folder per upload)."""
    path.unlink(missing_ok=True)
    folder = path.parent
    if folder != uploads and folder.is_relative_to(uploads):
        try:
            folder.rmdir()
        except OSError:
            pass
