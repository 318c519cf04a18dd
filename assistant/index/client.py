"""Opening Chroma, and the errors of an index that cannot be used as it is.

Embedded (``PersistentClient`` in the data folder) by default; a Chroma server when ``chroma_url`` is
set, so that several app processes can share one index. Chroma is imported only when a client is opened.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

from assistant.settings import Settings

HNSW = {"hnsw": {"space": "cosine"}}
"""The configuration of every collection: an HNSW graph over cosine distances."""


class IndexMismatchError(RuntimeError):
    """The index on disk was built with another embedding model."""


class IndexUnreadableError(RuntimeError):
    """The embedded index cannot be opened (its database is damaged, or of another Chroma version)."""


def open_client(settings: Settings) -> Any:
    """Open Chroma: the server at ``settings.chroma_url`` if set, else the embedded index, telemetry off."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        return chromadb.HttpClient(
            host=url.hostname or "127.0.0.1",
            port=url.port or (443 if url.scheme == "https" else 8000),
            ssl=url.scheme == "https",
            settings=chroma_settings,
        )
    settings.chroma_path.mkdir(parents=True, exist_ok=True)
    try:
        return chromadb.PersistentClient(path=str(settings.chroma_path), settings=chroma_settings)
    except Exception as error:  # Chroma reports a damaged database with several error types
        raise IndexUnreadableError(
            f"the index in {settings.chroma_path} cannot be opened ({' '.join(str(error).split())}): "
            "move that folder away and run `assistant ingest` to build the index again"
        ) from error


def open_collection(client: Any, name: str, embedding_model: str) -> Any:
    """Open (or create) a collection of our vectors, labelled with the model that made them."""
    return client.get_or_create_collection(
        name,
        configuration=HNSW,
        metadata={"embedding_model": embedding_model},
        embedding_function=None,
    )
