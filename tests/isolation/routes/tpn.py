"""Isolation entries for the national API /api/v1/, the national token pages and TPNResult."""

from __future__ import annotations

from apps.pengusulan.models import Pengusulan, PengusulanStatus
from apps.tpn.models import TPNResult
from tests.isolation.routes.pengusulan import make_snapshot


def _result(world) -> TPNResult:
    snapshot = make_snapshot(world)
    Pengusulan.unscoped.filter(pk=snapshot.pengusulan_id).update(status=PengusulanStatus.PROPOSED)
    return TPNResult.unscoped.create(
        instansi=world.instansi_a,
        pengusulan_id=snapshot.pengusulan_id,
        stage="administrasi",
        outcome="lulus",
        notes="rahasia-A",
        recorded_by=world.citra,
    )


_API = (
    "Authenticated by a national personal token (national users see every instansi by design; no session, "
    "so ObjectRoute cannot express it). tests/tpn/test_api.py test_auth_cases proves instansi accounts and "
    "PortalRB tokens get 401/403; the instansi-side view of TPN results is covered through "
    "pengusulan:pengusulan-detail (tests/tpn/test_web.py test_instansi_page_shows_tpn_results_only_to_its_own)."
)
_TOKENS = "National users only (instansi members get 403); lists and revokes the user's own tokens (test_web.py)."

_TPN_WEB = (
    "National members only (instansi members get 403, national_required); a proposal is looked up "
    "nationally by design, through the same services as /api/v1/ (tests/tpn/test_tpn_browser.py)."
)

EXEMPT_ROUTES = {
    "tpn:result-record": _TPN_WEB,
    "tpn:desk-answers": _TPN_WEB,
    "api_v1:pengusulan-list": _API,
    "api_v1:pengusulan-detail": _API,
    "api_v1:pengusulan-jawaban": _API,
    "api_v1:pengusulan-hasil": _API,
    "api_v1:pengusulan-jawaban-tpn": _API,
    "api_v1:unit-detail": _API,
    "api_v1:instansi-kuota": _API,
    "api_v1:batas-pengusulan": _API,
    "tpn:token-list": _TOKENS,
    "tpn:token-revoke": _TOKENS,
}

TENANT_MODELS = {TPNResult: _result}
