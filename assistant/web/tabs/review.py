"""The "Review a proposal" tab: upload or paste a proposal, see the checklist, download the report."""

from __future__ import annotations

import gradio as gr

from assistant.settings import Settings
from assistant.web.handlers import Handlers
from assistant.web.tabs.buttons import action_row

PROPOSAL_SUFFIXES = (".txt", ".md", ".pdf", ".docx")
"""File types a proposal can be uploaded as."""


def build_review_tab(handlers: Handlers, settings: Settings) -> None:
    """Lay out the Review tab and wire its button to ``handlers.review_proposal``."""
    with gr.Tab("Review a proposal", id="review", elem_id="tab-review"):
        gr.HTML(
            '<p class="tab-intro">Check a shared-services proposal against the success and failure '
            "factors in the guidance. The file is read on this machine and deleted once reviewed.</p>"
        )
        with gr.Row(equal_height=True, elem_id="review-inputs"):
            upload = gr.File(
                label=f"Upload a proposal (.txt .md .pdf .docx, up to {settings.max_upload_mb:g} MB)",
                file_types=list(PROPOSAL_SUFFIXES),
                type="filepath",
                elem_id="proposal-file",
                height=180,
            )
            pasted = gr.Textbox(
                label="…or paste the proposal text",
                lines=7,
                max_lines=14,
                elem_id="proposal-text",
                placeholder="Paste the report or business case here.",
            )
        review_button, report, checklist, result = action_row(
            ("Review proposal", "review-button"),
            (("Download report (.md)", "review-md"), ("Download checklist (.csv)", "review-csv")),
            ("The review appears here.", "review-result"),
        )
    review_button.click(
        handlers.review_proposal,
        [upload, pasted],
        [result, report, checklist, upload],
        api_visibility="private",
        concurrency_limit=2,
        concurrency_id="review",
    )
