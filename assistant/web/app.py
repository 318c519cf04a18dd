"""The browser app (Gradio): ask the guidance, review a proposal, build discussion prompts.

``build_app(assistant, settings)`` lays out the app over injected backends; ``launch_app`` starts it with
the safe defaults (loopback, optional login over the page and the API, upload limit, no analytics).
The API endpoints ``ask``, ``review``, ``prompts`` and ``feedback`` return JSON for ``gradio_client``.
"""

from __future__ import annotations

import os

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"  # before gradio is imported: it reads this on import

import secrets
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import gradio as gr

import assistant as package
from assistant.web import render
from assistant.records import Answer, Citation
from assistant.web.streams import AnswerStream, default_stream, final_answer
from assistant.errors import InputError
from assistant.answering.feedback import record_feedback
from assistant.settings import Settings
from assistant.web.files import EXPORT_MAX_AGE, ExportFolder, max_upload_bytes, read_upload
from assistant.web.logins import is_loopback, load_logins, make_login_check

APP_TITLE = "Guidance Assistant"
TAGLINE = "Answers from public-sector guidance on shared services — every sentence quoted and sourced."

EXAMPLE_QUESTIONS = (
    "Why do shared services fail?",
    "What does 1+1=3 mean?",
    "Our neighbour can't move as fast as us — is that a known problem?",
    "How do we make a shared service last?",
    "What is a local authority trading company's risk?",
)
"""Questions offered in an empty conversation."""

PROPOSAL_SUFFIXES = (".txt", ".md", ".pdf", ".docx")
"""File types a proposal can be uploaded as."""

PASTED_NAME = "pasted-proposal.txt"
STREAM_PAUSE = 0.03
"""Least seconds between streamed pieces on screen (an extractive answer is ready at once: this paces it)."""

PROMPT_COUNTS = (3, 10, 5)
"""Fewest, most and default number of discussion prompts."""

THEME = gr.themes.Soft(
    primary_hue="blue",
    neutral_hue="slate",
    font=[gr.themes.Font("system-ui"), gr.themes.Font("Segoe UI"), "Helvetica", "Arial", "sans-serif"],
    font_mono=[gr.themes.Font("ui-monospace"), "Consolas", "monospace"],
)
"""Soft theme with the system's fonts: nothing is fetched from a font server."""

CITATION_JS = """
() => {
  const MARKER = /(\\[\\d{1,3}\\])/;
  const decorate = () => {
    document.querySelectorAll('#chat [data-testid="bot"] .message-content').forEach((content) => {
      const walker = document.createTreeWalker(content, NodeFilter.SHOW_TEXT);
      const found = [];
      while (walker.nextNode()) {
        const node = walker.currentNode;
        const skip = node.parentElement.closest('sup.cite, code, pre');
        if (MARKER.test(node.nodeValue) && !skip) found.push(node);
      }
      found.forEach((node) => {
        const pieces = document.createDocumentFragment();
        node.nodeValue.split(MARKER).forEach((part) => {
          if (/^\\[\\d{1,3}\\]$/.test(part)) {
            const marker = document.createElement('sup');
            marker.className = 'cite';
            marker.textContent = part;
            marker.title = 'Show source ' + part;
            pieces.appendChild(marker);
          } else if (part) {
            pieces.appendChild(document.createTextNode(part));
          }
        });
        node.replaceWith(pieces);
      });
    });
  };
  let pending = false;
  new MutationObserver(() => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; decorate(); });
  }).observe(document.body, {childList: true, subtree: true, characterData: true});
  document.addEventListener('click', (event) => {
    const marker = event.target.closest ? event.target.closest('sup.cite') : null;
    if (!marker) return;
    const n = marker.textContent.replace(/[^0-9]/g, '');
    const open = () => {
      const card = document.getElementById('source-' + n);
      if (!card) return;
      card.open = true;
      card.scrollIntoView({behavior: 'smooth', block: 'nearest'});
      card.classList.add('flash');
      setTimeout(() => card.classList.remove('flash'), 1200);
    };
    open();
    setTimeout(open, 700);  // again once the panel shows the sources of the message clicked
  });
}
"""
"""Inline ``[n]`` markers of answers become superscript citations; clicking one opens source n."""


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
        css=render.CSS,
        js=CITATION_JS,
    )
    return str(url)


