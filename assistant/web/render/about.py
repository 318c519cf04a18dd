"""HTML of the About page: what is indexed, what writes the answers, where things are kept."""

from __future__ import annotations

from collections.abc import Sequence

from assistant.web.render.common import escape


def status_page_html(
    documents: Sequence[tuple[str, str, int]],
    chunk_count: int,
    generator: str,
    index_location: str,
    version: str,
    feedback_path: str,
    max_upload_mb: float,
    model_host: str | None = None,
) -> str:
    """The About page: what is indexed, what writes the answers, where things are kept.

    Args:
        documents: (file name, title, chunk count) of each indexed document.
        chunk_count: Passages in the index.
        generator: What writes the answers.
        index_location: Folder or URL of the index.
        version: The assistant's version.
        feedback_path: Where thumbs up/down are stored.
        max_upload_mb: Largest upload accepted.
        model_host: The other machine questions go to (a language model server), or None.
    """
    rows = "".join(
        f"<tr><td>{escape(title)}</td><td class='muted'>{escape(doc)}</td><td class='num'>{count}</td></tr>"
        for doc, title, count in documents
    )
    facts = [
        ("Passages indexed", f"{chunk_count:,} from {len(documents)} documents"),
        ("Answers written by", generator),
        ("Index", index_location),
        ("Feedback stored in", feedback_path),
        ("Largest upload", f"{max_upload_mb:g} MB"),
        ("Version", version),
    ]
    where_questions_go = (
        f"Questions, and the guidance passages that answer them, are sent to the language model at "
        f"{model_host}; proposals and prompts stay on this machine."
        if model_host
        else "Everything runs on this machine: questions, proposals and prompts are never sent anywhere else."
    )
    fact_rows = "".join(f"<tr><th>{escape(key)}</th><td>{escape(value)}</td></tr>" for key, value in facts)
    return (
        '<div class="about">'
        '<h3 class="review-h">Guidance in the index</h3>'
        '<table class="docs"><thead>'
        '<tr><th>Document</th><th>File</th><th class="num">Passages</th></tr></thead>'
        f"<tbody>{rows}</tbody></table>"
        '<h3 class="review-h">Status</h3>'
        f'<table class="facts"><tbody>{fact_rows}</tbody></table>'
        '<h3 class="review-h">Privacy</h3>'
        "<ul class='privacy'>"
        f"<li>{escape(where_questions_go)}</li>"
        "<li>Uploaded proposals are read, reviewed and deleted straight away; they are not stored or "
        "indexed.</li>"
        "<li>Thumbs up/down keep the question, the answer and its citations in the feedback file above — "
        "never proposal content.</li>"
        "</ul></div>"
    )
