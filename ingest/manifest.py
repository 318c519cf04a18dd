"""The corpus manifest: a human title, publisher/author and year for each document file."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from assistant.text.terms import content_terms


class ManifestError(ValueError):
    """The manifest file is not valid."""


class DocumentEntry(BaseModel):
    """What the manifest says about one document."""

    model_config = ConfigDict(extra="forbid")

    file: str
    title: str
    publisher: str | None = None
    author: str | None = None
    year: int | None = None
    kind: str | None = None
    summary: str | None = None


class Manifest(BaseModel):
    """All entries of a manifest file."""

    model_config = ConfigDict(extra="forbid")

    documents: list[DocumentEntry] = []

    def entry(self, file: str) -> DocumentEntry | None:
        """The entry for a document file name, if the manifest has one."""
        return next((entry for entry in self.documents if entry.file == file), None)


def load_manifest(path: Path) -> Manifest:
    """Read and validate a manifest; a missing file is an empty manifest.

    Raises:
        ManifestError: when the file is not valid YAML or does not follow the schema.
    """
    if not path.is_file():
        return Manifest()
    try:
        return Manifest.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
    except (yaml.YAMLError, ValidationError, UnicodeDecodeError) as error:
        first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ManifestError(f"{path}: not a valid manifest ({first_line})") from None


def described_names(path: Path) -> frozenset[str]:
    """The words (stemmed, as the lexical index keeps them) of every document's title, publisher and
    author: names a question may use for a document ("the Socitm guide") that its text may not hold
    (page furniture such as credits is not indexed). None when the manifest cannot be read."""
    try:
        manifest = load_manifest(path)
    except ManifestError:
        return frozenset()
    described = " ".join(
        " ".join(filter(None, (entry.title, entry.publisher, entry.author))) for entry in manifest.documents
    )
    return frozenset(content_terms(described))


def fallback_title(raw: str, file: str) -> str:
    """A title for a document the manifest does not list: its first short line, else its file name."""
    for line in raw.splitlines():
        line = " ".join(line.split())
        if line:
            return line if len(line) <= 120 else Path(file).stem
    return Path(file).stem
