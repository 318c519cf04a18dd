"""The app's JSON API for ``gradio_client``: ``/ask``, ``/review``, ``/prompts`` and ``/feedback``; and
``/document``, the document view's HTML, which the page fetches when a source is opened."""

from __future__ import annotations

import gradio as gr

from assistant.web.handlers import Handlers


def register_api(handlers: Handlers) -> None:
    """Add the API endpoints to the app being built (call inside its ``gr.Blocks``)."""
    gr.api(handlers.ask, api_name="ask", concurrency_limit=4, concurrency_id="ask")
    # The review API takes its file through a File component, which refuses files that were not
    # uploaded (gr.api would copy any path on the server into its cache).
    with gr.Group(visible=False):
        api_text = gr.Textbox()
        api_file = gr.File(type="filepath")
        api_review = gr.JSON()
        api_trigger = gr.Button()
    api_trigger.click(
        handlers.review,
        [api_text, api_file],
        api_review,
        api_name="review",
        concurrency_limit=2,
        concurrency_id="review",
    )
    gr.api(handlers.prompts, api_name="prompts")
    gr.api(handlers.feedback, api_name="feedback")
    gr.api(handlers.document, api_name="document")
