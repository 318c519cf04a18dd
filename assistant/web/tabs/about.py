"""The "About" tab: what is indexed, what writes the answers, and where things are kept."""

from __future__ import annotations

from typing import Any

import gradio as gr

from assistant.settings import Settings
from assistant.web.status import about_html


def build_about_tab(assistant: Any, settings: Settings) -> None:
    """Lay out the About tab (read once, when the app is built)."""
    with gr.Tab("About", id="about", elem_id="tab-about"):
        gr.HTML(about_html(assistant, settings), elem_id="about")
