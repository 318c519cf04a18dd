"""The browser app (Gradio) over an assistant: ask the guidance, review a proposal, build prompts.

Public API (from ``assistant.web.app``, also importable from here; loaded on first use, so that
importing ``assistant.web.logins`` from the command line does not load Gradio):

- ``build_app(assistant, settings, stream=None)``: the ``gr.Blocks`` app over injected backends.
- ``launch_app(demo, settings)``: start it with the safe defaults; returns its URL.
- ``warm_up(assistant)`` and ``warm_up_server(url, settings)``: pay the start-up costs before the
  first visitor does.

Modules: ``app`` (the whole app), ``tabs/`` (one layout per tab), ``handlers`` (the event callbacks),
``api`` (the JSON endpoints), ``render/`` (HTML), ``theme`` and ``static/`` (the look), ``conversation``,
``status``, ``engines``, ``streams``, ``files`` (uploads and downloads) and ``logins``.
"""

from __future__ import annotations

import os
from typing import Any

# Gradio reads this when it is imported, and several modules here import it: set it before any does.
os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"

__all__ = ["build_app", "launch_app", "warm_up", "warm_up_server"]


def __getattr__(name: str) -> Any:
    """The app's public functions, imported from ``assistant.web.app`` (and Gradio) on first use."""
    if name in __all__:
        from assistant.web import app

        return getattr(app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
