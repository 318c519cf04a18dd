"""The app's event callbacks: one ``Handlers`` object over an assistant and its settings.

The tabs wire its methods to their buttons and boxes (``respond``, ``review_proposal``, ``make_prompts``
...); the API endpoints are its methods ``ask``, ``review``, ``prompts`` and ``feedback``, which return
JSON for ``gradio_client``.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.answering.feedback import record_feedback
from assistant.errors import InputError
from assistant.records import Answer, Citation, Turn
from assistant.settings import Settings
from assistant.text.question import clean_question
from assistant.web import render
from assistant.web.conversation import (
    chat_messages,
    history_of,
    passage_of,
    shown_answer,
    turn_of,
    turn_sources_html,
)
from assistant.web.engines import Engines
from assistant.web.files import ExportFolder, max_upload_bytes, read_upload
from assistant.web.signposts import Signposts
from assistant.web.streams import AnswerStream, default_stream, final_answer

PASTED_NAME = "pasted-proposal.txt"

HISTORY_FORMAT = (
    "history: pass back the `history` of the previous answer (a list of {query, answer} objects or of "
    "earlier questions as text)"
)
"""The file name a pasted proposal is reviewed under."""

STREAM_PAUSE = 0.03
"""Least seconds between streamed pieces on screen (an extractive answer is ready at once: this paces it)."""

PROMPT_COUNTS = (3, 10, 5)
"""Fewest, most and default number of discussion prompts."""


def unchanged(count: int) -> tuple[Any, ...]:
    """``count`` outputs left as they are."""
    return tuple(gr.skip() for _ in range(count))


def selected_turn(index: Any) -> Any:
    """The message index of a Chatbot event (Gradio gives a number, or a pair of message and part)."""
    return index[0] if isinstance(index, (list, tuple)) else index


class Handlers:
    """The event callbacks of the app's tabs and API, over one assistant (tests pass one with fakes).

    Args:
        assistant: The ``Assistant`` answering questions.
        settings: Settings (data folder for feedback, upload limit).
        stream: How answers are streamed; by default the extractive stream, or the language model's
            when the settings name one (``default_stream``).
        exports: The folder of files offered for download (a new private one by default).
    """

    def __init__(
        self,
        assistant: Any,
        settings: Settings,
        stream: AnswerStream | None = None,
        exports: ExportFolder | None = None,
    ) -> None:
        """Keep the assistant, settings and answer stream; the engines load on first use."""
        self.assistant = assistant
        self.settings = settings
        self.stream = stream or default_stream(assistant, settings)
        self.engines = Engines(assistant, settings)
        self.signposts = Signposts(assistant, settings)
        self.exports = exports or ExportFolder()
        self.upload_limit = max_upload_bytes(settings)

    def themes(self) -> list[tuple[str, str]]:
        """(title, id) of every discussion theme; none when the discussion prompts are not installed."""
        try:
            return self.engines.themes()
        except ImportError:
            return []

    # --- Ask tab ---------------------------------------------------------------------------------

    def respond(self, question: str, turns: list[dict[str, Any]]) -> Iterator[tuple[Any, ...]]:
        """Answer a question in the chat, streamed; then the sources panel and the export button.

        Yields the chatbot's messages, the turns, the sources panel, the question box, the export
        button, the turn whose sources are shown, the "where next" panel and the question's message
        (an empty or over-long question gets a message there and nothing else changes).
        """
        text = (question or "").strip()
        try:
            clean_question(text, self.settings.max_question_chars)
        except InputError as error:
            yield *unchanged(7), render.notice_html(str(error), kind="error", alert=True)
            return
        history = history_of(turns)
        messages = chat_messages(turns) + [
            {"role": "user", "content": render.chat_markdown(text)},
            {"role": "assistant", "content": "*Searching the guidance…*"},
        ]
        yield messages, gr.skip(), gr.skip(), "", gr.skip(), gr.skip(), "", ""
        answer: Answer | None = None
        shown_at = 0.0
        try:
            for event in self.stream(text, history):
                if isinstance(event, Answer):
                    answer = event
                    continue
                time.sleep(max(0.0, STREAM_PAUSE - (time.monotonic() - shown_at)))
                messages[-1]["content"] = render.chat_markdown(shown_answer(event))
                yield messages, *unchanged(7)
                shown_at = time.monotonic()
        except InputError as error:
            notice = render.notice_html(str(error), kind="error", alert=True)
            yield chat_messages(turns), gr.skip(), gr.skip(), question, *unchanged(3), notice
            return
        if answer is None:
            raise gr.Error("The answer could not be completed; please try again.")
        yield self.finish_turn(text, history, answer, turns)

    def finish_turn(
        self, text: str, history: list[Turn], answer: Answer, turns: list[dict[str, Any]]
    ) -> tuple[Any, ...]:
        """The outputs of ``respond`` once an answer is complete: the conversation with the new turn."""
        turn = {
            "question": text,
            "query": self.assistant.standalone_query(text, history),
            "answer": answer.to_json(),
            "passages": self.passages_for(answer.citations),
            "documents": self.signposts.documents_for([asdict(c) for c in answer.citations]),
        }
        turns = [*turns, turn]
        export = self.exports.write("guidance-conversation.md", render.conversation_markdown(turns))
        return (
            chat_messages(turns),
            turns,
            turn_sources_html(turn, turns),
            gr.skip(),
            gr.DownloadButton(value=export, visible=True),
            len(turns) - 1,
            gr.skip(),
            gr.skip(),
        )

    def passages_for(self, citations: Sequence[Citation]) -> list[str | None]:
        """The indexed passage around each citation."""
        chunks = self.assistant.chunks()
        return [passage_of(citation, chunks) for citation in citations]

    def answer_example(self, turns: list[dict[str, Any]], data: gr.SelectData) -> Iterator[tuple[Any, ...]]:
        """Answer the example question clicked in an empty conversation."""
        value = data.value
        yield from self.respond(str(value.get("text", "")) if isinstance(value, dict) else str(value), turns)

    def clear_conversation(self) -> tuple[Any, ...]:
        """Start a new conversation: no messages, no sources, no export, no next steps or message."""
        hidden = gr.DownloadButton(value=None, visible=False)
        return [], [], render.sources_html([], []), "", hidden, -1, "", ""

    def show_next_steps(self, turns: list[dict[str, Any]]) -> str:
        """The "where next" panel of the latest answer (follow-ups, related passages, or topics)."""
        return self.signposts.next_steps_html(turns[-1] if turns else None)

    def document(self, doc: str, start: int, quote: str = "") -> str:
        """The document view: the whole indexed document ``doc`` with its headings, opened at character
        ``start`` with ``quote`` highlighted (HTML)."""
        try:
            return self.signposts.document_html(str(doc), int(start), str(quote or ""))
        except (TypeError, ValueError):
            return render.notice_html("The document could not be opened: no such place in it.", kind="error")

    def show_turn_sources(self, turns: list[dict[str, Any]], shown: int, data: gr.SelectData) -> Any:
        """Show the sources and next steps of the message clicked (unless they are already shown)."""
        index = selected_turn(data.index)
        if not isinstance(index, int) or not 0 <= index // 2 < len(turns) or index // 2 == shown:
            return gr.skip(), gr.skip(), gr.skip()
        turn = turns[index // 2]
        return turn_sources_html(turn, turns), index // 2, self.signposts.next_steps_html(turn)

    def rate_answer(self, turns: list[dict[str, Any]], data: gr.LikeData) -> None:
        """Record a thumbs up or down given to an answer in the chat."""
        index = selected_turn(data.index)
        if data.liked not in (True, False) or not isinstance(index, int) or not 0 <= index // 2 < len(turns):
            return
        turn = turns[index // 2]
        record_feedback(
            self.settings,
            turn["question"],
            turn["answer"]["answer"],
            "up" if data.liked is True else "down",
            turn["answer"]["citations"],
        )
        gr.Info("Thank you — your feedback was saved on this machine.")

    # --- Review tab ------------------------------------------------------------------------------

    def proposal_input(self, upload: str | None, pasted: str | None) -> tuple[bytes, str] | None:
        """The proposal's bytes and name: the uploaded file (then deleted), else the pasted text."""
        from assistant.text.loaders import DocumentError

        if upload:
            return read_upload(upload, self.upload_limit)
        if pasted and pasted.strip():
            data = pasted.encode("utf-8")
            if len(data) > self.upload_limit:
                raise DocumentError(f"the text is larger than {self.settings.max_upload_mb:g} MB")
            return data, PASTED_NAME
        return None

    def review_proposal(self, upload: str | None, pasted: str) -> tuple[Any, ...]:
        """Review the uploaded or pasted proposal: the review, its two downloads, and a cleared upload."""
        from assistant.text.loaders import DocumentError

        hidden = gr.DownloadButton(value=None, visible=False)
        try:
            proposal = self.proposal_input(upload, pasted)
            if proposal is None:
                message = "Upload a proposal or paste its text, then press Review."
                return render.notice_html(message), hidden, hidden, None
            review, markdown, csv = self.engines.review(*proposal)
        except DocumentError as error:
            return render.notice_html(str(error), kind="error"), hidden, hidden, None
        except ImportError:
            message = "The proposal review is not installed."
            return render.notice_html(message, kind="error"), hidden, hidden, None
        stem = Path(proposal[1]).stem or "proposal"
        return (
            render.review_html(review),
            gr.DownloadButton(value=self.exports.write(f"review-{stem}.md", markdown), visible=True),
            gr.DownloadButton(value=self.exports.write(f"review-{stem}.csv", csv), visible=True),
            None,
        )

    # --- Prompts tab -----------------------------------------------------------------------------

    def make_prompts(self, theme: str, count: float) -> tuple[Any, ...]:
        """Build discussion prompts for a theme: the cards and the two handout downloads."""
        hidden = gr.DownloadButton(value=None, visible=False)
        if not theme:
            return render.notice_html("Choose a theme first."), hidden, hidden
        try:
            prompt_set = self.engines.prompts(theme, int(count), secrets.randbelow(100_000))
        except ImportError:
            return render.notice_html("Discussion prompts are not installed.", kind="error"), hidden, hidden
        except InputError as error:
            return render.notice_html(str(error), kind="error"), hidden, hidden
        page = render.prompts_html(prompt_set.to_json())
        if not prompt_set.prompts:
            return page, hidden, hidden
        try:
            markdown, docx = self.engines.handouts(prompt_set, self.exports)
        except ImportError:
            return page, hidden, hidden
        return (
            page,
            gr.DownloadButton(value=markdown, visible=True),
            gr.DownloadButton(value=docx, visible=True),
        )

    # --- API -------------------------------------------------------------------------------------

    def ask(self, question: str, history: list[dict[str, Any] | str] | None = None) -> dict[str, Any]:
        """Answer a question from the guidance, with its citations.

        ``history`` is the ``history`` returned by the last call: each earlier turn's standalone query
        and answer (``{"query", "answer"}``), so that a follow-up keeps its context or answers from the
        previous answer's own items ("which of those are about people?"). A plain string stands for a
        turn whose answer is not known: its follow-ups search with it.
        """
        earlier = list(history or [])
        try:
            turns = [Turn(item) if isinstance(item, str) else turn_of(item) for item in earlier]
        except (KeyError, TypeError, ValueError, AttributeError):
            raise gr.Error(HISTORY_FORMAT) from None
        try:
            answer = final_answer(self.stream(question, turns))
            query = self.assistant.standalone_query(question, turns)
        except InputError as error:
            raise gr.Error(str(error)) from None
        return {**answer.to_json(), "history": [*earlier, {"query": query, "answer": answer.to_json()}]}

    def review(self, proposal: str, file: str | None) -> dict[str, Any]:
        """Check a proposal against the guidance: its text, or a file (``gradio_client.handle_file``).

        Uploaded files are deleted once read.
        """
        from assistant.text.loaders import DocumentError

        try:
            given = self.proposal_input(file, proposal)
            if given is None:
                raise DocumentError("give the proposal's text or file")
            return self.engines.review(*given)[0]
        except DocumentError as error:
            raise gr.Error(str(error)) from None

    def prompts(self, theme: str, count: int = PROMPT_COUNTS[2], seed: int = 0) -> dict[str, Any]:
        """Discussion prompts with facilitator notes and citations for a theme (id, title or free text)."""
        try:
            return self.engines.prompts(theme, count, seed).to_json()
        except InputError as error:
            raise gr.Error(str(error)) from None

    def feedback(
        self, question: str, answer: str, rating: str, citations: list[dict[str, Any]] | None = None
    ) -> dict:
        """Record a thumbs up (``"up"``) or down (``"down"``) for an answer, on this machine."""
        try:
            return record_feedback(self.settings, question, answer, rating, citations or [])
        except ValueError as error:
            raise gr.Error(str(error)) from None