def passage_of(citation: Citation | dict[str, Any], chunks: dict[str, Any]) -> str | None:
    """The text of the indexed passage that holds a citation (its surrounding paragraph), or None."""
    data = asdict(citation) if isinstance(citation, Citation) else citation
    return next(
        (
            chunk.text
            for chunk in chunks.values()
            if chunk.doc == data["doc"] and chunk.start <= int(data["start"]) < chunk.end
        ),
        None,
    )


def generator_label(settings: Settings) -> str:
    """What writes the answers, for the About page."""
    if settings.llm_provider == "none":
        return "Extractive: sentences quoted from the guidance (no language model)"
    return f"{settings.llm_provider}: {settings.llm_model or 'default model'}"


def chat_messages(turns: Sequence[dict[str, Any]]) -> list[dict[str, str]]:
    """The Chatbot messages of a conversation (user text shown literally; answers with citations)."""
    messages = []
    for turn in turns:
        messages.append({"role": "user", "content": render.chat_markdown(turn["question"])})
        messages.append({"role": "assistant", "content": render.chat_markdown(turn["answer"]["answer"])})
    return messages


def turn_sources_html(turn: dict[str, Any]) -> str:
    """The sources panel of one turn."""
    answer = turn["answer"]
    if answer["abstained"]:
        return render.refusal_sources_html()
    return render.sources_html(answer["citations"], turn["passages"])


class Engines:
    """The review and discussion engines, imported on first use (other features may be absent)."""

    def __init__(self, assistant: Any, settings: Settings) -> None:
        """Remember the assistant and settings the engines run with."""
        self.assistant = assistant
        self.settings = settings

    def review(self, data: bytes, name: str) -> tuple[dict[str, Any], str, str]:
        """Review a proposal: its JSON, Markdown report and CSV checklist.

        Raises:
            DocumentError: for a file that cannot be read as a proposal.
        """
        from assistant.review.judge import review_document
        from assistant.review.render import render_csv, render_markdown

        review = review_document(self.assistant, data, name)
        return review.to_json(), render_markdown(review), render_csv(review)

    def themes(self) -> list[tuple[str, str]]:
        """(title, id) of every discussion theme."""
        from assistant.discussion.themes import load_themes

        return [(theme.title, theme.id) for theme in load_themes()]

    def prompts(self, theme: str, count: int, seed: int) -> Any:
        """Discussion prompts for a theme (a ``PromptSet``).

        Raises:
            InputError: for an empty theme or a count out of range.
        """
        from assistant.discussion.prompts import generate_prompts

        return generate_prompts(self.assistant, theme, count, seed)

    def handouts(self, prompt_set: Any, exports: ExportFolder) -> tuple[str, str]:
        """Paths of the Markdown and Word handouts of a set of prompts, written for download."""
        from assistant.discussion.handout import render_markdown, write_docx

        markdown = exports.write(f"handout-{prompt_set.theme}.md", render_markdown(prompt_set))
        docx = exports.new_path(f"handout-{prompt_set.theme}.docx")
        write_docx(prompt_set, docx)
        return markdown, str(docx)


