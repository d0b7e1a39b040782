"""PortalRB plays against a running server (pytest-django's live_server, plain urllib), and a
property test fuzzes the three endpoints' path parameter and headers.

The property test stands in for the schemathesis run of the issue until schemathesis is added to
requirements-dev.txt: no input may give a 5xx, and every non-2xx body is the contract's error body.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from tests.portalrb.conftest import PRBWorld, master_soal_ids

pytestmark = pytest.mark.django_db(transaction=True)


def fetch(
    url: str, token: str | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310  (http to our live server)
    if token is not None:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310  (our own live server)
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def assert_error_body(status: int, headers: dict[str, str], body: bytes) -> None:
    assert headers.get("Content-Type", "").startswith("application/json"), (status, body[:200])
    document = json.loads(body)
    assert set(document) == {"error", "code", "message"}, document
    assert document["error"] is True
    assert isinstance(document["code"], str)
    assert document["code"].isupper()
    assert isinstance(document["message"], str)


def test_portalrb_plays_against_a_running_server(prb: PRBWorld, live_server: Any) -> None:
    base = f"{live_server.url}/api/portalrb"
    master = master_soal_ids()
    bodies: dict[str, bytes] = {}
    unit_ids: list[str] = []
    for path in ("/pengusulan/unit-wbk", "/pengusulan/unit-wbbm"):
        status, headers, body = fetch(base + path, prb.token_a)
        assert status == 200
        assert headers["Content-Type"].startswith("application/json")
        document = json.loads(body)
        assert isinstance(document["tahun"], int)
        unit_ids += [unit["id"] for unit in document["units"]]
        bodies[path] = body
    assert sorted(unit_ids) == sorted([str(prb.world.unit_a1.public_id), str(prb.world.unit_a2.public_id)])
    for unit_id in unit_ids:
        path = f"/lke/jawaban-unit/{unit_id}"
        status, _headers, body = fetch(base + path, prb.token_a)
        assert status == 200
        document = json.loads(body)
        assert document["unit_id"] == unit_id
        assert document["answers"], "a proposed unit has answers"
        assert {a["soal_id"] for a in document["answers"]} <= master
        bodies[path] = body
    # PortalRB retries: the same bytes every time.
    for path, body in bodies.items():
        assert fetch(base + path, prb.token_a)[2] == body
    # The evidence link works for an evaluator (no login, no token).
    first = json.loads(bodies[f"/lke/jawaban-unit/{prb.world.unit_a1.public_id}"])["answers"][0]
    link = first["bukti_dukung_unit"].replace("http://127.0.0.1:8000", live_server.url)
    assert fetch(link)[0] == 200
    # B's token on A's units, and no token at all: contract errors.
    for unit_id in unit_ids:
        status, headers, body = fetch(f"{base}/lke/jawaban-unit/{unit_id}", prb.token_b)
        assert status == 404
        assert_error_body(status, headers, body)
        assert json.loads(body)["code"] == "DATA_NOT_FOUND"
    for path in ("/pengusulan/unit-wbk", "/pengusulan/unit-wbbm", f"/lke/jawaban-unit/{unit_ids[0]}"):
        status, headers, body = fetch(base + path)
        assert status == 401
        assert_error_body(status, headers, body)
        assert json.loads(body)["code"] == "UNAUTHORIZED"


_PATH_SEGMENT = st.one_of(
    st.uuids().map(str),
    st.text(
        alphabet=st.characters(min_codepoint=33, max_codepoint=126, exclude_characters="/?#%"), min_size=1, max_size=60
    ),
    st.text(min_size=1, max_size=20).map(lambda s: urllib.request.quote(s, safe="")),
)
_AUTH = st.one_of(
    st.none(),
    st.just("VALID"),
    st.text(alphabet=st.characters(codec="latin-1", exclude_characters="\r\n\x00"), max_size=80),
    st.from_regex(r"\ABearer zi_prb_[A-Za-z0-9_\-]{0,60}\Z"),
)
_ACCEPT = st.sampled_from(["application/json", "*/*", "text/html", "application/xml", "", "x/y;q=0"])


def test_fuzzed_requests_never_give_a_server_error(prb: PRBWorld, live_server: Any, settings: Any) -> None:
    settings.ZI_PORTALRB_RATE = "100000/min"  # the fuzzer is one client; the limit has its own test
    base = f"{live_server.url}/api/portalrb"
    seen: set[int] = set()

    @hsettings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(
        endpoint=st.sampled_from(["unit-wbk", "unit-wbbm", "jawaban", "jawaban-a1"]),
        segment=_PATH_SEGMENT,
        auth=_AUTH,
        accept=_ACCEPT,
    )
    def check(endpoint: str, segment: str, auth: str | None, accept: str) -> None:
        if endpoint == "jawaban":
            url = f"{base}/lke/jawaban-unit/{segment}"
        elif endpoint == "jawaban-a1":
            url = f"{base}/lke/jawaban-unit/{prb.world.unit_a1.public_id}"
        else:
            url = f"{base}/pengusulan/{endpoint}"
        headers = {"Accept": accept} if accept else {}
        if auth == "VALID":
            headers["Authorization"] = f"Bearer {prb.token_a}"
        elif auth is not None:
            headers["Authorization"] = auth
        try:
            status, response_headers, body = fetch(url, headers=headers)
        except UnicodeEncodeError:
            return  # urllib itself refuses the header; nothing reached the server
        seen.add(status)
        assert status < 500, (url, headers, body[:300])
        if not 200 <= status < 300:
            assert_error_body(status, response_headers, body)
        else:
            document = json.loads(body)
            assert ("units" in document) or ("answers" in document)

    check()
    assert {200, 401, 404} <= seen
