"""Browser fixtures (a pytest plugin loaded by tests/conftest.py, so every journey in any folder shares
one browser): Playwright for Python driving Debian's Chromium (never a downloaded browser).

Each journey runs against pytest-django's ``live_server`` on a transactional database. Screenshots
land in ``test-artifacts/`` (ignored by git) so a person can look at what the journey saw.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make in between
# are still synchronous and safe, so Django's async-safety guard is lifted for browser tests only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import Error as PlaywrightError

CHROMIUM = os.environ.get("ZI_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make in
    # between are still synchronous and safe, so Django's async-safety guard is lifted once a
    # browser test starts (Django reads the variable at each call).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield instance
        instance.close()


AXE = Path(__file__).resolve().parents[1] / "static" / "vendor" / "axe" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def axe_violations(page: Page) -> list[str]:
    """axe-core (vendored from npm, static/vendor/axe) on the page as it is now: the serious and
    critical WCAG 2.1 A/AA violations, one line each."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Through DevTools, not a <script> of the page: the page's CSP stays as it is.
        page.evaluate(AXE.read_text())
    results = page.evaluate(
        "async (tags) => (await window.axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations",
        AXE_TAGS,
    )
    found = []
    for violation in results:
        if violation["impact"] in ("serious", "critical"):
            targets = [", ".join(node["target"]) for node in violation["nodes"][:3]]
            found.append(f"{violation['id']} ({violation['impact']}): {violation['help']} — {targets}")
    return found


def _accessible(page: Page, visited: list[str]) -> dict[str, list[str]]:
    """Every page the journey visited (two of each URL shape), opened again and checked by axe."""
    problems: dict[str, list[str]] = {}
    shapes: dict[str, int] = {}
    for url in dict.fromkeys(visited):
        shape = _UUID.sub("<id>", url.split("?")[0])
        if shapes.get(shape, 0) >= 2 or "/static/" in url or "/api/" in url:
            continue
        shapes[shape] = shapes.get(shape, 0) + 1
        try:
            response = page.goto(url)
        except PlaywrightError:
            response = None  # a download, not a page: nothing to check
        if response is None or "text/html" not in (response.headers.get("content-type") or ""):
            continue
        found = axe_violations(page)
        if found:
            problems[shape] = found
    return problems


def _visited(page: Page) -> list[str]:
    visited: list[str] = []
    page.on("framenavigated", lambda frame: visited.append(frame.url) if frame == page.main_frame else None)
    return visited


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    # A CSP violation or a JS error on any page fails the journey.
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    visited = _visited(page)
    yield page
    assert errors == [], f"browser console errors: {errors}"
    problems = _accessible(page, visited)
    context.close()
    # Every page a journey visits: no serious or critical WCAG 2.1 AA violation (issue 21).
    assert problems == {}, f"accessibility (axe-core): {problems}"


@pytest.fixture
def phone_page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    context.set_default_timeout(15_000)
    page = context.new_page()
    visited = _visited(page)
    yield page
    problems = _accessible(page, visited)
    context.close()
    assert problems == {}, f"accessibility (axe-core): {problems}"


def screenshot(page: Page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
