"""What the app says about itself: its header (and where questions go) and the facts of its About page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlparse

import assistant as package
from assistant.settings import Settings
from assistant.web import render
from assistant.web.logins import is_loopback

APP_TITLE = "Guidance Assistant"
TAGLINE = "Answers from public-sector guidance on shared services — every sentence quoted and sourced."


def model_host(settings: Settings) -> str | None:
    """The other machine questions are sent to when a language model server off this machine writes the
    answers, or None when everything stays here (extractive answers, a local model or a loopback server).
    """
    if settings.llm_provider in ("none", "llamacpp"):
        return None
    default = "https://api.openai.com" if settings.llm_provider == "openai" else "http://127.0.0.1:11434"
    host = urlparse(settings.llm_base_url or default).hostname or ""
    return None if is_loopback(host) else host


def generator_label(settings: Settings) -> str:
    """What writes the answers, for the About page."""
    if settings.llm_provider == "none":
        return "Extractive: sentences quoted from the guidance (no language model)"
    return f"{settings.llm_provider}: {settings.llm_model or 'default model'}"


def header_html(settings: Settings) -> str:
    """The app header: product name, what it does, and where data goes."""
    elsewhere = model_host(settings)
    badge = (
        f"Proposals stay on this machine · questions go to {elsewhere}"
        if elsewhere
        else "Runs on this machine · nothing you type or upload leaves it"
    )
    return (
        '<div class="app-header"><div class="app-mark">GA</div><div>'
        f'<div class="app-name">{render.escape(APP_TITLE)}</div>'
        f'<div class="app-tagline">{render.escape(TAGLINE)}</div></div>'
        f'<div class="app-badge">{render.escape(badge)}</div></div>'
    )


def about_html(assistant: Any, settings: Settings) -> str:
    """The About page of an assistant: indexed documents, generator, index location, version."""
    chunks = assistant.chunks()
    documents: dict[str, tuple[str, int]] = {}
    for chunk in chunks.values():
        title, count = documents.get(chunk.doc, (chunk.title, 0))
        documents[chunk.doc] = (title, count + 1)
    location = settings.chroma_url or str(settings.chroma_path.resolve())
    return render.status_page_html(
        documents=[(doc, title, count) for doc, (title, count) in sorted(documents.items())],
        chunk_count=len(chunks),
        generator=generator_label(settings),
        index_location=location,
        version=package.__version__,
        feedback_path=str(settings.feedback_log.resolve()),
        max_upload_mb=settings.max_upload_mb,
        model_host=model_host(settings),
    )
