"""The "Discussion prompts" tab: choose a theme, build prompts, download the handout."""

from __future__ import annotations

import gradio as gr

from assistant.web.handlers import PROMPT_COUNTS, Handlers
from assistant.web.tabs.buttons import action_row


def build_prompts_tab(handlers: Handlers) -> None:
    """Lay out the Prompts tab and wire its button to ``handlers.make_prompts``."""
    with gr.Tab("Discussion prompts", id="prompts", elem_id="tab-prompts"):
        gr.HTML(
            '<p class="tab-intro">Build a handout for a leadership session: discussion prompts on a '
            "theme, with facilitator notes and the guidance each one draws on.</p>"
        )
        theme_choices = handlers.themes()
        with gr.Row(equal_height=True):
            theme = gr.Dropdown(
                choices=theme_choices,
                value=theme_choices[0][1] if theme_choices else None,
                label="Theme",
                scale=4,
                elem_id="theme",
            )
            count = gr.Slider(
                PROMPT_COUNTS[0],
                PROMPT_COUNTS[1],
                value=PROMPT_COUNTS[2],
                step=1,
                label="Number of prompts",
                scale=2,
            )
        prompts_button, handout_md, handout_docx, result = action_row(
            ("Build prompts", "prompts-button"),
            (("Download handout (.md)", "handout-md"), ("Download handout (.docx)", "handout-docx")),
            ("The prompts appear here.", "prompts-result"),
        )
    prompts_button.click(
        handlers.make_prompts, [theme, count], [result, handout_md, handout_docx], api_visibility="private"
    )
