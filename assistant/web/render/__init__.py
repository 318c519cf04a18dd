"""HTML and Markdown for the browser app: answers, sources, reviews, prompts and the status page.

Pure functions of plain data (no Gradio import). Everything that came from a question, a document or a
proposal is escaped here, so nothing a user typed or uploaded can run as code in the page.

- ``common``: ``escape``, ``notice_html`` and the guidance citations shared by reviews and prompts.
- ``chat``: the Ask tab (``chat_markdown``, ``sources_html``, ``conversation_markdown``).
- ``document``: the document view (``document_html``) and the byline of a source card.
- ``next_steps``: follow-up questions and related passages under an answer (``next_steps_html``).
- ``review``: a proposal review (``review_html``).
- ``prompts``: discussion prompts (``prompts_html``).
- ``about``: the About page (``status_page_html``).
"""

from assistant.web.render.about import status_page_html
from assistant.web.render.chat import (
    NO_SOURCES,
    chat_markdown,
    citation_labels_html,
    conversation_markdown,
    passage_html,
    refusal_sources_html,
    sources_html,
)
from assistant.web.render.common import (
    citation_line_html,
    citations_html,
    escape,
    notice_html,
    source_heading,
)
from assistant.web.render.document import byline, document_html, source_label
from assistant.web.render.next_steps import next_steps_html, open_document_button
from assistant.web.render.prompts import prompts_html
from assistant.web.render.review import (
    STATUS_LABELS,
    checklist_html,
    evidence_list_html,
    question_text,
    review_html,
    status_badge,
    status_key,
    sum_html,
)

__all__ = [
    "NO_SOURCES",
    "byline",
    "document_html",
    "next_steps_html",
    "open_document_button",
    "source_label",
    "STATUS_LABELS",
    "chat_markdown",
    "citation_labels_html",
    "checklist_html",
    "citation_line_html",
    "citations_html",
    "conversation_markdown",
    "escape",
    "evidence_list_html",
    "notice_html",
    "passage_html",
    "prompts_html",
    "question_text",
    "refusal_sources_html",
    "review_html",
    "source_heading",
    "sources_html",
    "status_badge",
    "status_key",
    "status_page_html",
    "sum_html",
]
