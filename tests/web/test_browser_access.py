"""The web app for keyboards, screen readers and phones, in a real headless Chromium.

An axe-core audit (``axe-playwright-python``, its script bundled in the package: nothing is fetched)
runs on every tab at laptop and phone size; on a phone (390×844) no tab scrolls sideways and the new
answer is scrolled into view; citations are buttons reachable by Tab; the question box says when a
question is empty or too long; source cards show the manifest's details and open the document view;
the follow-up questions under an answer ask and answer. Screenshots go to ``reports/screenshots/``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from assistant.settings import Settings
from assistant.text.phrases import EMPTY_QUESTION, REFUSAL
from tests.web import test_browser
from tests.web.test_browser import SCREENSHOTS, ask, make_page, open_app

pytestmark = pytest.mark.browser

browser = test_browser.browser
app_url = test_browser.app_url
"""The fixtures of the other browser tests: Chromium, and the app over the real model and corpus."""

LAPTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
TABS = (
    ("ask", "Ask the guidance"),
    ("review", "Review a proposal"),
    ("prompts", "Discussion prompts"),
    ("about", "About"),
)
BLOCKING = ("serious", "critical")
QUESTION = "Why do shared services fail?"


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A laptop-sized page."""
    yield from make_page(browser, LAPTOP)


@pytest.fixture
def phone(browser: Any) -> Iterator[Any]:
    """A phone-sized page (390×844)."""
    yield from make_page(browser, PHONE)


def blocking_violations(page: Any) -> list[str]:
    """The serious and critical axe-core violations on the page, as ``rule (impact): target: why``."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page).response
    return [
        f"{rule['id']} ({rule['impact']}): {node['target']}: {' '.join(node['failureSummary'].split())}"
        for rule in results["violations"]
        if rule["impact"] in BLOCKING
        for node in rule["nodes"]
    ]


def show_tab(page: Any, name: str) -> None:
    """Click a tab by its name; it must be there, not behind an overflow menu."""
    tab = page.get_by_role("tab", name=name)
    assert tab.is_visible(), f"the tab {name!r} is not reachable"
    tab.click()
    page.wait_for_function(
        "(name) => [...document.querySelectorAll('[role=tab]')].some("
        "  (tab) => tab.textContent.trim() === name && tab.getAttribute('aria-selected') === 'true')",
        arg=name,
    )


def side_scroll(page: Any) -> tuple[int, int]:
    """The document's scroll width and client width."""
    return tuple(
        page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    )


def test_axe_finds_no_serious_or_critical_violations_on_any_tab(
    browser: Any, app_url: str, capsys: Any
) -> None:
    found: dict[str, list[str]] = {}
    for size, viewport in (("laptop", LAPTOP), ("phone", PHONE)):
        pages = make_page(browser, viewport)
        page = next(pages)
        open_app(page, app_url)
        # The page script names Gradio's example questions a group (a "list" without list items).
        page.wait_for_selector('#chat .examples[role="group"]')
        found[f"{size} ask (empty)"] = blocking_violations(page)
        ask(page, QUESTION)
        page.wait_for_selector("#next-steps .next-steps")
        page.locator("#sources details.source > summary").first.click()
        found[f"{size} ask (answer, source open)"] = blocking_violations(page)
        page.locator("#sources details.source[open] .open-doc").first.click()
        page.wait_for_selector("#doc-dialog .doc-focus mark")
        found[f"{size} ask (document view)"] = blocking_violations(page)
        page.keyboard.press("Escape")
        for _, name in TABS[1:]:
            show_tab(page, name)
            found[f"{size} {name}"] = blocking_violations(page)
        next(pages, None)
    with capsys.disabled():
        for where, violations in found.items():
            print(f"\naxe-core, {where}: {len(violations)} serious or critical", *violations, sep="\n  ")
    assert {where: violations for where, violations in found.items() if violations} == {}


