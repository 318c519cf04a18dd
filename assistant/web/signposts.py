"""Signposts of the Ask tab: the details on source cards, the document view, and where to go next.

Suggestions come from the retrieval and the documents' metadata only; with the extractive answers
(cheap to run) each is asked once first and offered only when the guidance answers it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from assistant.errors import InputError
from assistant.settings import Settings
from assistant.web import render
from assistant.web.library import Library
from assistant.web.next_steps import also_relevant, follow_up_questions, topic_questions

MAX_SUGGESTIONS = 3
"""Follow-up questions offered under an answer (and passages under "also relevant")."""


class Signposts:
    """Source details, the document view and the next steps over one assistant.

    Args:
        assistant: The ``Assistant`` answering questions.
        settings: Settings (the corpus manifest; whether a language model writes the answers).
    """

    def __init__(self, assistant: Any, settings: Settings) -> None:
        """Keep the assistant; the manifest and the topics are read on first use."""
        self.assistant = assistant
        self.settings = settings
        self.library = Library(assistant, settings)
        self._topics: list[str] | None = None

    def answerable(self, question: str) -> bool:
        """Whether the guidance answers a question (not checked when a language model answers: costly)."""
        if self.settings.llm_provider != "none":
            return True
        try:
            return not self.assistant.ask(question).abstained
        except InputError:
            return False

    def topics(self) -> list[str]:
        """One question per indexed document, on its title or a part of it, that the guidance answers."""
        if self._topics is None:
            found = []
            for _, title in self.library.titles():
                question = next((q for q in topic_questions(title) if self.answerable(q)), None)
                if question:
                    found.append(question)
            self._topics = found
        return self._topics

    def documents_for(self, citations: list[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
        """The details of each cited document, for the source cards."""
        return self.library.describe_all([str(citation["doc"]) for citation in citations])

    def next_steps_html(self, turn: Mapping[str, Any] | None) -> str:
        """The "where next" panel of a turn: follow-ups and related passages, or a refusal's topics."""
        if not turn:
            return ""
        answer = turn["answer"]
        if answer["abstained"]:
            return render.next_steps_html(self.topics(), [], refused=True)
        chunks = self.assistant.chunks()
        questions = []
        for question in follow_up_questions(answer, turn["question"], chunks):
            if self.answerable(question):
                questions.append(question)
            if len(questions) == MAX_SUGGESTIONS:
                break
        related = also_relevant(answer, chunks, MAX_SUGGESTIONS)
        return render.next_steps_html(questions, related, refused=False)

    def document_html(self, doc: str, start: int, quote: str = "") -> str:
        """The document view of ``doc`` opened at character ``start``, ``quote`` highlighted."""
        passages = self.library.passages(doc)
        details = self.library.describe(doc) if passages else {"doc": doc}
        return render.document_html(details, passages, int(start), quote or "")
