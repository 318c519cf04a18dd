"""Source cards, the document view, "where next" and the question's messages (fake embeddings)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from gradio_client import Client

from assistant.records import Chunk
from assistant.service import open_assistant
from assistant.settings import Settings
from assistant.text.phrases import EMPTY_QUESTION, REFUSAL, refusal
from assistant.web.conversation import CHOOSE_A_TOPIC, chat_messages, citation_labels, turn_sources_html
from assistant.web.handlers import Handlers
from assistant.web.library import Library
from assistant.web.next_steps import also_relevant, follow_up_questions, question_about, topic_questions
from assistant.web.render import document_html, next_steps_html, source_label, sources_html
from assistant.web.render.document import UNKNOWN_DOCUMENT
from tests.conftest import FakeEmbeddings

XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=1">'
SOCITM = {
    "doc": "001.txt",
    "title": "ICT shared services — Reasons why shared services fail",
    "publisher": "Socitm (Socitm Inform Programme, reference 18010)",
    "author": "Jos Creese",
    "year": 2012,
}


def chunk(
    n: int, section: str | None, text: str, doc: str = "001.txt", title: str = SOCITM["title"]
) -> Chunk:
    """A passage of ``doc`` at characters ``100 n`` to ``100 n + 99``."""
    return Chunk(f"c{n}", doc, title, section, text, 100 * n, 100 * n + 99, n)


CHUNKS = {
    c.id: c
    for c in (
        chunk(0, None, "List of guides"),
        chunk(1, "Unhinging issues", "Of the many challenges, some are common.\nUnclear business cases"),
        chunk(2, "Some examples that did not work", "A county council shared its HR."),
        chunk(3, "08", "Common reasons why shared services fail."),
        chunk(4, "Does size matter?", "Size matters less than trust."),
    )
}


def answer_over(passages: list[str], cited: list[int]) -> dict[str, Any]:
    """An answer's JSON that retrieved ``passages`` (ids) and quoted the chunks numbered ``cited``."""
    citations = [
        {"n": i + 1, "doc": "001.txt", "start": 100 * n + 3, "end": 100 * n + 9, "quote": "x"}
        for i, n in enumerate(cited)
    ]
    return {"abstained": False, "citations": citations, "passages": [{"id": p} for p in passages]}


def test_follow_ups_come_from_the_headings_retrieved_not_quoted_first() -> None:
    answer = answer_over(["c1", "c2", "c3", "c4", "c0"], cited=[1])
    questions = follow_up_questions(answer, "Why do shared services fail?", CHUNKS)
    assert questions == [
        "What does the guidance say about “Some examples that did not work”?",
        "What does the guidance say about “Reasons why shared services fail”?",  # "08" is no heading
        "Does size matter?",  # a heading that is a question is asked as it is
        "What does the guidance say about “Unhinging issues”?",  # the quoted passage comes last
    ]
    assert follow_up_questions(answer, "Does size matter", CHUNKS, limit=2)[1] != "Does size matter?"
    related = also_relevant(answer, CHUNKS, limit=2)
    assert [r["section"] for r in related] == ["Some examples that did not work", "08"]
    assert related[0]["start"] == 200 and related[0]["doc"] == "001.txt"


def test_topics_fall_back_on_parts_of_a_title() -> None:
    assert topic_questions("Breaking down silos: shared services at the summit") == [
        "What does the guidance say about “Breaking down silos: shared services at the summit”?",
        "What does the guidance say about “Breaking down silos”?",
        "What does the guidance say about “shared services at the summit”?",
    ]
    assert question_about("Are collaboration and sharing replacing outsourcing?") == (
        "Are collaboration and sharing replacing outsourcing?"
    )
    assert not refusal(["A guide", "Is it sharing?"]).endswith("?.")


def test_source_cards_show_the_manifest_and_keep_file_names_in_the_details_line() -> None:
    citation = {
        "n": 2,
        "doc": "001.txt",
        "title": "t",
        "section": "Unhinging issues",
        "quote": "Unclear",
        "start": 5,
    }
    page = sources_html([citation], ["Unclear business cases"], {"001.txt": SOCITM})
    summary = page.split("<summary>", 1)[1].split("</summary>", 1)[0]
    assert "Reasons why shared services fail" in summary and "Jos Creese · Socitm" in summary
    assert "2012" in summary and "Unhinging issues" in summary and "001.txt" not in summary
    assert 'class="source-where">001.txt · characters 5–0' in page
    assert 'data-label="Source 2: Socitm, Unhinging issues"' in page
    assert 'class="open-doc" data-doc="001.txt" data-start="5" data-quote="Unclear"' in page
    assert source_label(3, {"title": "A title"}, None) == "Source 3: A title"
    hostile = {key: XSS for key in ("title", "publisher", "author", "kind")}
    page = sources_html([{**citation, "doc": XSS, "quote": XSS}], [XSS], {XSS: hostile})
    assert "<script>" not in page and "<img" not in page


