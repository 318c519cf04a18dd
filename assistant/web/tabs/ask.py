"""The "Ask the guidance" tab: the conversation, the question box and the sources panel."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from assistant.settings import Settings
from assistant.web import render
from assistant.web.handlers import Handlers

EXAMPLE_QUESTIONS = (
    "Why do shared services fail?",
    "What does 1+1=3 mean?",
    "Our neighbour can't move as fast as us — is that a known problem?",
    "How do we make a shared service last?",
    "What is a local authority trading company's risk?",
)
"""Questions offered in an empty conversation."""

CHAT_PLACEHOLDER = (
    "### Ask the guidance\n"
    "Answers quote the guidance sentence by sentence, each with a numbered source. "
    "Follow-up questions keep the context. Try one of these:"
)
"""What an empty conversation shows."""


@dataclass
class AskTab:
    """The components of the Ask tab that its events read or write."""

    turns: gr.State
    shown_turn: gr.State
    chatbot: gr.Chatbot
    question_box: gr.Textbox
    send: gr.Button
    new_chat: gr.Button
    export: gr.DownloadButton
    sources: gr.HTML
    next_steps: gr.HTML
    message: gr.HTML


def build_ask_tab(handlers: Handlers, settings: Settings) -> AskTab:
    """Lay out the Ask tab and wire its events to ``handlers``."""
    with gr.Tab("Ask the guidance", id="ask", elem_id="tab-ask"):
        turns = gr.State([])
        shown_turn = gr.State(-1)  # the turn whose sources the panel shows
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=420):
                chatbot = build_chatbot()
                next_steps = gr.HTML("", elem_id="next-steps")
                with gr.Row(elem_id="ask-row"):
                    # No max_length: a browser would cut a pasted question silently; the counter and
                    # the message below say when it is too long.
                    question_box = gr.Textbox(
                        label="Your question",
                        show_label=False,
                        placeholder="Ask about shared services — e.g. why do shared services fail?",
                        lines=1,
                        max_lines=5,
                        scale=6,
                        autofocus=True,
                        elem_id="question",
                    )
                    send = gr.Button("Ask", variant="primary", scale=1, min_width=90, elem_id="send")
                gr.HTML(counter_html(settings.max_question_chars), elem_id="question-counter-box")
                message = gr.HTML("", elem_id="question-message")
                with gr.Row(elem_id="chat-actions"):
                    new_chat = gr.Button(
                        "New conversation", size="sm", variant="secondary", scale=0, min_width=160
                    )
                    export = gr.DownloadButton(
                        "Export conversation (.md)",
                        size="sm",
                        visible=False,
                        elem_id="export",
                        scale=0,
                        min_width=200,
                    )
                    gr.HTML('<div class="hint">Click a number like [1] to see its passage.</div>')
            with gr.Column(scale=2, min_width=320, elem_id="sources-column"):
                gr.HTML('<div class="panel-title">Sources</div>')
                sources = gr.HTML(render.sources_html([], []), elem_id="sources")
    tab = AskTab(
        turns, shown_turn, chatbot, question_box, send, new_chat, export, sources, next_steps, message
    )
    wire_ask_events(tab, handlers)
    return tab


def counter_html(limit: int) -> str:
    """The question's character counter, which the page script fills in as the limit comes near."""
    return (
        f'<div class="question-counter" id="question-counter" data-limit="{int(limit)}" '
        'aria-live="polite"></div>'
    )


def build_chatbot() -> gr.Chatbot:
    """The conversation: copy buttons, thumbs up/down, and example questions while it is empty."""
    return gr.Chatbot(
        label="Conversation",
        show_label=False,
        elem_id="chat",
        height=560,
        buttons=["copy", "copy_all"],
        feedback_options=("Like", "Dislike"),
        placeholder=CHAT_PLACEHOLDER,
        examples=[{"text": question} for question in EXAMPLE_QUESTIONS],
        latex_delimiters=[],
        autoscroll=False,  # the page script scrolls a new answer's start into view instead
        layout="panel",
    )


def wire_ask_events(tab: AskTab, handlers: Handlers) -> None:
    """Connect the Ask tab's button, box and chat events to the handlers."""
    conversation = [
        tab.chatbot,
        tab.turns,
        tab.sources,
        tab.question_box,
        tab.export,
        tab.shown_turn,
        tab.next_steps,
        tab.message,
    ]
    ask_event: dict[str, Any] = {
        "fn": handlers.respond,
        "inputs": [tab.question_box, tab.turns],
        "outputs": conversation,
        "api_visibility": "private",
        "concurrency_limit": 4,
        "concurrency_id": "ask",
    }
    # One event for the button and Enter, run once at a time: a question sent while the previous
    # answer streams would otherwise start from a conversation without that answer.
    next_steps: dict[str, Any] = {
        "fn": handlers.show_next_steps,
        "inputs": [tab.turns],
        "outputs": [tab.next_steps],
        "api_visibility": "private",
    }
    gr.on([tab.send.click, tab.question_box.submit], trigger_mode="once", **ask_event).then(**next_steps)
    tab.chatbot.example_select(**{**ask_event, "fn": handlers.answer_example, "inputs": [tab.turns]}).then(
        **next_steps
    )
    tab.chatbot.select(
        handlers.show_turn_sources,
        [tab.turns, tab.shown_turn],
        [tab.sources, tab.shown_turn, tab.next_steps],
        api_visibility="private",
    )
    tab.chatbot.like(handlers.rate_answer, [tab.turns], None, api_visibility="private")
    tab.chatbot.clear(handlers.clear_conversation, None, conversation, api_visibility="private")
    tab.new_chat.click(handlers.clear_conversation, None, conversation, api_visibility="private")
