"""The edges of every API route (issue 19 item 6): a fuzz walk over every URL pattern under /api/.

Each route is requested, with a valid token of the API it belongs to and real ids of the PortalRB and
national test world, carrying one malformed part at a time: NUL bytes in the path and the query,
an overlong path and query string, JSON nested a hundred thousand deep, a body in a content type no
API takes, and a 10 MB body. Every answer must be a 4xx in the APIs' one JSON error body
(``{"error": true, "code": …, "message": …}``, PortalRB's contract) — never a 500, never Django's
HTML 400 — and nothing may reach the PortalRB fetch log with a NUL in it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from apps.portalrb.models import PortalRBFetch, PortalRBToken
from apps.portalrb.services import portalrb_fetch_record
from apps.tenancy.scope import scope
from tests.api_support import keep_the_test_connection  # noqa: F401  (fixture)
from tests.portalrb.conftest import lke, prb  # noqa: F401  (fixtures re-exported)
from tests.tpn.conftest import TPNWorld, tpn  # noqa: F401  (fixture re-exported)

pytestmark = pytest.mark.usefixtures("keep_the_test_connection")

TEN_MB = 10 * 1024 * 1024
FORM = "application/x-www-form-urlencoded"
DEEP = 100_000


def api_patterns() -> list[str]:
    """Every URL pattern under /api/ as a route string with ``<converter:name>`` placeholders."""
    found: list[str] = []

    def walk(patterns: list[Any], prefix: str) -> None:
        for entry in patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, route)
            elif isinstance(entry, URLPattern) and route.startswith("api/"):
                found.append(route)

    walk(get_resolver().url_patterns, "")
    return found


@dataclass
class Route:
    path: str
    headers: dict[str, str]


def concrete(route: str, national: TPNWorld) -> Route:
    """The route with real values of the test world in its placeholders, and the right token."""
    portalrb = national.prb
    values = {
        "unit_id": str(portalrb.wbk.unit.public_id),
        "code": portalrb.world.instansi_a.code,
        "tahun": str(portalrb.wbk.cycle.tahun),
    }
    if route.startswith("api/v1/unit/"):
        values["public_id"] = str(portalrb.wbk.unit.public_id)
    else:
        values["public_id"] = str(portalrb.wbk.public_id)

    def fill(match: re.Match[str]) -> str:
        return values.get(match.group(2), "x")

    path = "/" + re.sub(r"<(?:(\w+):)?(\w+)>", fill, route).lstrip("^").rstrip("$")
    if path.startswith("/api/portalrb/"):
        token = portalrb.token_a
    elif path.startswith("/api/v1/"):
        token = national.token_kemen
    else:
        return Route(path, {})
    return Route(path, {"HTTP_AUTHORIZATION": f"Bearer {token}"})


def _deep_json() -> bytes:
    return b"[" * DEEP + b"]" * DEEP


CASES: dict[str, Callable[[Client, Route], Any]] = {
    "nul-in-path": lambda c, r: c.get(r.path.rstrip("/") + "%00x/", **r.headers),
    "nul-in-query": lambda c, r: c.get(r.path + "?tahun=20%0026&q=a%00b", **r.headers),
    "overlong-path": lambda c, r: c.get(r.path + "a" * 5000 + "/", **r.headers),
    "overlong-query": lambda c, r: c.get(r.path + "?q=" + "a" * 20000, **r.headers),
    "deep-json-post": lambda c, r: c.post(r.path, _deep_json(), content_type="application/json", **r.headers),
    "deep-json-put": lambda c, r: c.put(r.path, _deep_json(), content_type="application/json", **r.headers),
    "nul-in-json": lambda c, r: c.put(r.path, {"kuota": 3, "catatan": "a\x00b", "isi": "\x00"},
                                      content_type="application/json", **r.headers),
    "nul-in-form": lambda c, r: c.post(r.path, "isi=a%00b&catatan=%00", content_type=FORM, **r.headers),
    "wrong-content-type": lambda c, r: c.put(r.path, b"<kuota>3</kuota>", content_type="application/xml", **r.headers),
    "oversize-body": lambda c, r: c.post(r.path, b"{" + b" " * TEN_MB + b"}", content_type="application/json",
                                         **r.headers),
}  # fmt: skip


def test_the_walk_covers_both_apis_and_the_schema() -> None:
    routes = api_patterns()
    assert any(r.startswith("api/portalrb/lke/jawaban-unit/") for r in routes)
    assert any(r.startswith("api/v1/instansi/") for r in routes)
    assert "api/schema/" in routes
    assert len(routes) >= 15


@pytest.mark.parametrize("case", list(CASES))
def test_every_api_route_answers_its_json_4xx_at_the_edges(case: str, tpn: TPNWorld) -> None:  # noqa: F811
    client = Client(raise_request_exception=False)
    failures = []
    for pattern in api_patterns():
        route = concrete(pattern, tpn)
        response = CASES[case](client, route)
        content_type = response.get("Content-Type", "")
        if not 400 <= response.status_code < 500 or not content_type.startswith("application/json"):
            failures.append(f"{route.path[:80]} → {response.status_code} {content_type}")
            continue
        body = response.json()
        if body.get("error") is not True or not body.get("code") or not body.get("message"):
            failures.append(f"{route.path[:80]} → {response.status_code} {body}")
    assert not failures, f"{case}:\n" + "\n".join(failures)
    assert all("\x00" not in path for path in PortalRBFetch.unscoped.values_list("path", flat=True))


def test_the_edge_answers_carry_the_right_codes(tpn: TPNWorld) -> None:  # noqa: F811
    client = Client(raise_request_exception=False)
    kuota = concrete("api/v1/instansi/<slug:code>/kuota/", tpn)
    unit = concrete("api/portalrb/lke/jawaban-unit/<str:unit_id>", tpn)
    checks = {
        "BAD_REQUEST": CASES["nul-in-path"](client, unit),
        "URI_TOO_LONG": CASES["overlong-query"](client, unit),
        "PAYLOAD_TOO_LARGE": CASES["oversize-body"](client, kuota),
        "UNSUPPORTED_MEDIA_TYPE": CASES["wrong-content-type"](client, kuota),
    }
    nul_json = CASES["nul-in-json"](client, kuota)
    assert nul_json.status_code == 400
    assert nul_json.json()["message"] == "Permintaan berisi karakter NUL, yang tidak diizinkan."
    deep = CASES["deep-json-put"](client, kuota)
    assert deep.status_code == 400
    assert deep.json()["message"] == "Dokumen JSON bersarang terlalu dalam."
    for code, response in checks.items():
        assert response.json()["code"] == code, (code, response.status_code, response.content[:200])
    assert checks["BAD_REQUEST"].json()["message"] == "Permintaan berisi karakter NUL, yang tidak diizinkan."
    # A well-formed call on the same routes still answers (the edges refuse only the malformed).
    assert client.get(unit.path, **unit.headers).status_code == 200


def test_the_fetch_log_never_stores_a_nul(tpn: TPNWorld) -> None:  # noqa: F811
    """The second line: even a path with a NUL that got past the edge is logged without it."""
    instansi = tpn.prb.world.instansi_a
    with scope(instansi.pk):
        token = PortalRBToken.objects.filter(revoked_at__isnull=True).get()
        portalrb_fetch_record(
            token=token, endpoint="jawaban-unit", path="/api/portalrb/lke/jawaban-unit/a\x00b",
            status_code=404, remote_addr="127.0.0.1", duration_ms=1,
        )  # fmt: skip
        assert PortalRBFetch.objects.get().path == "/api/portalrb/lke/jawaban-unit/a\ufffdb"
