"""Every page of a crawl carries the security headers, as production sends them.

Starting from the login page (anonymous) and from the dashboard (citra, admin ZI, and budi, TPI),
the crawl follows every same-site link of each HTML page, breadth first, up to a bound, over HTTPS
with the production header settings. Each response — page, redirect, 403 or 404 — must carry CSP
without inline sources, HSTS, nosniff, frame denial and a non-leaking referrer policy; none may be
a server error, and no HTML served may contain inline script or style (the template scan in
test_security_headers.py covers our templates; this covers whatever the pages really render).
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from apps.accounts.models import User
from tests.conftest import World
from tests.ops.test_security_headers import assert_secure_headers, violations

HREF = re.compile(r"""href\s*=\s*["']([^"'#]+)""", re.IGNORECASE)
# Not followed: signing out ends the crawl's session; static files and downloads are not pages.
SKIP = ("/akun/logout/", "/static/", "/bahasa/")
MAX_PAGES = 80

PRODUCTION_HEADERS = {
    "SECURE_HSTS_SECONDS": 31536000,
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
    "SECURE_HSTS_PRELOAD": True,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
}


def crawl(client: Client, start: str) -> dict[str, int]:
    seen: dict[str, int] = {}
    queue = deque([start])
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        if url in seen:
            continue
        response = client.get(url, secure=True)
        seen[url] = response.status_code
        assert response.status_code < 500, f"{url} → {response.status_code}"
        assert_secure_headers(response)
        hsts = response.headers.get("Strict-Transport-Security", "")
        assert hsts == "max-age=31536000; includeSubDomains; preload", f"{url}: {hsts!r}"
        if response.status_code in (301, 302):
            queue.append(response["Location"])
            continue
        if "text/html" not in response.headers.get("Content-Type", ""):
            continue
        html = response.content.decode()
        # The served HTML, including pages rendered from allauth's own templates, needs no inline code.
        assert violations(html, url) == []
        for href in HREF.findall(html):
            target = urljoin(url, href.replace("&amp;", "&"))
            parts = urlsplit(target)
            if parts.netloc and parts.netloc != "testserver":
                continue
            path = parts.path + (f"?{parts.query}" if parts.query else "")
            if path.startswith("/") and not path.startswith(SKIP) and path not in seen:
                queue.append(path)
    return seen


@override_settings(**PRODUCTION_HEADERS)
def test_anonymous_pages_carry_the_headers(db: None) -> None:
    seen = crawl(Client(), reverse("account_login"))
    assert reverse("account_reset_password") in seen
    assert seen[reverse("account_login")] == 200


@pytest.mark.parametrize("persona", ["citra", "budi"])
@override_settings(**PRODUCTION_HEADERS)
def test_signed_in_pages_carry_the_headers(world: World, login: Callable[[User], Client], persona: str) -> None:
    seen = crawl(login(getattr(world, persona)), reverse("core:dashboard"))
    assert len(seen) >= 10, seen  # a real crawl, not one page
    assert list(seen.values()).count(200) >= 10, seen
