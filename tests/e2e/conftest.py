"""Browser tests: real headless Chromium (Debian's /usr/bin/chromium) driven by Playwright.

The CSP stays on; axe-core is injected with page.evaluate. Users other than
those whose sign-in is under test get a session made server-side once per
test and reused for every page they open.
"""

import contextlib
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import sync_playwright

from tests.conftest import _purge, login

CHROMIUM = os.environ.get("POLKU_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
AXE_SOURCE = Path(settings.BASE_DIR, "node_modules", "axe-core", "axe.min.js")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium is missing at {CHROMIUM}: apt-get install -y chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """Opens pages in fresh browser contexts; `new_page(user)` opens one signed in as the user."""
    contexts = []

    def open_page(user=None, *, language: str | None = None):
        context = browser.new_context(base_url=live_server.url, locale="fi-FI")
        context.set_default_timeout(10_000)
        contexts.append(context)
        cookies = []
        if user is not None:
            client = login(Client(), user)
            cookies.append(
                session_cookie(live_server.url, client.cookies[settings.SESSION_COOKIE_NAME].value)
            )
        if language:
            cookies.append(
                {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}
            )
        if cookies:
            context.add_cookies(cookies)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def session_cookie(url, value):
    return {"name": settings.SESSION_COOKIE_NAME, "value": value, "url": url, "httpOnly": True}


def axe_violations(page) -> list[dict]:
    """Runs axe-core (WCAG 2.1 A and AA rules) on the page as it is now."""
    page.evaluate(AXE_SOURCE.read_text())
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def assert_accessible(page):
    violations = axe_violations(page)
    assert violations == [], f"axe found violations on {page.url}: {violations}"


def collect_csp_errors(page) -> list[str]:
    """The console's Content Security Policy errors and the uncaught errors of the page from now
    on, in a list that grows as the page runs (Chromium logs every refused inline style or
    script, set by the markup or by a script, to the console)."""
    errors = []
    page.on(
        "console",
        lambda message: (
            errors.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


@pytest.fixture
def start_pdf_worker(settings, tmp_path):
    """Starts the real Celery worker on the pdf queue when the test calls it, so the page
    can first be seen with its document still queued."""
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    settings.POLKU_PRIVATE_ROOT = tmp_path
    _purge("pdf")
    with contextlib.ExitStack() as stack:
        yield lambda: stack.enter_context(
            start_worker(
                app, queues=["pdf"], pool="solo", perform_ping_check=False, shutdown_timeout=30
            )
        )
