"""The web app: launched on loopback with fake embeddings and driven through its API with gradio_client."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError
from pydantic import SecretStr

from assistant.settings import Settings
from assistant.text.phrases import EMPTY_QUESTION, REFUSAL
from assistant.web.app import passage_of
from assistant.web.logins import is_loopback, load_logins, make_login_check
from assistant.web.render import (
    chat_markdown,
    conversation_markdown,
    passage_html,
    prompts_html,
    review_html,
    sources_html,
)
from assistant.web.streams import answer_pieces
from tests.conftest import serve

ROOT = Path(__file__).resolve().parents[2]
PROPOSAL = ROOT / "eval" / "proposals" / "flawed-pace-and-sovereignty.md"
XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=1">'


def call_raw(url: str, api_name: str, data: list[Any]) -> str:
    """Call an endpoint over plain HTTP (no client-side uploads) and return the event stream's text."""
    event = httpx.post(f"{url.rstrip('/')}/gradio_api/call/{api_name}", json={"data": data}).json()
    return httpx.get(f"{url.rstrip('/')}/gradio_api/call/{api_name}/{event['event_id']}").text


def test_launch_binds_loopback_and_names_the_api(app_url: str, client: Client) -> None:
    assert app_url.startswith("http://127.0.0.1:")
    endpoints = client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert {"/ask", "/review", "/prompts", "/feedback"} <= set(endpoints)


def test_ask_answers_with_citations_and_keeps_the_conversation(client: Client) -> None:
    first = client.predict("Why do shared services fail?", api_name="/ask")
    assert not first["abstained"]
    assert first["citations"] and "[1]" in first["answer"]
    assert {"n", "doc", "title", "section", "quote", "start", "end"} <= set(first["citations"][0])
    assert [turn["query"] for turn in first["history"]] == ["Why do shared services fail?"]
    assert first["history"][0]["answer"]["citations"] == first["citations"]

    follow_up = client.predict("and how do we avoid that?", first["history"], api_name="/ask")
    assert len(follow_up["history"]) == 2
    assert "shared services fail" in follow_up["history"][1]["query"].lower()

    second = client.predict("the second one", first["history"], api_name="/ask")
    assert second["citations"][0]["quote"] in [citation["quote"] for citation in first["citations"]]
    as_text = ["Why do shared services fail?"]
    queries_only = client.predict("and how do we avoid that?", as_text, api_name="/ask")
    assert not queries_only["abstained"]
    with pytest.raises(AppError, match="history: pass back"):
        client.predict("the second one", [{"answer": "no query"}], api_name="/ask")


def test_ask_refuses_out_of_scope_and_rejects_empty_questions(client: Client) -> None:
    refused = client.predict("How do I bake sourdough bread?", api_name="/ask")
    assert refused["abstained"] and refused["answer"].startswith(REFUSAL)
    assert refused["citations"] == []
    with pytest.raises(AppError, match=EMPTY_QUESTION):
        client.predict("   ", api_name="/ask")


def test_feedback_is_stored_locally_as_json_lines(client: Client, web_settings: Settings) -> None:
    answer = client.predict("Why do shared services fail?", api_name="/ask")
    client.predict(answer["question"], answer["answer"], "down", answer["citations"], api_name="/feedback")
    entries = [json.loads(line) for line in web_settings.feedback_log.read_text().splitlines()]
    assert entries[-1]["rating"] == "down"
    assert entries[-1]["question"] == "Why do shared services fail?"
    assert entries[-1]["citations"] == answer["citations"]
    with pytest.raises(AppError, match="rating"):
        client.predict("q", "a", "meh", [], api_name="/feedback")


def test_review_of_an_uploaded_proposal_deletes_the_upload(client: Client, tmp_path: Path) -> None:
    pytest.importorskip("assistant.review.judge")
    upload = tmp_path / "brackenfield-unique-7f3a.md"
    upload.write_bytes(PROPOSAL.read_bytes())
    review = client.predict("", handle_file(str(upload)), api_name="/review")
    assert review["proposal"]["name"] == upload.name
    assert review["factors"] and {"id", "title", "status", "evidence", "citations"} <= set(
        review["factors"][0]
    )
    assert review["sum"]["label"]
    import gradio

    uploads = Path(gradio.utils.get_upload_folder())
    assert not list(uploads.rglob(upload.name)), "the uploaded proposal was kept on the server"


