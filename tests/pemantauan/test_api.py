"""/api/v1/usulan-pencabutan/ (issue 17): KemenPANRB reads the instansi's revocation proposals with
their evidence and decides them through the same service as the web view."""

from __future__ import annotations

import datetime

from django.test import Client
from django.utils import timezone

from apps.pemantauan import services
from apps.pengusulan.models import PredikatUnit
from apps.tenancy.models import Membership
from apps.tenancy.scope import scope
from tests.pemantauan.test_pemantauan import _held, _pdf
from tests.tpn.conftest import TPNWorld, bearer
from tests.tpn.test_api import assert_error

LIST = "/api/v1/usulan-pencabutan/"


def test_kemenpanrb_reads_and_decides_a_revocation_proposal_through_the_api(tpn: TPNWorld) -> None:
    world = tpn.world
    # The PRB world's A1 already holds nothing; give it a standing predikat and propose to revoke it.
    PredikatUnit.unscoped.filter(unit=world.unit_a1).delete()
    held = _held(world)
    with scope(world.instansi_a.pk):
        usulan = services.usulan_pencabutan_create(
            actor=Membership.objects.get(user=world.citra),
            unit=world.unit_a1,
            alasan="Kepala unit ditetapkan tersangka.",
            bukti_files=[_pdf()],
        )
    client = Client()
    assert client.get(LIST).status_code == 401
    body = client.get(LIST, **bearer(tpn.token_tpn)).json()
    assert [row["id"] for row in body] == [str(usulan.public_id)]
    assert body[0]["bukti"][0]["name"] == "berita.pdf"
    assert body[0]["status"] == "diusulkan"
    assert_error(client.get(LIST + "?status=nope", **bearer(tpn.token_tpn)), 422, "VALIDATION_ERROR")

    url = f"{LIST}{usulan.public_id}/keputusan/"
    # The TPN evaluator may not decide; a revocation without its date names the field; nothing changes.
    assert_error(
        client.post(
            url, {"decision": "revoke", "notes": "x"}, content_type="application/json", **bearer(tpn.token_tpn)
        ),
        403,
        "FORBIDDEN",
    )
    body = assert_error(
        client.post(
            url,
            {"decision": "revoke", "notes": "Terbukti."},
            content_type="application/json",
            **bearer(tpn.token_kemen),
        ),
        422,
        "VALIDATION_ERROR",
    )
    assert "revoked_on" in body["fields"]
    held.refresh_from_db()
    assert held.revoked_at is None
    revoked_on = timezone.localdate() - datetime.timedelta(days=1)
    ok = client.post(
        url,
        {"decision": "revoke", "notes": "Terbukti.", "revoked_on": revoked_on.isoformat()},
        content_type="application/json",
        **bearer(tpn.token_kemen),
    )
    assert ok.status_code == 200
    assert ok.json()["status"] == "dicabut"
    held.refresh_from_db()
    assert held.revoked_at == revoked_on
    # Decided once: a second decision is not allowed now.
    again = client.post(
        url, {"decision": "reject", "notes": "x"}, content_type="application/json", **bearer(tpn.token_kemen)
    )
    assert_error(again, 422, "TRANSITION_NOT_ALLOWED")
