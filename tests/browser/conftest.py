"""Browser tests: real headless Chromium (Debian's), driven by Playwright, against a live server.

Set ``SPIRAL_BROWSER`` to the Chromium executable (CI sets ``/usr/bin/chromium``). Without a
browser the tests are skipped locally; in CI a skip is a failure (see ``tests/conftest.py``).
Screenshots of each main page go to ``test-output/screenshots/``.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from workspace.demo.personas import Cast, create_cast

# Playwright's synchronous API runs an event loop in the test thread; the Django ORM calls
# the tests make from that thread (fixtures) are ordinary synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "browser-test-password"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _executable() -> str | None:
    configured = os.environ.get("SPIRAL_BROWSER")
    if configured:
        return configured
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = _executable()
    if executable is None:
        pytest.skip("no Chromium: install Debian's chromium or set SPIRAL_BROWSER")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_cast(transactional_db: None) -> Cast:
    return create_cast(password=PASSWORD)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def screenshot(page: Page) -> Callable[[str], None]:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str) -> None:
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)

    return take


@pytest.fixture
def sign_in(page: Page, live_server: object, browser_cast: Cast) -> Callable[[str], None]:
    """Sign in through the real sign-in page as the named persona."""

    def go(persona: str) -> None:
        page.goto(f"{live_server}/sign-in/")
        page.get_by_label("Username").fill(browser_cast.users[persona].username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(f"{live_server}/")

    return go
