"""The web app under bad input, a login, an ingest and load: launched on loopback with fake embeddings and
driven through its API with gradio_client, as in tests/web/test_web.py.

Bad input gets a one-line error from the endpoint (``AppError``), never a traceback, and the app answers
the next request; with a login every endpoint refuses a caller that has not signed in; it keeps
answering while another process re-ingests its index; 50 concurrent requests, several times over, all
succeed without the memory growing; an uploaded proposal leaves nothing behind (upload, feedback log,
logs).
"""

from __future__ import annotations

import json
import logging
import random
import resource
import time
from pathlib import Path

import httpx
import pytest
from gradio_client import Client, handle_file
from gradio_client.exceptions import AppError
from pydantic import SecretStr

from assistant.settings import Settings
from assistant.text.phrases import EMPTY_QUESTION
from tests.conftest import serve
from tests.reliability.reliability_fixtures import (
    ask_during,
    cli_env,
    encrypted_pdf,
    nested_html,
    run_cli,
    zip_bomb_docx,
)
from tests.reliability.test_reliability_ingest import make_corpus, revise
from tests.web.test_web import PROPOSAL

QUESTION = "Why do shared services fail?"


def assert_refused(client: Client, fragment: str, *args: object, api_name: str) -> None:
    """The endpoint answers with a one-line error naming the problem (and no traceback)."""
    with pytest.raises(AppError) as refused:
        client.predict(*args, api_name=api_name)
    message = str(refused.value)
    assert fragment in message and "Traceback" not in message and len(message) < 400, message


# ------------------------------------------------------------------------------------------------
# Bad input
# ------------------------------------------------------------------------------------------------

BAD_QUESTIONS = {
    "empty": ("", EMPTY_QUESTION),
    "whitespace": (" \t\n\u3000", EMPTY_QUESTION),
    "control characters": ("\x00\x01\x1b\x07\x7f", EMPTY_QUESTION),
    "zero-width only": ("\u200b\u200d\ufeff\u2060\u202e", EMPTY_QUESTION),
    "200 KB": ("Why do shared services fail? " * 7000, "The question is too long ("),
}


@pytest.mark.parametrize("case", BAD_QUESTIONS)
def test_ask_refuses_a_question_with_nothing_to_read_or_too_long(client: Client, case: str) -> None:
    question, message = BAD_QUESTIONS[case]
    assert_refused(client, message, question, api_name="/ask")


def test_ask_answers_odd_unicode_and_half_utf16_pairs(client: Client, app_url: str) -> None:
    """Direction marks, escapes and emoji are answered; so is a lone surrogate, which JSON can carry
    (``"\\udcff"``, what ``JSON.stringify`` writes for a string made from bytes that were not UTF-8)."""
    answer = client.predict("\u202eWhy do shared services fail?\u202c\x1b[0m 😀", api_name="/ask")
    assert answer["citations"] and answer["question"].isprintable()  # no control or direction characters
    body = json.dumps({"data": ["Why do shared \udcff services fail?", []]})  # ASCII, the surrogate escaped
    event = httpx.post(
        f"{app_url}gradio_api/call/ask", content=body, headers={"content-type": "application/json"}
    )
    stream = httpx.get(f"{app_url}gradio_api/call/ask/{event.json()['event_id']}").text
    assert stream.startswith("event: complete"), stream[:300]
    [data] = json.loads(stream.split("data:", 1)[1])
    assert data["citations"] and data["question"] == "Why do shared services fail?"


BAD_UPLOADS: dict[str, tuple[str, bytes, str]] = {
    "zero-byte": ("empty.docx", b"", "the file is empty"),
    "binary as .pdf": ("scan.pdf", bytes(random.Random(9).getrandbits(8) for _ in range(3000)), "PDF"),
    "encrypted PDF": ("locked.pdf", encrypted_pdf(), "encrypted"),
    "zip bomb DOCX": ("bomb.docx", zip_bomb_docx(60), "unpacks to more than"),
    "control characters": ("controls.txt", bytes(range(1, 9)) * 200, "not text"),
    "not a proposal type": ("deep.html", nested_html(), "unsupported file type .html"),
}


