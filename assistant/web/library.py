"""What the app knows about each guidance document: its manifest entry (title, publisher, author, year)
and its indexed passages in order, for the source cards, the document view and the follow-up questions.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from functools import cached_property
from typing import Any

from assistant.records import Chunk
from assistant.settings import Settings
from ingest.manifest import ManifestError, load_manifest

log = logging.getLogger(__name__)


class Library:
    """The guidance documents as the app shows them: manifest metadata over the indexed passages.

    Args:
        assistant: The ``Assistant`` whose index holds the passages (``chunks()``).
        settings: Settings naming the corpus manifest.
    """

    def __init__(self, assistant: Any, settings: Settings) -> None:
        """Keep the assistant and settings; the manifest is read on first use."""
        self.assistant = assistant
        self.settings = settings

    @cached_property
    def entries(self) -> dict[str, dict[str, Any]]:
        """The manifest's entries by file name (none when the manifest is missing or invalid)."""
        try:
            manifest = load_manifest(self.settings.manifest_path)
        except ManifestError as error:
            log.warning("document details left out: %s", error)
            return {}
        return {entry.file: entry.model_dump() for entry in manifest.documents}

    def describe(self, doc: str, title: str = "") -> dict[str, Any]:
        """A document's card details: ``doc``, ``title``, ``publisher``, ``author``, ``year``, ``kind``.

        The manifest's values where it lists the document; otherwise the indexed title (or ``title``).
        """
        entry = self.entries.get(doc, {})
        indexed = next((chunk.title for chunk in self.passages(doc)), "") if not entry else ""
        return {
            "doc": doc,
            "title": entry.get("title") or title or indexed or doc,
            "publisher": entry.get("publisher"),
            "author": entry.get("author"),
            "year": entry.get("year"),
            "kind": entry.get("kind"),
        }

    def describe_all(self, docs: Sequence[str]) -> dict[str, dict[str, Any]]:
        """``describe`` of each document named, by file name."""
        return {doc: self.describe(doc) for doc in dict.fromkeys(docs)}

    def passages(self, doc: str) -> list[Chunk]:
        """The indexed passages of a document, in document order (none for an unknown document)."""
        chunks = [chunk for chunk in self.assistant.chunks().values() if chunk.doc == doc]
        return sorted(chunks, key=lambda chunk: (chunk.start, chunk.index))

    def passage_by_id(self, passage_id: str) -> Chunk | None:
        """The indexed passage with an id, or None."""
        return self.assistant.chunks().get(passage_id)

    def titles(self) -> list[tuple[str, str]]:
        """(file name, title) of every indexed document, in file-name order."""
        docs = sorted({chunk.doc for chunk in self.assistant.chunks().values()})
        return [(doc, str(self.describe(doc)["title"])) for doc in docs]
