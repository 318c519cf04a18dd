"""The web app in a real headless Chromium (Debian's ``chromium``, driven by Playwright).

The main scenarios run over the real embedding model and the real corpus (``real_assistant``); the
script-injection scenario runs over fake embeddings and a corpus with a hostile document. Screenshots
go to ``reports/screenshots/``.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from assistant.service import open_assistant
from assistant.settings import Settings
from assistant.web.app import warm_up, warm_up_server
from tests.conftest import FakeEmbeddings, copy_corpus, serve

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = ROOT / "reports" / "screenshots"
PROPOSAL = ROOT / "eval" / "proposals" / "flawed-pace-and-sovereignty.md"
SCRIPT = "<script>window.__xss=1</script>"
IMAGE = '<img src=x onerror="window.__xss=1">'
FIRST_ANSWER_BUDGET_MS = 1000

TIMER_JS = """() => {
  const answers = () => document.querySelectorAll('#chat [data-testid="bot"] .message-content');
  window.__sent = undefined;
  window.__first = undefined;
  document.querySelector('#send').addEventListener('click', () => {
    window.__sent = performance.now();
    window.__before = answers().length;
  }, {capture: true, once: true});
  const check = () => {
    if (window.__first !== undefined || window.__sent === undefined) return;
    const all = answers();
    const last = all[all.length - 1];
    if (all.length > window.__before && last.textContent.trim()
        && !last.textContent.includes('Searching the guidance')) window.__first = performance.now();
  };
  new MutationObserver(check).observe(document.querySelector('#chat'),
                                      {childList: true, subtree: true, characterData: true});
}"""
"""Records when Ask is clicked and when the first text of the new answer appears (page clock)."""


@contextmanager
def running(assistant: Any, settings: Settings) -> Iterator[str]:
    """The app over an assistant, on a free loopback port; yields its URL."""
    with serve(settings, assistant) as (url, _):
        warm_up_server(url, settings)
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium, headless, with background networking off."""
    if not CHROMIUM.exists():
        message = "Debian's chromium is not installed (apt-get install -y chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="module")
def app_url(real_assistant: Any, real_settings: Settings) -> Iterator[str]:
    """The app over the real model and corpus, warmed up as ``assistant serve`` does."""
    warm_up(real_assistant)
    with running(real_assistant, real_settings) as url:
        yield url


PAGE_TIMEOUT_MS = 120_000
"""How long any page step may take: uploads and real-model reviews are slow on a loaded 2-core machine.
(The first-answer time is measured in the page and reported, not bounded by this.)"""


