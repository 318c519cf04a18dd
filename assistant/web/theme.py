"""The app's look: a Gradio theme, and the style sheet and citation script kept in ``static/``."""

from __future__ import annotations

from pathlib import Path

import gradio as gr

STATIC_FOLDER = Path(__file__).resolve().parent / "static"
"""The app's style sheet (``app.css``) and script (``app.js``), shipped with the package."""

THEME = gr.themes.Soft(
    primary_hue="blue",
    neutral_hue="slate",
    font=[gr.themes.Font("system-ui"), gr.themes.Font("Segoe UI"), "Helvetica", "Arial", "sans-serif"],
    font_mono=[gr.themes.Font("ui-monospace"), "Consolas", "monospace"],
).set(
    body_text_color_subdued="*neutral_600",
    block_info_text_color="*neutral_600",
    block_label_text_color="*primary_800",
    block_title_text_color="*primary_800",
    button_primary_background_fill="*primary_700",
    button_primary_background_fill_hover="*primary_800",
    button_primary_text_color="white",
)
"""Soft theme with the system's fonts (nothing is fetched from a font server); its subdued text and
primary buttons darkened to a contrast of at least 4.5:1 (WCAG AA)."""


def read_static(name: str) -> str:
    """The text of a file in ``static/``."""
    return (STATIC_FOLDER / name).read_text(encoding="utf-8")


def load_stylesheet() -> str:
    """The app's style sheet (passed to ``launch``)."""
    return read_static("app.css")


def load_citation_script() -> str:
    """The page script: inline ``[n]`` markers of answers become superscript citations; clicking one
    opens source n in the sources panel."""
    return read_static("app.js")