@pytest.mark.parametrize("case", BAD_UPLOADS)
def test_review_refuses_a_bad_upload_and_deletes_it(client: Client, tmp_path: Path, case: str) -> None:
    import gradio

    name, data, message = BAD_UPLOADS[case]
    path = tmp_path / name
    path.write_bytes(data)
    assert_refused(client, message, "", handle_file(str(path)), api_name="/review")
    assert not list(Path(gradio.utils.get_upload_folder()).rglob(name)), "the refused upload was kept"


def test_review_of_text_that_was_not_utf8_or_is_whitespace(client: Client, tmp_path: Path) -> None:
    legacy = tmp_path / "legacy.txt"
    legacy.write_bytes(
        "The councils – both – will share a café and there is no pilot phase.".encode("cp1252")
    )
    assert client.predict("", handle_file(str(legacy)), api_name="/review")["factors"]
    assert_refused(client, "text or file", " \n\t ", None, api_name="/review")


@pytest.mark.parametrize(
    ("theme", "message"),
    [
        ("", "theme is empty"),
        ("\x00\x1b\u200b\u200f", "theme is empty"),
        ("trust " * 40_000, "The theme is too long ("),
    ],
    ids=["empty", "control and zero-width", "200 KB"],
)
def test_prompts_refuses_an_empty_or_huge_theme(client: Client, theme: str, message: str) -> None:
    assert_refused(client, message, theme, 3, 0, api_name="/prompts")


def test_the_app_answers_after_all_the_bad_input(client: Client) -> None:
    assert not client.predict(QUESTION, api_name="/ask")["abstained"]


# ------------------------------------------------------------------------------------------------
# Privacy: nothing of an uploaded proposal is kept
# ------------------------------------------------------------------------------------------------


