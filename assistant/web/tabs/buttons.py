"""The action row the Review and Prompts tabs share: a button, two downloads and the result."""

from __future__ import annotations

import gradio as gr

from assistant.web import render


def download_button(label: str, elem_id: str) -> gr.DownloadButton:
    """A download button, hidden until there is a file to download."""
    return gr.DownloadButton(label, visible=False, elem_id=elem_id, scale=0, min_width=260, size="md")


def action_row(
    button: tuple[str, str], downloads: tuple[tuple[str, str], tuple[str, str]], result: tuple[str, str]
) -> tuple[gr.Button, gr.DownloadButton, gr.DownloadButton, gr.HTML]:
    """The tab's main button and its two downloads in a row, then the result below.

    Args:
        button: Its label and element id.
        downloads: Label and element id of each download.
        result: The placeholder notice and element id of the result.
    """
    with gr.Row(elem_classes=["action-row"]):
        action = gr.Button(button[0], variant="primary", elem_id=button[1], scale=0, min_width=200)
        first, second = (download_button(label, elem_id) for label, elem_id in downloads)
    html = gr.HTML(render.notice_html(result[0]), elem_id=result[1])
    return action, first, second, html
