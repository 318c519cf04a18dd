"""Buttons the Review and Prompts tabs share."""

from __future__ import annotations

import gradio as gr


def download_button(label: str, elem_id: str) -> gr.DownloadButton:
    """A download button, hidden until there is a file to download."""
    return gr.DownloadButton(label, visible=False, elem_id=elem_id, scale=0, min_width=260, size="md")