def test_an_uploaded_proposal_leaves_nothing_behind(
    client: Client, web_settings: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """No upload or temporary file, no line of the feedback log and no log record holds its text."""
    import gradio

    marker = "Quixotrellis"
    upload = tmp_path / "confidential-proposal.md"
    upload.write_text(PROPOSAL.read_text(encoding="utf-8").replace("Oakhurst", marker), encoding="utf-8")
    assert marker in upload.read_text(encoding="utf-8")
    with caplog.at_level(logging.DEBUG):
        review = client.predict("", handle_file(str(upload)), api_name="/review")
        pasted = client.predict(upload.read_text(encoding="utf-8"), None, api_name="/review")
        answer = client.predict(QUESTION, api_name="/ask")
        client.predict(answer["question"], answer["answer"], "up", answer["citations"], api_name="/feedback")
    quoted = [item["quote"] for finding in review["factors"] for item in finding["evidence"]]
    assert any(marker in quote for quote in quoted) and pasted["factors"]  # the text was read
    assert marker not in caplog.text
    upload.unlink()
    for folder in (Path(gradio.utils.get_upload_folder()), web_settings.data_dir):
        for path in folder.rglob("*"):
            if path.is_file() and path.stat().st_size < 50_000_000:
                assert marker.encode() not in path.read_bytes(), path


# ------------------------------------------------------------------------------------------------
# Access: the login guards every endpoint
# ------------------------------------------------------------------------------------------------


def test_the_login_guards_every_endpoint(client: Client, web_settings: Settings, tmp_path: Path) -> None:
    endpoints = [
        name.lstrip("/")
        for name in client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    ]
    assert {"ask", "review", "prompts", "feedback"} <= set(endpoints)
    secret = tmp_path / "secret.txt"
    secret.write_text("not to be read", encoding="utf-8")
    secured = web_settings.model_copy(update={"auth": SecretStr("ann:s3cret-Pass")})
    with serve(secured) as (url, _):
        for endpoint in endpoints:
            for path in (
                f"gradio_api/call/{endpoint}",
                f"gradio_api/run/{endpoint}",
                f"gradio_api/api/{endpoint}",
            ):
                response = httpx.post(url + path, json={"data": [QUESTION]})
                assert response.status_code in (401, 403, 404), (path, response.status_code)
                assert "citations" not in response.text
        for method, path in [
            ("GET", "config"),
            ("GET", "gradio_api/info"),
            ("POST", "gradio_api/queue/join"),
            ("POST", "gradio_api/upload"),
            ("GET", f"gradio_api/file={secret}"),
            ("GET", "gradio_api/queue/data?session_hash=x"),
        ]:
            response = httpx.request(method, url + path)
            assert response.status_code in (401, 403), (path, response.status_code)
        page = httpx.get(url)  # the login page: it shows the endpoints' descriptions, never an answer
        assert page.status_code == 200 and '"auth_required":true' in page.text
        assert "not to be read" not in page.text


def test_the_server_binds_loopback_unless_told(app_url: str) -> None:
    """The default host is loopback; ``serve`` warns on any other (tests/web/test_web.py shows the
    warning)."""
    assert Settings().host == "127.0.0.1" and app_url.startswith("http://127.0.0.1:")


# ------------------------------------------------------------------------------------------------
# An ingest in another process, and load
# ------------------------------------------------------------------------------------------------


def test_the_web_app_keeps_answering_while_another_process_ingests(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    make_corpus(corpus, copies=3)
    env = cli_env(tmp_path / "data", corpus)
    assert run_cli(["ingest"], env).returncode == 0
    revise(corpus, random.Random(1), 0)
    with serve(Settings(data_dir=tmp_path / "data", corpus_dir=corpus)) as (url, _):
        client = Client(url, analytics_enabled=False, verbose=False)
        assert client.predict(QUESTION, api_name="/ask")["citations"]

        def ask(_: int) -> None:
            assert client.predict(QUESTION, api_name="/ask")["citations"]

        assert ask_during(["ingest", "--rebuild"], env, ask) >= 3


LOAD_CONCURRENCY = 50
LOAD_ROUNDS = 4
LOAD_SECONDS = 40
LOAD_QUESTIONS = (
    QUESTION,
    "What does 1+1=3 mean?",
    "How do I bake sourdough bread?",
    "How do we sustain shared services?",
)


def resident_mb() -> float:
    """This process's resident memory now, in MB (the app under test runs in it)."""
    with open("/proc/self/status", encoding="ascii") as status:
        return int(next(line.split()[1] for line in status if line.startswith("VmRSS:"))) / 1024


def test_50_concurrent_requests_all_succeed_and_memory_stays_flat(client: Client) -> None:
    """Rounds of 50 requests sent at once (bounded: at most ``LOAD_ROUNDS`` rounds and ``LOAD_SECONDS``
    seconds): every one answered, no error, and the memory after the last round within 50 MB of the
    memory after the first (the first warms the caches)."""
    started = time.monotonic()
    memory: list[float] = []
    answered = 0
    for round_ in range(LOAD_ROUNDS):
        jobs = [
            client.submit(LOAD_QUESTIONS[(round_ + i) % len(LOAD_QUESTIONS)], api_name="/ask")
            for i in range(LOAD_CONCURRENCY)
        ]
        results = [job.result(timeout=120) for job in jobs]
        assert all(result["abstained"] or result["citations"] for result in results)
        answered += len(results)
        memory.append(resident_mb())
        if time.monotonic() - started > LOAD_SECONDS:
            break
    assert answered >= 2 * LOAD_CONCURRENCY, f"only {answered} answered in {LOAD_SECONDS} s"
    assert memory[-1] - memory[0] < 50, f"memory grew from {memory[0]:.0f} MB to {memory[-1]:.0f} MB"
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss > 0