def make_page(browser: Any, viewport: dict[str, int]) -> Iterator[Any]:
    """A fresh page of a size that may download files; fails the test on any request off loopback."""
    context = browser.new_context(viewport=viewport, accept_downloads=True)
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    tab = context.new_page()
    requests: list[str] = []
    tab.on("request", lambda request: requests.append(request.url))
    yield tab
    context.close()
    outside = [url for url in requests if not url.startswith(("http://127.0.0.1", "data:", "blob:"))]
    assert not outside, f"the page contacted other hosts: {outside}"


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh laptop-sized page."""
    yield from make_page(browser, {"width": 1366, "height": 900})


def open_app(page: Any, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("#question textarea")


def wait_for_answer(page: Any, answers_before: int) -> None:
    """Wait until a new answer and its sources are complete."""
    page.wait_for_function(
        """([n]) => {
             const all = document.querySelectorAll('#chat [data-testid="bot"] .message-content');
             const busy = document.querySelector('#sources [data-testid="status-tracker"]');
             return all.length > n && !all[all.length - 1].textContent.includes('Searching the guidance')
               && (!busy || busy.classList.contains('hide'));
           }""",
        arg=[answers_before],
        timeout=60_000,
    )


def ask(page: Any, question: str) -> None:
    """Type a question, send it and wait until the answer and its sources are complete."""
    answers = page.locator('#chat [data-testid="bot"]').count()
    page.fill("#question textarea", question)
    page.click("#send")
    wait_for_answer(page, answers)


def test_streamed_answer_with_citations_and_sources(page: Any, app_url: str, capsys: Any) -> None:
    open_app(page, app_url)
    page.screenshot(path=str(SCREENSHOTS / "ask-empty.png"))
    page.evaluate(TIMER_JS)
    page.fill("#question textarea", "Why do shared services fail?")
    page.click("#send")
    page.wait_for_function("() => window.__first !== undefined", timeout=PAGE_TIMEOUT_MS)
    elapsed = page.evaluate("() => window.__first - window.__sent")
    with capsys.disabled():
        print(f"\nfirst answer text in the browser {elapsed:.0f} ms after Ask (warm, real model)")
    assert elapsed < FIRST_ANSWER_BUDGET_MS

    page.wait_for_selector("#chat button.cite")
    page.wait_for_selector("#sources details.source")
    answer = page.locator('#chat [data-testid="bot"]').last.inner_text()
    assert "[1]" in answer and "shared services" in answer.lower()

    page.click("#source-1 > summary")
    mark = page.locator("#source-1 .source-passage mark")
    mark.wait_for(state="visible")
    quote = page.locator("#source-1 .source-quote").text_content().strip("“” ")
    assert " ".join(mark.inner_text().split()) == " ".join(quote.split())
    assert page.locator("#source-1 .source-title").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "ask-source-open.png"))

    page.locator("#chat button.cite", has_text="[2]").first.click()
    page.wait_for_selector("#source-2[open] mark", state="visible")


def test_follow_up_feedback_and_export(page: Any, app_url: str, real_settings: Settings) -> None:
    open_app(page, app_url)
    answers = page.locator('#chat [data-testid="bot"]')
    page.locator("#chat button", has_text="Why do shared services fail?").click()  # an example question
    wait_for_answer(page, 0)
    ask(page, "and how do we avoid that?")
    assert answers.count() == 2

    log = real_settings.feedback_log
    before = len(log.read_text().splitlines()) if log.exists() else 0
    last_answer = page.locator("#chat .message-row.bot-row").last
    last_answer.locator('button[aria-label="Like"]').click()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and (
        not log.exists() or len(log.read_text().splitlines()) == before or not log.read_text().endswith("\n")
    ):
        time.sleep(0.1)
    entry = json.loads(log.read_text().splitlines()[-1])
    assert entry["rating"] == "up" and entry["question"] == "and how do we avoid that?"

    with page.expect_download() as download:
        page.click("#export")
    exported = Path(download.value.path()).read_text(encoding="utf-8")
    assert exported.startswith("# Conversation with the Guidance Assistant")
    assert "## 1. Why do shared services fail?" in exported and "## 2. and how do we avoid that?" in exported
    page.screenshot(path=str(SCREENSHOTS / "ask-conversation.png"))


def test_review_an_uploaded_proposal_and_download_the_report(page: Any, app_url: str, tmp_path: Path) -> None:
    pytest.importorskip("assistant.review.render")
    import gradio

    upload = tmp_path / PROPOSAL.name
    shutil.copy(PROPOSAL, upload)
    open_app(page, app_url)
    page.get_by_role("tab", name="Review a proposal").click()
    page.set_input_files("#proposal-file input[type=file]", str(upload))
    page.wait_for_selector("#proposal-file >> text=flawed-pace-and-sovereignty.md")
    page.click("#review-button")
    page.wait_for_selector("#review-result table.checklist", timeout=PAGE_TIMEOUT_MS)
    assert page.locator("#review-result .badge.status-risk").count() > 0
    assert page.locator("#review-result .sum-label").inner_text().startswith("1+1=")
    page.screenshot(path=str(SCREENSHOTS / "review.png"), full_page=True)

    with page.expect_download() as download:
        page.click("#review-md")
    report = Path(download.value.path()).read_text(encoding="utf-8")
    assert "flawed-pace-and-sovereignty" in report
    uploads = Path(gradio.utils.get_upload_folder())
    assert not list(uploads.rglob(PROPOSAL.name)), "the uploaded proposal was kept on the server"


def test_bad_upload_shows_a_message(page: Any, app_url: str, tmp_path: Path) -> None:
    pytest.importorskip("assistant.review.render")
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.4 this is not really a PDF")
    open_app(page, app_url)
    page.get_by_role("tab", name="Review a proposal").click()
    page.set_input_files("#proposal-file input[type=file]", str(broken))
    page.wait_for_selector("#proposal-file >> text=broken.pdf")
    page.click("#review-button")
    notice = page.locator("#review-result .notice-error")
    notice.wait_for(timeout=PAGE_TIMEOUT_MS)
    assert "broken.pdf" in notice.inner_text() and "Traceback" not in page.content()


def test_discussion_prompts_and_handout(page: Any, app_url: str) -> None:
    pytest.importorskip("assistant.discussion.prompts")
    pytest.importorskip("assistant.discussion.handout")
    open_app(page, app_url)
    page.get_by_role("tab", name="Discussion prompts").click()
    page.click("#prompts-button")
    page.wait_for_selector("#prompts-result .prompt-card", timeout=PAGE_TIMEOUT_MS)
    assert page.locator("#prompts-result .prompt-card").count() == 5
    page.screenshot(path=str(SCREENSHOTS / "prompts.png"), full_page=True)
    with page.expect_download() as download:
        page.click("#handout-docx")
    assert Path(download.value.path()).read_bytes()[:2] == b"PK"


def test_about_page(page: Any, app_url: str) -> None:
    open_app(page, app_url)
    page.get_by_role("tab", name="About").click()
    about = page.locator("#about")
    about.locator("table.docs").wait_for()
    assert about.locator("table.docs tbody tr").count() == 5
    assert "Extractive" in about.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "about.png"), full_page=True)


@pytest.fixture(scope="module")
def hostile_app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app over fake embeddings and a corpus with a document full of HTML."""
    corpus = copy_corpus(tmp_path_factory.mktemp("hostile-corpus"))
    (corpus / "zebra.txt").write_text(
        f"Zebra councils and the pace of sharing {SCRIPT}\n\n"
        f"Zebra councils fail at sharing when one zebra council moves faster than the other {IMAGE} "
        "and neither zebra council will wait.\n"
        f"Zebra councils that agree a common pace succeed {SCRIPT} more often than zebra councils "
        "that do not.\n",
        encoding="utf-8",
    )
    settings = Settings(data_dir=tmp_path_factory.mktemp("hostile-data"), corpus_dir=corpus)
    with running(open_assistant(settings, embeddings=FakeEmbeddings()), settings) as url:
        yield url


