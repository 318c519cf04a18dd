"""The assistant as the entry points open it: the index built on first use and kept in line with the
corpus folder, above both answering (which only reads the index) and ingest (which writes it)."""

from __future__ import annotations

import logging
from typing import Any

from assistant.answering.facade import Assistant
from assistant.settings import Settings
from ingest.manifest import ManifestError, described_names
from ingest.pipeline import IngestLockedError, built_from, ingest_corpus

log = logging.getLogger(__name__)


def sync_index(assistant: Assistant) -> None:
    """Build the index from the corpus on first use, and bring an embedded index in line with the
    corpus folder it was built from when files there were added, changed or removed since.

    When nothing changed, only file hashes are read. An index built from another folder
    (``assistant ingest --corpus``) is left as it is, and so is an index on a shared Chroma server
    unless empty: ``assistant ingest`` updates those, so an app started with another corpus folder
    cannot rewrite what other users read. A corpus that cannot be read now (a bad manifest,
    another ingest running) leaves the index as it is, with a warning.
    """
    settings, index = assistant.settings, assistant.index
    if index.count() == 0:
        ingest_corpus(settings, index, assistant.embeddings, progress=True)
        return
    corpus = settings.corpus_dir
    if settings.chroma_url is not None or not corpus.is_dir() or built_from(settings) != corpus.resolve():
        return
    try:
        report = ingest_corpus(settings, index, assistant.embeddings, progress=True)
    except (ManifestError, IngestLockedError) as error:
        log.warning("answering from the index as it is: %s", error)
        return
    if report.changed:
        log.warning("the corpus folder changed; %s", report.summary())


def open_assistant(settings: Settings | None = None, **backends: Any) -> Assistant:
    """An ``Assistant`` that builds or updates its index before its first answer (``sync_index``) and
    knows the names the corpus manifest gives its documents."""
    settings = settings or Settings()
    return Assistant(
        settings, prepare=sync_index, described=lambda: described_names(settings.manifest_path), **backends
    )
