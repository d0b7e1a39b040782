"""A newcomer's day (issue 21): the seeded demo, walked page by page as every demo login.

Runs in both configurations of ``make test``: PostgreSQL + Redis (``zi.settings.test``) and the
embedded mode of ``make run`` (``zi.settings.test_embedded``: SQLite, tasks in-process). Every link a
demo login can reach from the dashboard (two of each URL shape) answers without a server error, and
no link shown to a person leads to a refusal.
"""

from __future__ import annotations

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils.translation import trans_real

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


# Texts of widgets that no msgid of ours carries: caught even when the catalogue lacks them.
WIDGET_TEXTS = {"- Select an option -", "---------", "Currently", "Change", "Clear", "Unknown"}
# Python values rendered as they are: English single words no catalogue holds.
LEAKED_VALUES = {"None", "True", "False"}
SHOWN_ATTRIBUTES = {"placeholder", "aria-label", "title", "alt"}


class _Texts(HTMLParser):
    """What a person reads (or a screen reader says): text, labels, placeholders, button values."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "code", "pre"):
            self._skip += 1
        values = dict(attrs)
        self.found += [v for k, v in attrs if k in SHOWN_ATTRIBUTES and v]
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.found.append(values["value"] or "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "code", "pre") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.found.append(data)


# Words the catalogue translates but that an Indonesian page rightly shows as they are. "English":
# the language switch names each language in that language (an endonym, as "Bahasa Indonesia" is
# on the English pages), so an English speaker finds it.
SINGLE_WORDS_ALLOWED = {"English"}


def english_catalogue() -> set[str]:
    """Every English msgid the Indonesian catalogue (ours, Django's, allauth's) translates into
    something else: seen on an Indonesian page (as a whole text, label or button), it is a string
    that escaped translation. Single words count too ("Delete", "Year"), from three letters up."""
    catalog = trans_real.translation("id")._catalog
    # items() walks every merged catalogue; the value a page gets is the first one's (ours before
    # Django's and allauth's): "Email" stays "Email" for us even where allauth says "Surel".
    return (
        {
            key
            for key in {key for key, _value in catalog.items()}
            if isinstance(key, str)
            and key
            and (value := catalog[key])
            and value != key
            and len(key.strip()) >= 3
            and key.strip() not in SINGLE_WORDS_ALLOWED
        }
        | WIDGET_TEXTS
        | LEAKED_VALUES
    )


def untranslated(html: str, english: set[str]) -> set[str]:
    parser = _Texts()
    parser.feed(html)
    return {" ".join(text.split()) for text in parser.found if " ".join(text.split()) in english}


def test_the_crawl_catches_single_english_words_but_not_indonesian_or_endonyms() -> None:
    """The check the walk below runs on every page, on a page made for it: a lone English word (a
    button, a header, an aria-label, a leaked None) is caught; its translation, a msgid Indonesian
    keeps as it is ("Email"), and the language switch's "English" are not."""
    english = english_catalogue()
    page = (
        '<h1>Tahun</h1><button aria-label="Delete">Hapus</button><th>Year</th><td>None</td>'
        '<button lang="en">English</button><th>Email</th><input type="submit" value="Save">'
        "<script>const label = 'Cancel';</script>"
    )
    assert untranslated(page, english) == {"Delete", "Year", "None", "Save"}


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
    english = english_catalogue()
    left_in_english: dict[str, set[str]] = {}
    for email, *_ in data.LOGINS:
        client = Client()
        client.force_login(User.objects.get(email=email))
        html: dict[str, str] = {}
        pages = walk(client, reverse("core:dashboard"), html)
        assert len(pages) > 3, email
        # A server error, or a link shown to this person that refuses them: both are dead ends.
        bad = {url: status for url, status in pages.items() if status >= 500 or status in (403, 404)}
        if bad:
            broken[email] = bad
        # Every page in Indonesian (the default): no English left, widget texts included.
        for url, page in html.items():
            found = untranslated(page, english)
            if found:
                left_in_english[shape(url)] = found
    assert broken == {}
    assert left_in_english == {}


def test_every_demo_dashboard_has_a_chart_with_its_numbers(demo: None) -> None:
    """Issue 21: dashboards had only tables. Each login's dashboard draws at least one SVG chart,
    labelled for screen readers, with the same numbers in a table."""
    without: list[str] = []
    for email, *_ in data.LOGINS:
        client = Client()
        client.force_login(User.objects.get(email=email))
        page = client.get(reverse("core:dashboard")).content.decode()
        charts = re.findall(r'<figure class="zi-chart".*?</figure>', page, flags=re.S)
        if not charts:
            without.append(email)
            continue
        for chart in charts:
            assert 'role="img" aria-labelledby="' in chart
            assert "<rect " in chart
            assert "<table>" in chart
            assert '<th scope="row">' in chart
    assert without == []
