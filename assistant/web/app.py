"""The browser app (Gradio): ask the guidance, review a proposal, build discussion prompts.

``build_app(assistant, settings)`` lays out the app over injected backends; ``launch_app`` starts it with
the safe defaults (loopback, optional login over the page and the API, upload limit, no analytics).
The API endpoints ``ask``, ``review``, ``prompts`` and ``feedback`` return JSON for ``gradio_client``.

The tabs are laid out in ``tabs/``, their callbacks are the methods of ``handlers.Handlers``, the HTML
comes from ``render/`` and the look from ``theme`` and ``static/``.
"""

from __future__ import annotations

from typing import Any

import gradio as gr

from assistant.settings import Settings
from assistant.web.api import register_api
from assistant.web.conversation import passage_of
from assistant.web.files import EXPORT_MAX_AGE, max_upload_bytes
from assistant.web.handlers import Handlers
from assistant.web.logins import load_logins, make_login_check
from assistant.web.status import APP_TITLE, header_html, model_host
from assistant.web.streams import AnswerStream
from assistant.web.tabs import build_about_tab, build_ask_tab, build_prompts_tab, build_review_tab
from assistant.web.theme import THEME, load_citation_script, load_stylesheet

__all__ = [
    "build_app",
    "header_html",
    "launch_app",
    "model_host",
    "passage_of",
    "warm_up",
    "warm_up_server",
]

WARM_UP_QUESTION = "What are shared services?"


def build_app(assistant: Any, settings: Settings, stream: AnswerStream | None = None) -> gr.Blocks:
    """The Gradio app over an assistant (tests pass one with fake embeddings).

    Args:
        assistant: The ``Assistant`` answering questions (its index is built if missing).
        settings: Settings (data folder for feedback, upload limit, generator shown on the About page).
        stream: How answers are streamed; by default the extractive stream, or the language model's
            when the settings name one (``default_stream``).
    """
    handlers = Handlers(assistant, settings, stream)
    with gr.Blocks(
        title=APP_TITLE, analytics_enabled=False, delete_cache=(EXPORT_MAX_AGE, EXPORT_MAX_AGE)
    ) as demo:
        gr.HTML(header_html(settings), elem_id="app-header")
        with gr.Tabs(elem_id="tabs", overflow_behavior="wrap"):
            build_ask_tab(handlers, settings)
            build_review_tab(handlers, settings)
            build_prompts_tab(handlers)
            build_about_tab(assistant, settings)
        register_api(handlers)
    return demo


def launch_app(
    demo: gr.Blocks, settings: Settings, *, prevent_thread_lock: bool = False, quiet: bool = True
) -> str:
    """Start the app on ``settings.host``/``settings.port`` with the safe defaults; returns its local URL.

    The login (when configured) guards the page and every API endpoint; uploads over
    ``settings.max_upload_mb`` are refused; nothing is shared publicly and no run history is kept in
    the browser.
    """
    logins = load_logins(settings)
    _, url, _ = demo.launch(
        server_name=settings.host,
        server_port=settings.port,
        auth=make_login_check(logins) if logins else None,
        auth_message="Sign in to the Guidance Assistant." if logins else None,
        prevent_thread_lock=prevent_thread_lock,
        quiet=quiet,
        share=False,
        inbrowser=False,
        show_error=False,
        max_file_size=max_upload_bytes(settings),
        footer_links=["api"],
        run_history=False,
        enable_monitoring=False,
        mcp_server=False,
        ssr_mode=False,
        pwa=False,
        strict_cors=True,
        theme=THEME,
        css=load_stylesheet(),
        js=load_citation_script(),
    )
    return str(url)


def warm_up(assistant: Any) -> None:
    """Load the index and the embedding model before the first visitor asks (the first question is slow)."""
    assistant.ask(WARM_UP_QUESTION)


def warm_up_server(url: str, settings: Settings) -> None:
    """Ask one question through the running app, so the first visitor does not pay its start-up costs.

    Gradio's first event sets up its queue, worker threads and statistics (about a second).
    """
    from gradio_client import Client

    logins = load_logins(settings)
    login = next(iter(logins.items()), None)
    client = Client(url, auth=login, analytics_enabled=False, verbose=False, download_files=False)
    try:
        client.predict(WARM_UP_QUESTION, api_name="/ask")
    finally:
        client.close()
