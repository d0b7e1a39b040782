"""Isolation entries for the PortalRB provider API, its admin page and the signed evidence pages."""

from __future__ import annotations

from apps.pengusulan.models import Pengusulan, PengusulanStatus
from apps.portalrb.models import PortalRBFetch, PortalRBToken
from apps.portalrb.services import portalrb_token_issue
from apps.tenancy.scope import scope
from tests.isolation.registry import ListRoute, ObjectRoute
from tests.isolation.routes.pengusulan import make_snapshot

MARKER_PATH = "/api/portalrb/lke/jawaban-unit/rahasia-A"


def _proposed(world):
    snapshot = make_snapshot(world)
    Pengusulan.unscoped.filter(pk=snapshot.pengusulan_id).update(status=PengusulanStatus.PROPOSED)
    return snapshot


def _token(world) -> PortalRBToken:
    with scope(world.instansi_a.pk):
        return portalrb_token_issue(instansi=world.instansi_a, actor=world.citra).token


def _fetch(world) -> PortalRBFetch:
    return PortalRBFetch.unscoped.create(
        instansi=world.instansi_a,
        token=_token(world),
        endpoint="jawaban-unit",
        path=MARKER_PATH,
        status_code=200,
        duration_ms=3,
    )


def _overview(world):
    snapshot = _proposed(world)
    return {}, snapshot.data["unit"]["id"]


OBJECT_ROUTES = [
    ObjectRoute("portalrb:unit-preview", lambda w: {"unit_public_id": _proposed(w).data["unit"]["id"]}),
]

LIST_ROUTES = [
    ListRoute("portalrb:overview", _overview),
    ListRoute("portalrb:fetch-list", lambda w: ({}, _fetch(w) and MARKER_PATH)),
]

_API = (
    "Authenticated by the instansi's PortalRB bearer token, not a session, so ObjectRoute cannot express "
    "it; tests/portalrb prove another instansi's token gets the contract's 404 (test_api.py "
    "test_b_token_sees_only_b, test_live.py against a running server)."
)

EXEMPT_ROUTES = {
    "portalrb_api:unit-wbk": _API,
    "portalrb_api:unit-wbbm": _API,
    "portalrb_api:jawaban-unit": _API,
    "portalrb:token-issue": "POST without an id: issues a token for the member's own instansi only (test_web.py).",
    "portalrb:token-revoke": "POST without an id: revokes the member's own instansi's token only (test_web.py).",
    "portalrb:bukti": "Public by design: authorised by a signed, expiring link naming one snapshot (test_evidence.py).",
    "portalrb:bukti-file": (
        "Public by design: the signed link, and the file must be frozen in that snapshot (test_evidence.py)."
    ),
}

TENANT_MODELS = {PortalRBToken: _token, PortalRBFetch: _fetch}