def test_every_tab_fits_a_phone_and_is_reachable(phone: Any, app_url: str) -> None:
    open_app(phone, app_url)
    assert (
        phone.locator("#tabs .overflow-menu").count() == 0
        or not phone.locator("#tabs .overflow-menu").is_visible()
    )
    header = phone.locator("#app-header").bounding_box()
    assert header and header["height"] <= 90, f"the header takes {header} on a phone"
    for key, name in TABS:
        show_tab(phone, name)
        if key == "review":
            upload = phone.locator("#proposal-file").bounding_box()
            paste = phone.locator("#proposal-text").bounding_box()
            assert upload and paste and paste["y"] >= upload["y"] + upload["height"] - 1, (
                "upload and paste not stacked"
            )
        width, client = side_scroll(phone)
        assert width <= client, f"the {name} tab scrolls sideways on a phone ({width} > {client})"
        phone.screenshot(path=str(SCREENSHOTS / f"phone-{key}.png"), full_page=True)


def test_new_answer_is_in_view_on_a_phone(phone: Any, app_url: str) -> None:
    open_app(phone, app_url)
    ask(phone, QUESTION)
    phone.wait_for_selector("#next-steps .next-steps")
    answer = phone.locator("#chat .message-row.bot-row").last
    box = answer.bounding_box()
    height = phone.viewport_size["height"]
    assert box and 0 <= box["y"] < height * 0.5, f"the new answer is not in view: {box}"
    width, client = side_scroll(phone)
    assert width <= client
    phone.screenshot(path=str(SCREENSHOTS / "phone-ask-answer.png"))


def test_source_cards_show_the_manifest_and_open_the_document_view(page: Any, app_url: str) -> None:
    open_app(page, app_url)
    ask(page, QUESTION)
    socitm = page.locator(
        "#sources details.source", has=page.locator(".source-byline", has_text="Socitm")
    ).first
    socitm.wait_for()
    assert "Reasons why shared services fail" in socitm.locator(".source-title").inner_text()
    assert "Jos Creese" in socitm.locator(".source-byline").inner_text()
    assert ".txt" not in socitm.locator("summary").inner_text()  # the file name only in the details line
    socitm.locator("summary").click()
    assert re.search(r"\.txt · characters [\d,]+–[\d,]+", socitm.locator(".source-where").inner_text())
    quote = " ".join(socitm.locator(".source-quote").text_content().strip("“” ").split())
    socitm.locator(".open-doc").click()
    dialog = page.locator("#doc-dialog")
    mark = dialog.locator(".doc-focus mark")
    mark.wait_for(state="visible")
    assert " ".join(mark.inner_text().split()) == quote
    assert "Reasons why shared services fail" in dialog.locator(".doc-title").inner_text()
    assert dialog.locator("h3.doc-heading").count() >= 3  # the whole document, by its headings
    assert mark.evaluate(
        "(node) => { const r = node.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }"
    )
    page.screenshot(path=str(SCREENSHOTS / "ask-document-view.png"))
    page.keyboard.press("Escape")
    assert not dialog.is_visible()


def test_tab_reaches_a_citation_button_that_opens_its_source(page: Any, app_url: str) -> None:
    open_app(page, app_url)
    ask(page, QUESTION)
    second = page.locator("#chat button.cite", has_text="[2]").first
    second.wait_for()
    page.wait_for_function("() => document.querySelector('#source-2') !== null")
    label = second.get_attribute("aria-label")
    expected = page.locator("#source-2").get_attribute("data-label")
    assert label == expected and label.startswith("Source 2: ") and len(label) > len("Source 2: ") + 5
    page.locator("#question textarea").focus()
    for _ in range(80):  # Tab backwards from the question box through the conversation
        page.keyboard.press("Shift+Tab")
        if page.evaluate("() => document.activeElement.matches('#chat button.cite[data-n=\"2\"]')"):
            break
    else:
        pytest.fail("Tab never reached citation [2]")
    page.keyboard.press("Enter")
    page.wait_for_selector("#source-2[open] mark", state="visible")