def test_review_of_pasted_text_and_bad_uploads(client: Client, tmp_path: Path) -> None:
    pytest.importorskip("assistant.review.judge")
    review = client.predict(PROPOSAL.read_text(encoding="utf-8"), None, api_name="/review")
    assert review["factors"]
    binary = tmp_path / "binary.txt"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    with pytest.raises(AppError, match="binary.txt"):
        client.predict("", handle_file(str(binary)), api_name="/review")
    secret = tmp_path / "secret.txt"
    secret.write_text("The business case to follow. Savings to be determined.", encoding="utf-8")
    for named in ({"path": str(secret), "meta": {"_type": "gradio.FileData"}}, {"path": str(secret)}):
        assert call_raw(client.src, "review", ["", named]).startswith("event: error")  # never read
    with pytest.raises(AppError, match="text or file"):
        client.predict("", None, api_name="/review")


def test_prompts_for_a_theme(client: Client) -> None:
    pytest.importorskip("assistant.discussion.prompts")
    from assistant.discussion.themes import load_themes

    theme = load_themes()[0]
    prompt_set = client.predict(theme.id, 4, 7, api_name="/prompts")
    assert len(prompt_set["prompts"]) == 4
    assert {"text", "kind", "facilitator_note", "citations"} <= set(prompt_set["prompts"][0])
    with pytest.raises(AppError, match="between"):
        client.predict(theme.id, 50, 7, api_name="/prompts")


def test_login_guards_the_page_and_the_api(web_settings: Settings) -> None:
    secured = web_settings.model_copy(update={"auth": SecretStr("ann:s3cret-Pass")})
    with serve(secured) as (url, _):
        assert httpx.get(url + "config").status_code == 401
        assert httpx.post(url + "gradio_api/call/ask", json={"data": ["Why?"]}).status_code == 401
        with pytest.raises(Exception):  # noqa: B017 - the client refuses in several ways
            Client(url, analytics_enabled=False, verbose=False).predict("Why?", api_name="/ask")
        with pytest.raises(Exception):  # noqa: B017
            Client(url, auth=("ann", "wrong"), analytics_enabled=False, verbose=False)
        signed_in = Client(url, auth=("ann", "s3cret-Pass"), analytics_enabled=False, verbose=False)
        assert not signed_in.predict("Why do shared services fail?", api_name="/ask")["abstained"]


def test_logins_from_settings_and_file(tmp_path: Path) -> None:
    logins = tmp_path / "logins.txt"
    logins.write_text("# officers\nbea:pa:ss\n\ncal:word\n", encoding="utf-8")
    settings = Settings(auth="ann:secret", auth_file=logins)
    assert load_logins(settings) == {"ann": "secret", "bea": "pa:ss", "cal": "word"}
    check = make_login_check(load_logins(settings))
    assert check("bea", "pa:ss") and not check("bea", "pa") and not check("nobody", "")
    logins.write_text("no-password-here\n", encoding="utf-8")
    with pytest.raises(ValueError, match="line 1"):
        load_logins(settings)


def test_html_from_documents_and_proposals_is_escaped() -> None:
    citation = {"n": 1, "doc": "x.txt", "title": XSS, "section": XSS, "quote": XSS, "start": 0, "end": 9}
    for page in (
        sources_html([citation], [f"Before. {XSS} After."]),
        review_html(
            {
                "proposal": {"name": XSS, "chars": 10},
                "sum": {"label": XSS, "evidence": [{"quote": XSS}], "citations": [citation]},
                "factors": [
                    {
                        "id": "F01",
                        "title": XSS,
                        "status": "risk",
                        "evidence": [{"quote": XSS}],
                        "citations": [],
                    }
                ],
                "questions": [XSS],
            }
        ),
        prompts_html(
            {
                "theme": "t",
                "title": XSS,
                "description": XSS,
                "note": XSS,
                "prompts": [{"text": XSS, "kind": XSS, "facilitator_note": XSS, "citations": [citation]}],
            }
        ),
    ):
        assert "<script" not in page and "<img" not in page
        assert "&lt;script&gt;" in page
    assert "<" not in chat_markdown(XSS) and "!\\[" in chat_markdown("![x](http://example.org/x.png)")