def test_html_in_questions_documents_and_proposals_never_runs(page: Any, hostile_app_url: str) -> None:
    open_app(page, hostile_app_url)
    ask(page, f"Why do zebra councils fail at sharing? {SCRIPT} {IMAGE}")
    question = page.locator('#chat [data-testid="user"]').last.inner_text()
    assert SCRIPT in question and IMAGE in question
    page.wait_for_selector("#sources details.source")
    page.locator("#sources details.source > summary").first.click()
    sources = page.locator("#sources").inner_text()
    assert "<script>" in sources or "<img src=x" in sources

    page.get_by_role("tab", name="Review a proposal").click()
    page.fill(
        "#proposal-text textarea",
        f"Shared HR service {SCRIPT}. The business case to follow {IMAGE}. "
        f"Savings to be determined {SCRIPT}.",
    )
    page.click("#review-button")
    page.wait_for_selector("#review-result .review, #review-result .notice", timeout=PAGE_TIMEOUT_MS)
    page.get_by_role("tab", name="Ask the guidance").click()
    page.screenshot(path=str(SCREENSHOTS / "escaped-html.png"))

    assert page.evaluate("() => window.__xss") is None
    assert page.locator('img[src="x"]').count() == 0
    assert page.locator("script", has_text="__xss").count() == 0
