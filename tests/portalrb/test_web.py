"""The admin ZI's PortalRB page: base URL, token (shown once), preview, fetch log."""

from __future__ import annotations

import json

from django.test import Client

from apps.audit.models import AuditEvent
from apps.portalrb.models import PortalRBFetch, PortalRBToken
from apps.portalrb.selectors import portalrb_answers
from apps.portalrb.services import NO_ACTIVE_TOKEN
from apps.portalrb.web_views import TOKEN_REVOKED
from apps.tenancy.models import Membership
from apps.tenancy.roles import Role
from apps.tenancy.scope import scope
from apps.unit_kerja.models import UnitKerja
from tests.conftest import enrol_totp
from tests.portalrb.conftest import PRBWorld, bearer

OVERVIEW = "/portalrb/"


def test_overview_shows_base_url_token_and_the_exact_preview(prb: PRBWorld, login, settings) -> None:
    response = login(prb.world.citra).get(OVERVIEW)
    assert response.status_code == 200
    html = response.content.decode()
    assert f"{settings.SITE_URL}/api/portalrb" in html
    with scope(prb.world.instansi_a.pk):
        token = PortalRBToken.objects.get(revoked_at__isnull=True)
    assert token.prefix in html
    assert prb.token_a not in html  # never shown again
    api = Client().get("/api/portalrb/pengusulan/unit-wbk", **bearer(prb.token_a)).json()
    assert response.context["wbk_json"] == json.dumps(api, indent=2, ensure_ascii=False)
    assert "Dinas Perizinan B1" not in html


def test_unit_preview_is_the_api_document(prb: PRBWorld, login) -> None:
    unit = prb.world.unit_a1.public_id
    response = login(prb.world.citra).get(f"/portalrb/pratinjau/{unit}/")
    assert response.status_code == 200
    api = Client().get(f"/api/portalrb/lke/jawaban-unit/{unit}", **bearer(prb.token_a)).json()
    assert response.context["payload"] == api


def test_issue_shows_the_token_once_and_revokes_the_old_one(prb: PRBWorld, login) -> None:
    client = login(prb.world.citra)
    response = client.post("/portalrb/token/")
    assert response.status_code == 200
    raw = response.context["raw_token"]
    assert raw in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert Client().get("/api/portalrb/pengusulan/unit-wbk", **bearer(raw)).status_code == 200
    assert Client().get("/api/portalrb/pengusulan/unit-wbk", **bearer(prb.token_a)).status_code == 401
    assert raw not in client.get(OVERVIEW).content.decode()
    with scope(prb.world.instansi_a.pk):
        assert AuditEvent.objects.filter(verb="portalrb.token_issue").count() == 2
        assert PortalRBToken.objects.filter(revoked_at__isnull=True).count() == 1
        revoked = AuditEvent.objects.get(verb="portalrb.token_revoke")  # the old one, in the same step
    assert revoked.before == {"revoked_at": None}
    assert revoked.after is not None
    assert revoked.after["revoked_at"]


def test_revoke_then_revoke_again_is_refused(prb: PRBWorld, login) -> None:
    client = login(prb.world.citra)
    response = client.post("/portalrb/token/cabut/", follow=True)
    assert str(TOKEN_REVOKED) in [str(m) for m in response.context["messages"]]
    assert Client().get("/api/portalrb/pengusulan/unit-wbk", **bearer(prb.token_a)).status_code == 401
    # bad input: nothing to revoke → an error message, nothing changed
    response = client.post("/portalrb/token/cabut/", follow=True)
    assert str(NO_ACTIVE_TOKEN) in [str(m) for m in response.context["messages"]]
    with scope(prb.world.instansi_a.pk):
        assert PortalRBToken.objects.count() == 1
        revoked = AuditEvent.objects.get(verb="portalrb.token_revoke")
        token = PortalRBToken.objects.get()
    assert revoked.before == {"revoked_at": None}
    assert revoked.after == {"revoked_at": token.revoked_at.isoformat()}


def test_fetch_log_newest_first(prb: PRBWorld, login) -> None:
    Client().get("/api/portalrb/pengusulan/unit-wbk", **bearer(prb.token_a))
    Client().get("/api/portalrb/pengusulan/unit-wbbm", **bearer(prb.token_a))
    Client().get("/api/portalrb/pengusulan/unit-wbk", **bearer(prb.token_b))
    response = login(prb.world.citra).get("/portalrb/log/")
    assert response.status_code == 200
    rows = list(response.context["page"])
    assert [r.endpoint for r in rows] == ["unit-wbbm", "unit-wbk"]
    with scope(prb.world.instansi_b.pk):
        assert PortalRBFetch.objects.count() == 1


def test_outsider_gets_404_on_a_unit_preview(prb: PRBWorld, login) -> None:
    # dodi (instansi B): A's unit is not found, whatever dodi's capabilities are.
    dodi = login(prb.world.dodi)
    assert dodi.get(f"/portalrb/pratinjau/{prb.world.unit_a1.public_id}/").status_code == 404


def test_b_admin_sees_only_b(prb: PRBWorld, login) -> None:
    Membership.objects.filter(user=prb.world.dodi).update(role=Role.ADMIN_ZI, unit=None)
    enrol_totp(prb.world.dodi)  # the admin role requires MFA
    dodi = login(prb.world.dodi)
    assert dodi.get(f"/portalrb/pratinjau/{prb.world.unit_a1.public_id}/").status_code == 404
    assert dodi.get(f"/portalrb/pratinjau/{prb.world.unit_b1.public_id}/").status_code == 200
    html = dodi.get(OVERVIEW).content.decode()
    assert "Direktorat Pelayanan A1" not in html
    assert "Dinas Perizinan B1" in html


def test_dodi_without_capability(prb: PRBWorld, login) -> None:
    dodi = login(prb.world.dodi)
    assert dodi.get(OVERVIEW).status_code == 403


def test_evi_read_only_is_403(prb: PRBWorld, login) -> None:
    evi = login(prb.world.evi)
    assert evi.get(OVERVIEW).status_code == 403
    assert evi.get(f"/portalrb/pratinjau/{prb.world.unit_a1.public_id}/").status_code == 403
    assert evi.post("/portalrb/token/").status_code == 403
    assert evi.post("/portalrb/token/cabut/").status_code == 403
    assert evi.get("/portalrb/log/").status_code == 403
    with scope(prb.world.instansi_a.pk):
        assert PortalRBToken.objects.filter(revoked_at__isnull=True).count() == 1


def test_wrong_methods_are_405(prb: PRBWorld, login) -> None:
    citra = login(prb.world.citra)
    assert citra.post(OVERVIEW).status_code == 405
    assert citra.get("/portalrb/token/").status_code == 405
    assert citra.get("/portalrb/token/cabut/").status_code == 405
    assert citra.post("/portalrb/log/").status_code == 405
    assert citra.post(f"/portalrb/pratinjau/{prb.world.unit_a1.public_id}/").status_code == 405


def test_preview_of_a_unit_not_proposed_is_404(prb: PRBWorld, login) -> None:
    with scope(prb.world.instansi_a.pk):
        assert portalrb_answers(snapshot=prb.wbk.snapshots.get(is_current=True))["answers"]
    other = UnitKerja.unscoped.get(code="A2")
    with scope(prb.world.instansi_a.pk):
        prb.wbbm.status = "withdrawn"
        prb.wbbm.save(update_fields=["status"])
    assert login(prb.world.citra).get(f"/portalrb/pratinjau/{other.public_id}/").status_code == 404