def test_passage_marks_the_quote_in_its_paragraph() -> None:
    passage = "First line.\nThe quoted   words are here.\nLast line.\nFar away."
    html = passage_html(passage, "quoted words are")
    assert "<mark>quoted   words are</mark>" in html
    assert "First line." in html and "Last line." in html and "Far away." not in html
    assert passage_html(None, "lost quote") == "<p><mark>lost quote</mark></p>"


def test_passage_of_a_citation_is_its_chunk() -> None:
    class Chunk:
        def __init__(self, doc: str, start: int, end: int, text: str) -> None:
            self.doc, self.start, self.end, self.text = doc, start, end, text

    chunks = {"a": Chunk("d.txt", 0, 100, "first"), "b": Chunk("d.txt", 100, 200, "second")}
    assert passage_of({"doc": "d.txt", "start": 150}, chunks) == "second"
    assert passage_of({"doc": "other.txt", "start": 150}, chunks) is None


def test_answer_streams_in_pieces_that_join_back() -> None:
    text = "Lead sentence [1]\n\n- one [2]\n- two [3]\nProse one. [4] Prose two. [5]"
    pieces = answer_pieces(text)
    assert "".join(pieces) == text
    assert len(pieces) >= 5


def test_conversation_exports_as_markdown() -> None:
    turn = {
        "question": "Why do shared services fail?",
        "answer": {
            "answer": "Because [1]",
            "citations": [
                {"n": 1, "doc": "d.txt", "title": "T", "section": "S", "quote": "q", "start": 1, "end": 2}
            ],
        },
    }
    markdown = conversation_markdown([turn])
    assert markdown.startswith("# Conversation with the Guidance Assistant")
    assert "## 1. Why do shared services fail?" in markdown and "1. T — S: “q” (d.txt" in markdown


def test_serve_command_is_cheap_to_import_and_knows_loopback() -> None:
    code = "import sys, assistant.cli.serve; print('gradio' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert result.stdout.strip() == "False"
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.10")


def test_serve_warns_when_listening_beyond_loopback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], web_settings: Settings
) -> None:
    import argparse

    import assistant.web.app as web
    from assistant.cli import serve as web_command

    launched: dict[str, Any] = {}

    class FakeDemo:
        def block_thread(self) -> None:
            pass

        def close(self) -> None:
            launched["closed"] = True

    monkeypatch.setattr(web, "build_app", lambda assistant, settings: FakeDemo())
    monkeypatch.setattr(web, "warm_up", lambda assistant: None)
    monkeypatch.setattr(web, "warm_up_server", lambda url, settings: None)
    monkeypatch.setattr(
        web, "launch_app", lambda demo, settings, **kwargs: launched.update(host=settings.host) or "http://x/"
    )
    args = argparse.Namespace(host="0.0.0.0", port=8123, corpus=None)
    assert web_command.run(args, web_settings) == 0
    captured = capsys.readouterr()
    assert "warning: listening on 0.0.0.0" in captured.err and "WITHOUT a login" in captured.err
    assert "http://x/" in captured.out
    assert launched == {"host": "0.0.0.0", "closed": True}


def test_header_says_where_questions_go() -> None:
    from assistant.web.app import header_html, model_host

    assert model_host(Settings()) is None
    assert model_host(Settings(llm_provider="ollama", llm_model="m")) is None
    assert (
        model_host(Settings(llm_provider="openai", llm_model="m", llm_base_url="http://127.0.0.1:8080/v1"))
        is None
    )
    remote = Settings(llm_provider="openai", llm_model="m")
    assert model_host(remote) == "api.openai.com"
    assert "questions go to api.openai.com" in header_html(remote)
    assert "nothing you type or upload leaves it" in header_html(Settings())


def test_downloads_get_safe_names() -> None:
    from assistant.web.files import ExportFolder

    exports = ExportFolder()
    path = Path(exports.write("review-../../etc/<x>.md", "text"))
    assert path.parent.parent == exports.root and path.name == "review-etc-x.md"
    assert path.read_text(encoding="utf-8") == "text"
