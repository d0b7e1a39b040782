"""A newcomer's day (issue 21): the seeded demo, walked page by page as every demo login.

Runs in both configurations of ``make test``: PostgreSQL + Redis (``zi.settings.test``) and the
embedded mode of ``make run`` (``zi.settings.test_embedded``: SQLite, tasks in-process). Every link a
demo login can reach from the dashboard (two of each URL shape) answers without a server error, and
no link shown to a person leads to a refusal.
"""

from __future__ import annotations

import re
from collections import deque
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from apps.accounts.models import User
from apps.demo import data

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
HREF = re.compile(r'href="([^"#][^"]*)"')
# Never followed: leaving the session, switching language, raw files and the API's own documents.
SKIP = ("/akun/logout", "/bahasa/", "/static/", "/api/", "/admin-platform/", "/akun/3rdparty", "/akun/email")
PER_SHAPE = 2
MAX_PAGES = 160


def shape(path: str) -> str:
    return re.sub(r"\d+", "<n>", UUID.sub("<id>", path))


def walk(client: Client, start: str, pages: dict[str, str] | None = None) -> dict[str, int]:
    """Breadth-first over same-site links; ``{path: status}`` of every page fetched (and, given
    ``pages``, each HTML page's text by path)."""
    seen: dict[str, int] = {}
    shapes: dict[str, int] = {}
    queue: deque[str] = deque([start])
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        key = shape(urlsplit(url).path)
        if shapes.get(key, 0) >= PER_SHAPE:
            continue
        shapes[key] = shapes.get(key, 0) + 1
        response = client.get(url)
        seen[url] = response.status_code
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        if pages is not None:
            pages[url] = html
        for href in HREF.findall(html):
            href = urldefrag(href.replace("&amp;", "&"))[0]
            if href.startswith("/") and not href.startswith("//") and not href.startswith(SKIP):
                queue.append(href)
    return seen


@pytest.fixture
def demo(db: None, settings) -> None:
    settings.ZI_DEMO = True
    call_command("seed_demo", verbosity=0)


def test_every_page_every_demo_login_reaches_answers(demo: None) -> None:
    """One seeded world, every login walked (seeding once keeps this under half a minute)."""
    broken: dict[str, dict[str, int]] = {}
    for email, *_ in data.LOGINS:
        client = Client()
        client.force_login(User.objects.get(email=email))
        pages = walk(client, reverse("core:dashboard"))
        assert len(pages) > 3, email
        # A server error, or a link shown to this person that refuses them: both are dead ends.
        bad = {url: status for url, status in pages.items() if status >= 500 or status in (403, 404)}
        if bad:
            broken[email] = bad
    assert broken == {}