def test_empty_and_overlong_questions_get_a_message(page: Any, app_url: str, real_settings: Settings) -> None:
    open_app(page, app_url)
    page.fill("#question textarea", "    ")
    page.click("#send")
    message = page.locator("#question-message [role=alert]")
    message.wait_for()
    assert EMPTY_QUESTION in message.inner_text()
    assert page.locator('#chat [data-testid="bot"]').count() == 0

    limit = real_settings.max_question_chars
    long_question = "Why do shared services fail? " + "x" * limit
    page.fill("#question textarea", long_question)
    counter = page.locator("#question-counter")
    assert f"/ {limit:,} characters" in counter.inner_text() and "too long" in counter.inner_text()
    assert page.locator("#question textarea").input_value() == long_question  # never cut
    page.click("#send")
    page.wait_for_function(
        "() => document.querySelector('#question-message [role=alert]')?.textContent.includes('too long')"
    )
    assert f"at most {limit:,}" in page.locator("#question-message").inner_text()
    assert page.locator("#question textarea").input_value() == long_question
    assert page.locator('#chat [data-testid="bot"]').count() == 0
    page.screenshot(path=str(SCREENSHOTS / "ask-too-long.png"))


def test_follow_ups_are_clickable_and_answer(page: Any, app_url: str) -> None:
    open_app(page, app_url)
    ask(page, QUESTION)
    follow_ups = page.locator("#next-steps button.ask-next")
    follow_ups.first.wait_for()
    assert 2 <= follow_ups.count() <= 3
    assert page.locator("#next-steps .related button.open-doc").count() >= 1
    page.screenshot(path=str(SCREENSHOTS / "ask-where-next.png"), full_page=True)
    chosen = follow_ups.first.inner_text()
    follow_ups.first.click()
    wait_for_answers(page, 2)
    assert page.locator('#chat [data-testid="user"]').last.inner_text().strip() == chosen
    answer = page.locator('#chat [data-testid="bot"]').last.inner_text()
    assert REFUSAL not in answer and "[1]" in answer
    page.wait_for_selector('#sources .cite-labels ol[data-turn="1"]', state="attached")
    names = page.evaluate(
        """() => [...document.querySelectorAll('#chat .message-row.bot-row')].map(
             (row) => row.querySelector('button.cite')?.getAttribute('aria-label'))"""
    )
    first = page.locator('#sources .cite-labels ol[data-turn="0"] li[data-n="1"]').text_content()
    assert names[0] == first and all(name.startswith("Source 1: ") for name in names)  # each its own


def test_a_refusal_offers_the_topics_as_questions(page: Any, app_url: str) -> None:
    open_app(page, app_url)
    ask(page, "What is the capital of France?")
    answer = page.locator('#chat [data-testid="bot"]').last.inner_text()
    assert answer.startswith(REFUSAL) and "?." not in answer
    topics = page.locator("#next-steps button.ask-next")
    topics.first.wait_for()
    assert topics.count() >= 3
    topics.nth(1).click()
    wait_for_answers(page, 2)
    assert REFUSAL not in page.locator('#chat [data-testid="bot"]').last.inner_text()


def wait_for_answers(page: Any, count: int) -> None:
    """Wait until the conversation holds ``count`` complete answers."""
    page.wait_for_function(
        """([n]) => {
             const all = document.querySelectorAll('#chat [data-testid="bot"] .message-content');
             return all.length >= n && !all[all.length - 1].textContent.includes('Searching the guidance');
           }""",
        arg=[count],
        timeout=60_000,
    )


def test_screenshots_of_every_tab_on_a_laptop(page: Any, app_url: str) -> None:
    open_app(page, app_url)
    ask(page, QUESTION)
    page.wait_for_selector("#next-steps .next-steps")
    page.locator("#sources details.source > summary").first.click()
    page.evaluate("() => window.scrollTo(0, 0)")
    page.screenshot(path=str(SCREENSHOTS / "laptop-ask.png"))
    for key, name in TABS[1:]:
        show_tab(page, name)
        page.screenshot(path=str(SCREENSHOTS / f"laptop-{key}.png"), full_page=True)