def test_document_view_shows_the_whole_document_by_headings_at_the_passage() -> None:
    passages = sorted(CHUNKS.values(), key=lambda c: c.start)
    page = document_html(SOCITM, passages, start=110, quote="the many challenges")
    assert page.count('class="doc-heading"') == 4 and "List of guides" in page
    assert page.count('id="doc-focus"') == 1
    assert "Of <mark>the many challenges</mark>, some are common." in page
    assert "Jos Creese · Socitm (Socitm Inform Programme, reference 18010) · 2012" in page
    whole = document_html(SOCITM, passages, start=210)
    assert "<mark>A county council shared its HR.</mark>" in whole  # no quote: the passage is marked
    assert UNKNOWN_DOCUMENT in document_html({"doc": "gone.txt"}, [], 0)
    hostile = document_html({"title": XSS}, [chunk(0, XSS, XSS)], 0, XSS)
    assert "<script>" not in hostile and "<img" not in hostile


def test_next_steps_panel_asks_and_opens() -> None:
    page = next_steps_html(
        [f"Why {XSS}?"], [{"doc": "001.txt", "title": "T", "section": "S", "start": 7}], False
    )
    assert "Ask next" in page and 'class="ask-next"' in page and "<script>" not in page
    assert 'data-doc="001.txt" data-start="7"' in page and "T — S" in page
    assert "The guidance covers these topics" in next_steps_html(["Q?"], [], refused=True)
    assert next_steps_html([], [], refused=False) == ""


@pytest.fixture
def handlers(settings: Settings) -> Handlers:
    """The app's callbacks over fake embeddings and a copy of the corpus."""
    return Handlers(open_assistant(settings, embeddings=FakeEmbeddings()), settings)


def test_empty_and_overlong_questions_get_a_message_and_keep_the_text(handlers: Handlers) -> None:
    outputs = list(handlers.respond("   ", []))
    assert len(outputs) == 1 and len(outputs[0]) == 8
    assert EMPTY_QUESTION in outputs[0][-1] and 'role="alert"' in outputs[0][-1]
    too_long = "Why? " + "x" * handlers.settings.max_question_chars
    (only,) = list(handlers.respond(too_long, []))
    assert "too long" in only[-1] and f"at most {handlers.settings.max_question_chars:,}" in only[-1]
    assert all(value is not too_long for value in only)  # the box is left as it is: not cut, not cleared


def test_a_turn_carries_its_documents_and_next_steps(handlers: Handlers) -> None:
    *_, last = handlers.respond("Why do shared services fail?", [])
    turns = last[1]
    assert turns[0]["documents"]["001_42277acb122cae47.txt"]["author"] == "Jos Creese"
    assert "Jos Creese" in last[2]
    steps = handlers.show_next_steps(turns)
    assert 'class="ask-next"' in steps
    refused = {"question": "Capital of France?", "answer": {"abstained": True, "answer": refusal(["x"])}}
    topics = handlers.show_next_steps([refused])
    assert "The guidance covers these topics" in topics and topics.count('class="ask-next"') >= 3
    message = chat_messages([refused])[1]["content"]
    assert message.startswith(REFUSAL) and CHOOSE_A_TOPIC in message and "covers:" not in message


def test_library_falls_back_on_the_indexed_title(settings: Settings) -> None:
    (settings.corpus_dir / "extra.txt").write_text("Extra guidance title\n\nShared services need trust.\n")
    library = Library(open_assistant(settings, embeddings=FakeEmbeddings()), settings)
    assert library.describe("extra.txt") == {
        "doc": "extra.txt",
        "title": "Extra guidance title",
        "publisher": None,
        "author": None,
        "year": None,
        "kind": None,
    }
    assert library.describe("004_2011d1e9a87e452c.txt")["year"] == 2013


def test_document_endpoint(client: Client, tmp_path: Path) -> None:
    answer = client.predict("Why do shared services fail?", api_name="/ask")
    cited = answer["citations"][0]
    page = client.predict(cited["doc"], cited["start"], cited["quote"], api_name="/document")
    assert page.count('id="doc-focus"') == 1 and "<mark>" in page and 'class="doc-heading"' in page
    assert UNKNOWN_DOCUMENT in client.predict("no-such.txt", 0, "", api_name="/document")


def test_every_answer_keeps_the_names_of_its_citations() -> None:
    first = {
        "answer": {
            "abstained": False,
            "citations": [{"n": 1, "doc": "001.txt", "title": "t", "section": "S"}],
        },
        "passages": [None],
        "documents": {"001.txt": SOCITM},
    }
    second = {
        "answer": {
            "abstained": False,
            "citations": [{"n": 1, "doc": "x.txt", "title": XSS, "section": None}],
        },
        "passages": [None],
    }
    assert citation_labels([first, second]) == [{1: "Source 1: Socitm, S"}, {1: f"Source 1: {XSS}"}]
    panel = turn_sources_html(second, [first, second])
    assert '<ol data-turn="0"><li data-n="1">Source 1: Socitm, S</li></ol>' in panel
    assert '<ol data-turn="1"><li data-n="1">' in panel and "<script>" not in panel
    streamed = chat_messages(
        [{"question": "q", "answer": {"abstained": False, "answer": refusal(["A", "B"])}}]
    )
    assert CHOOSE_A_TOPIC in streamed[1]["content"]  # a refusal as it streams is shown short too