def build_app(assistant: Any, settings: Settings, stream: AnswerStream | None = None) -> gr.Blocks:
    """The Gradio app over an assistant (tests pass one with fake embeddings).

    Args:
        assistant: The ``Assistant`` answering questions (its index is built if missing).
        settings: Settings (data folder for feedback, upload limit, generator shown on the About page).
        stream: How answers are streamed; by default the extractive stream, or the language model's
            when the settings name one (``default_stream``).
    """
    stream = stream or default_stream(assistant, settings)
    engines = Engines(assistant, settings)
    exports = ExportFolder()
    upload_limit = max_upload_bytes(settings)

    def passages_for(citations: Sequence[Citation]) -> list[str | None]:
        chunks = assistant.chunks()
        return [passage_of(citation, chunks) for citation in citations]

    # --- Ask -----------------------------------------------------------------------------------
    def respond(question: str, turns: list[dict[str, Any]]) -> Iterator[tuple[Any, ...]]:
        text = (question or "").strip()
        if not text:
            yield gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
            return
        history = [turn["query"] for turn in turns]
        messages = chat_messages(turns) + [
            {"role": "user", "content": render.chat_markdown(text)},
            {"role": "assistant", "content": "*Searching the guidance…*"},
        ]
        yield messages, gr.skip(), gr.skip(), "", gr.skip(), gr.skip()
        answer: Answer | None = None
        shown_at = 0.0
        try:
            for event in stream(text, history):
                if isinstance(event, Answer):
                    answer = event
                    continue
                time.sleep(max(0.0, STREAM_PAUSE - (time.monotonic() - shown_at)))
                messages[-1]["content"] = render.chat_markdown(event)
                yield messages, gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
                shown_at = time.monotonic()
        except InputError as error:
            gr.Warning(str(error))
            yield chat_messages(turns), gr.skip(), gr.skip(), text, gr.skip(), gr.skip()
            return
        if answer is None:
            raise gr.Error("The answer could not be completed; please try again.")
        turn = {
            "question": text,
            "query": assistant.standalone_query(text, history),
            "answer": answer.to_json(),
            "passages": passages_for(answer.citations),
        }
        turns = [*turns, turn]
        export = exports.write("guidance-conversation.md", render.conversation_markdown(turns))
        yield (
            chat_messages(turns),
            turns,
            turn_sources_html(turn),
            gr.skip(),
            gr.DownloadButton(value=export, visible=True),
            len(turns) - 1,
        )

    def clear_conversation() -> tuple[Any, ...]:
        return [], [], render.sources_html([], []), "", gr.DownloadButton(value=None, visible=False), -1

    def answer_example(turns: list[dict[str, Any]], data: gr.SelectData) -> Iterator[tuple[Any, ...]]:
        value = data.value
        yield from respond(str(value.get("text", "")) if isinstance(value, dict) else str(value), turns)

    def show_turn_sources(turns: list[dict[str, Any]], shown: int, data: gr.SelectData) -> Any:
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        if not isinstance(index, int) or not 0 <= index // 2 < len(turns) or index // 2 == shown:
            return gr.skip(), gr.skip()
        return turn_sources_html(turns[index // 2]), index // 2

    def rate_answer(turns: list[dict[str, Any]], data: gr.LikeData) -> None:
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        if data.liked not in (True, False) or not isinstance(index, int) or not 0 <= index // 2 < len(turns):
            return
        turn = turns[index // 2]
        record_feedback(
            settings,
            turn["question"],
            turn["answer"]["answer"],
            "up" if data.liked is True else "down",
            turn["answer"]["citations"],
        )
        gr.Info("Thank you — your feedback was saved on this machine.")

    # --- Review --------------------------------------------------------------------------------
    def proposal_input(upload: str | None, pasted: str | None) -> tuple[bytes, str] | None:
        """The proposal's bytes and name: the uploaded file (then deleted), else the pasted text."""
        from assistant.text.loaders import DocumentError

        if upload:
            return read_upload(upload, upload_limit)
        if pasted and pasted.strip():
            data = pasted.encode("utf-8")
            if len(data) > upload_limit:
                raise DocumentError(f"the text is larger than {settings.max_upload_mb:g} MB")
            return data, PASTED_NAME
        return None

    def review_proposal(upload: str | None, pasted: str) -> tuple[Any, ...]:
        from assistant.text.loaders import DocumentError

        hidden = gr.DownloadButton(value=None, visible=False)
        try:
            proposal = proposal_input(upload, pasted)
            if proposal is None:
                message = "Upload a proposal or paste its text, then press Review."
                return notice_html(message), hidden, hidden, None
            review, markdown, csv = engines.review(*proposal)
        except DocumentError as error:
            return notice_html(str(error), kind="error"), hidden, hidden, None
        except ImportError:
            return notice_html("The proposal review is not installed.", kind="error"), hidden, hidden, None
        stem = Path(proposal[1]).stem or "proposal"
        return (
            render.review_html(review),
            gr.DownloadButton(value=exports.write(f"review-{stem}.md", markdown), visible=True),
            gr.DownloadButton(value=exports.write(f"review-{stem}.csv", csv), visible=True),
            None,
        )

    # --- Prompts -------------------------------------------------------------------------------
    def make_prompts(theme: str, count: float) -> tuple[Any, ...]:
        hidden = gr.DownloadButton(value=None, visible=False)
        if not theme:
            return notice_html("Choose a theme first."), hidden, hidden
        try:
            prompt_set = engines.prompts(theme, int(count), secrets.randbelow(100_000))
        except ImportError:
            return notice_html("Discussion prompts are not installed.", kind="error"), hidden, hidden
        except InputError as error:
            return notice_html(str(error), kind="error"), hidden, hidden
        page = render.prompts_html(prompt_set.to_json())
        if not prompt_set.prompts:
            return page, hidden, hidden
        try:
            markdown, docx = engines.handouts(prompt_set, exports)
        except ImportError:
            return page, hidden, hidden
        return (
            page,
            gr.DownloadButton(value=markdown, visible=True),
            gr.DownloadButton(value=docx, visible=True),
        )

    # --- API -----------------------------------------------------------------------------------
    def ask(question: str, history: list[str] | None = None) -> dict[str, Any]:
        """Answer a question from the guidance, with its citations.

        ``history`` holds the standalone queries of earlier turns (the ``history`` returned by the last
        call), so that follow-up questions keep their context.
        """
        earlier = [str(query) for query in history or []]
        try:
            answer = final_answer(stream(question, earlier))
            query = assistant.standalone_query(question, earlier)
        except InputError as error:
            raise gr.Error(str(error)) from None
        return {**answer.to_json(), "history": [*earlier, query]}

    def review(proposal: str, file: str | None) -> dict[str, Any]:
        """Check a proposal against the guidance: its text, or a file (``gradio_client.handle_file``).

        Uploaded files are deleted once read.
        """
        from assistant.text.loaders import DocumentError

        try:
            given = proposal_input(file, proposal)
            if given is None:
                raise DocumentError("give the proposal's text or file")
            return engines.review(*given)[0]
        except DocumentError as error:
            raise gr.Error(str(error)) from None

    def prompts(theme: str, count: int = PROMPT_COUNTS[2], seed: int = 0) -> dict[str, Any]:
        """Discussion prompts with facilitator notes and citations for a theme (id, title or free text)."""
        try:
            return engines.prompts(theme, count, seed).to_json()
        except InputError as error:
            raise gr.Error(str(error)) from None

    def feedback(
        question: str, answer: str, rating: str, citations: list[dict[str, Any]] | None = None
    ) -> dict:
        """Record a thumbs up (``"up"``) or down (``"down"``) for an answer, on this machine."""
        try:
            return record_feedback(settings, question, answer, rating, citations or [])
        except ValueError as error:
            raise gr.Error(str(error)) from None

    # --- Layout --------------------------------------------------------------------------------
    with gr.Blocks(
        title=APP_TITLE, analytics_enabled=False, delete_cache=(EXPORT_MAX_AGE, EXPORT_MAX_AGE)
    ) as demo:
        gr.HTML(header_html(settings), elem_id="app-header")
        with gr.Tabs(elem_id="tabs"):
            with gr.Tab("Ask the guidance", id="ask", elem_id="tab-ask"):
                turns = gr.State([])
                shown_turn = gr.State(-1)  # the turn whose sources the panel shows
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3, min_width=420):
                        chatbot = gr.Chatbot(
                            label="Conversation",
                            show_label=False,
                            elem_id="chat",
                            height=560,
                            buttons=["copy", "copy_all"],
                            feedback_options=("Like", "Dislike"),
                            placeholder=chat_placeholder(),
                            examples=[{"text": question} for question in EXAMPLE_QUESTIONS],
                            latex_delimiters=[],
                            layout="panel",
                        )
                        with gr.Row(elem_id="ask-row"):
                            question_box = gr.Textbox(
                                show_label=False,
                                placeholder="Ask about shared services — e.g. why do shared services fail?",
                                lines=1,
                                max_lines=5,
                                scale=6,
                                autofocus=True,
                                elem_id="question",
                                max_length=settings.max_question_chars,
                            )
                            send = gr.Button("Ask", variant="primary", scale=1, min_width=90, elem_id="send")
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

            with gr.Tab("Review a proposal", id="review", elem_id="tab-review"):
                gr.HTML(
                    '<p class="tab-intro">Check a shared-services proposal against the success and failure '
                    "factors in the guidance. The file is read on this machine and deleted once reviewed.</p>"
                )
                with gr.Row(equal_height=True):
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
                with gr.Row():
                    review_button = gr.Button(
                        "Review proposal", variant="primary", elem_id="review-button", scale=0, min_width=200
                    )
                    review_md = gr.DownloadButton(
                        "Download report (.md)",
                        visible=False,
                        elem_id="review-md",
                        scale=0,
                        min_width=260,
                        size="md",
                    )
                    review_csv = gr.DownloadButton(
                        "Download checklist (.csv)",
                        visible=False,
                        elem_id="review-csv",
                        scale=0,
                        min_width=260,
                        size="md",
                    )
                review_out = gr.HTML(notice_html("The review appears here."), elem_id="review-result")

            with gr.Tab("Discussion prompts", id="prompts", elem_id="tab-prompts"):
                gr.HTML(
                    '<p class="tab-intro">Build a handout for a leadership session: discussion prompts on a '
                    "theme, with facilitator notes and the guidance each one draws on.</p>"
                )
                try:
                    theme_choices = engines.themes()
                except ImportError:
                    theme_choices = []
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
                with gr.Row():
                    prompts_button = gr.Button(
                        "Build prompts", variant="primary", elem_id="prompts-button", scale=0, min_width=200
                    )
                    handout_md = gr.DownloadButton(
                        "Download handout (.md)",
                        visible=False,
                        elem_id="handout-md",
                        scale=0,
                        min_width=260,
                        size="md",
                    )
                    handout_docx = gr.DownloadButton(
                        "Download handout (.docx)",
                        visible=False,
                        elem_id="handout-docx",
                        scale=0,
                        min_width=260,
                        size="md",
                    )
                prompts_out = gr.HTML(notice_html("The prompts appear here."), elem_id="prompts-result")

            with gr.Tab("About", id="about", elem_id="tab-about"):
                gr.HTML(about_html(assistant, settings), elem_id="about")

        ask_event: dict[str, Any] = {
            "fn": respond,
            "inputs": [question_box, turns],
            "outputs": [chatbot, turns, sources, question_box, export, shown_turn],
            "api_visibility": "private",
            "concurrency_limit": 4,
            "concurrency_id": "ask",
        }
        # One event for the button and Enter, run once at a time: a question sent while the previous
        # answer streams would otherwise start from a conversation without that answer.
        gr.on([send.click, question_box.submit], trigger_mode="once", **ask_event)
        chatbot.example_select(**{**ask_event, "fn": answer_example, "inputs": [turns]})
        chatbot.select(
            show_turn_sources, [turns, shown_turn], [sources, shown_turn], api_visibility="private"
        )
        chatbot.like(rate_answer, [turns], None, api_visibility="private")
        chatbot.clear(
            clear_conversation,
            None,
            [chatbot, turns, sources, question_box, export, shown_turn],
            api_visibility="private",
        )
        new_chat.click(
            clear_conversation,
            None,
            [chatbot, turns, sources, question_box, export, shown_turn],
            api_visibility="private",
        )
        review_button.click(
            review_proposal,
            [upload, pasted],
            [review_out, review_md, review_csv, upload],
            api_visibility="private",
            concurrency_limit=2,
            concurrency_id="review",
        )
        prompts_button.click(
            make_prompts, [theme, count], [prompts_out, handout_md, handout_docx], api_visibility="private"
        )

        gr.api(ask, api_name="ask", concurrency_limit=4, concurrency_id="ask")
        # The review API takes its file through a File component, which refuses files that were not
        # uploaded (gr.api would copy any path on the server into its cache).
        with gr.Group(visible=False):
            api_text = gr.Textbox()
            api_file = gr.File(type="filepath")
            api_review = gr.JSON()
            api_trigger = gr.Button()
        api_trigger.click(
            review,
            [api_text, api_file],
            api_review,
            api_name="review",
            concurrency_limit=2,
            concurrency_id="review",
        )
        gr.api(prompts, api_name="prompts")
        gr.api(feedback, api_name="feedback")
    return demo


def notice_html(message: str, kind: str = "info") -> str:
    """A short message box (``info`` or ``error``), escaped."""
    return f'<div class="notice notice-{render.escape(kind)}">{render.escape(message)}</div>'


def model_host(settings: Settings) -> str | None:
    """The other machine questions are sent to when a language model server off this machine writes the
    answers, or None when everything stays here (extractive answers, a local model or a loopback server).
    """
    from urllib.parse import urlparse


    if settings.llm_provider in ("none", "llamacpp"):
        return None
    default = "https://api.openai.com" if settings.llm_provider == "openai" else "http://127.0.0.1:11434"
    host = urlparse(settings.llm_base_url or default).hostname or ""
    return None if is_loopback(host) else host


def header_html(settings: Settings) -> str:
    """The app header: product name, what it does, and where data goes."""
    elsewhere = model_host(settings)
    badge = (
        f"Proposals stay on this machine · questions go to {elsewhere}"
        if elsewhere
        else "Runs on this machine · nothing you type or upload leaves it"
    )
    return (
        '<div class="app-header"><div class="app-mark">GA</div><div>'
        f'<div class="app-name">{render.escape(APP_TITLE)}</div>'
        f'<div class="app-tagline">{render.escape(TAGLINE)}</div></div>'
        f'<div class="app-badge">{render.escape(badge)}</div></div>'
    )


def chat_placeholder() -> str:
    """What an empty conversation shows."""
    return (
        "### Ask the guidance\n"
        "Answers quote the guidance sentence by sentence, each with a numbered source. "
        "Follow-up questions keep the context. Try one of these:"
    )


def about_html(assistant: Any, settings: Settings) -> str:
    """The About page of an assistant: indexed documents, generator, index location, version."""
    chunks = assistant.chunks()
    documents: dict[str, tuple[str, int]] = {}
    for chunk in chunks.values():
        title, count = documents.get(chunk.doc, (chunk.title, 0))
        documents[chunk.doc] = (title, count + 1)
    location = settings.chroma_url or str(settings.chroma_path.resolve())
    return render.status_page_html(
        documents=[(doc, title, count) for doc, (title, count) in sorted(documents.items())],
        chunk_count=len(chunks),
        generator=generator_label(settings),
        index_location=location,
        version=package.__version__,
        feedback_path=str(settings.feedback_log.resolve()),
        max_upload_mb=settings.max_upload_mb,
        model_host=model_host(settings),
    )


WARM_UP_QUESTION = "What are shared services?"


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
