"""Security headers on real pages, and templates that a strict CSP can serve unchanged.

The CSP allows scripts and styles only from our own origin, with no 'unsafe-inline': so an inline
``<script>`` body, a ``<style>`` block, a ``style=`` attribute, an ``on…=`` handler (or htmx's
``hx-on``, which evaluates code) or a ``javascript:`` URL would be silently blocked in the browser.
The scan below fails the build instead, naming file and line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import User
from tests.conftest import World
from tests.ops.helpers import ROOT

NON_LEAKING_REFERRER = {"same-origin", "no-referrer", "strict-origin", "strict-origin-when-cross-origin"}


def csp_directives(header: str) -> dict[str, list[str]]:
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            directives[words[0]] = words[1:]
    return directives


def assert_secure_headers(response: object) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    assert "Content-Security-Policy" in headers, "no CSP header"
    csp = csp_directives(headers["Content-Security-Policy"])
    assert csp["default-src"] == ["'self'"]
    for directive in ("script-src", "style-src"):
        sources = csp.get(directive, csp["default-src"])
        assert "'unsafe-inline'" not in sources, directive
        assert "'unsafe-eval'" not in sources, directive
        assert all(s == "'self'" or s.startswith("'nonce-") for s in sources), f"{directive}: {sources}"
    assert csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] in NON_LEAKING_REFERRER
    assert headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_login_page_headers(db: None) -> None:
    response = Client().get(reverse("account_login"))
    assert response.status_code == 200
    assert_secure_headers(response)


def test_signed_in_page_headers(world: World, login: Callable[[User], Client]) -> None:
    response = login(world.ani).get(reverse("core:dashboard"))
    assert response.status_code == 200
    assert_secure_headers(response)


def test_error_page_headers(world: World, login: Callable[[User], Client]) -> None:
    response = login(world.ani).get("/tidak-ada-halaman-ini/")
    assert response.status_code == 404
    assert_secure_headers(response)


# -----------------------------------------------------------------------------
# Template scan
# -----------------------------------------------------------------------------

SCRIPT_ELEMENT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
RULES: list[tuple[str, re.Pattern[str]]] = [
    ("style= attribute (use a class in static/css/zi.css)", re.compile(r"<[a-zA-Z][^>]*?\sstyle\s*=", re.IGNORECASE)),
    ("<style> element (use static/css/zi.css)", re.compile(r"<style\b", re.IGNORECASE)),
    ("on<event>= handler attribute (use static/js/)", re.compile(r"<[a-zA-Z][^>]*?\son[a-z]+\s*=", re.IGNORECASE)),
    ("hx-on attribute (evaluates code: needs 'unsafe-eval')", re.compile(r"\shx-on(:|-|\s*=)", re.IGNORECASE)),
    ("javascript: URL", re.compile(r"""=\s*["']?\s*javascript:""", re.IGNORECASE)),
]


def template_files() -> list[Path]:
    roots = [ROOT / "templates", *sorted((ROOT / "apps").glob("*/templates"))]
    return sorted(path for root in roots for path in root.rglob("*.html"))


def violations(text: str, name: str) -> list[str]:
    found: list[str] = []

    def line_of(offset: int) -> int:
        return text.count("\n", 0, offset) + 1

    for match in SCRIPT_ELEMENT.finditer(text):
        attributes, body = match.group(1), match.group(2)
        if body.strip():
            found.append(f"{name}:{line_of(match.start())}: inline <script> body (move it to static/js/)")
        elif not re.search(r"\ssrc\s*=", attributes):
            found.append(f"{name}:{line_of(match.start())}: <script> without src")
    for label, pattern in RULES:
        found.extend(f"{name}:{line_of(m.start())}: {label}" for m in pattern.finditer(text))
    return found


def test_templates_exist_to_scan() -> None:
    names = {path.relative_to(ROOT).as_posix() for path in template_files()}
    assert "templates/base.html" in names
    assert "templates/base_app.html" in names


def test_no_template_needs_unsafe_inline() -> None:
    problems = [
        problem
        for path in template_files()
        for problem in violations(path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix())
    ]
    assert not problems, "Templates the strict CSP would break:\n" + "\n".join(problems)


@pytest.mark.parametrize(
    ("snippet", "expected"),
    [
        ("<script>alert(1)</script>", "inline <script> body"),
        ('<script type="module">\n  import "x";\n</script>', "inline <script> body"),
        ("<script></script>", "<script> without src"),
        ('<p class="a" style="color: red">', "style= attribute"),
        ("<style>p { color: red }</style>", "<style> element"),
        ('<button type="button" onclick="go()">', "on<event>= handler"),
        ('<body\n  onload="init()">', "on<event>= handler"),
        ('<button hx-on:click="go()">', "hx-on attribute"),
        ('<a href="javascript:void(0)">', "javascript: URL"),
    ],
)
def test_the_scan_catches_each_pattern(snippet: str, expected: str) -> None:
    problems = violations(snippet, "x.html")
    assert len(problems) == 1
    assert expected in problems[0]


@pytest.mark.parametrize(
    "snippet",
    [
        "<script src=\"{% static 'js/zi.js' %}\" defer></script>",
        '<meta name="htmx-config" content=\'{"includeIndicatorStyles": false}\'>',
        '<button hx-post="/x/" hx-target="#list" class="online">',
        '<input name="onboarding" value="x">',
        "<p>Press the button to go on = continue.</p>",
    ],
)
def test_the_scan_accepts_clean_markup(snippet: str) -> None:
    assert violations(snippet, "x.html") == []
