"""The pencanangan writes outside the signing itself leave their audit row with before and after
(issue 18): the pact text, the coverage threshold, a revocation, the declaration."""

from __future__ import annotations

import datetime
from typing import Any

from apps.audit.models import AuditEvent
from apps.pencanangan import services
from apps.tenancy.models import Membership
from apps.tenancy.roles import Role
from tests.conftest import PASSWORD
from tests.factories import MembershipFactory, UserFactory
from tests.pencanangan.conftest import PaktaWorld


def last(verb: str) -> AuditEvent:
    row = AuditEvent.objects.filter(verb=verb).order_by("-seq").first()
    assert row is not None, f"no audit row {verb}"
    return row


def _ceremony(pakta: PaktaWorld) -> dict[str, Any]:
    return {
        "date": datetime.date(pakta.cycle.tahun, 2, 3),
        "place": "Aula Direktorat A1",
        "form": "ceremony",
        "witnesses": "",
        "publication_links": "",
    }


def test_text_threshold_and_revocation_rows(pakta: PaktaWorld, in_scope) -> None:
    citra = Membership.objects.get(user=pakta.world.citra)
    ani = Membership.objects.get(user=pakta.world.ani)
    with in_scope(pakta.world.instansi_a):
        text = services.pakta_text_update(actor=citra, body="Saya, {nama} (NIP {nip}), berjanji tahun {tahun}.")
        row = last("pakta.text_update")
        assert (row.actor_id, row.before["version"], row.after) == (
            pakta.world.citra.pk,
            1,
            {"version": 2, "sha256": text.sha256},
        )
        services.pakta_setting_update(actor=citra, threshold_pct=85)
        services.pakta_setting_update(actor=citra, threshold_pct=95, version=1)
        row = last("pakta.threshold")
        assert (row.before, row.after) == ({"pct": 85}, {"pct": 95})
        signed = services.pakta_sign_with_password(
            actor=pakta.sari_membership, cycle=pakta.cycle, password=PASSWORD, confirm=True
        )
        services.pakta_revoke(actor=ani, pakta=signed, reason="Tertukar")
        row = last("pakta.revoke")
        assert (row.actor_id, row.before, row.after) == (
            pakta.world.ani.pk,
            {"stands": True},
            {"stands": False, "reason": "Tertukar"},
        )


def test_declaration_row(pakta: PaktaWorld, in_scope) -> None:
    ani = Membership.objects.get(user=pakta.world.ani)
    head = MembershipFactory(
        user=UserFactory(email="kepala@alfa.go.id", name="Kepala A1"),
        instansi=pakta.world.instansi_a,
        unit=pakta.world.unit_a1,
        role=Role.PIMPINAN_UNIT,
    )
    data = _ceremony(pakta)
    with in_scope(pakta.world.instansi_a):
        pencanangan = services.pencanangan_save(actor=ani, unit=pakta.world.unit_a1, cycle=pakta.cycle, data=data)
        services.komitmen_sign(actor=head, pencanangan=pencanangan, password=PASSWORD, confirm=True)
        services.pencanangan_declare(actor=head, pencanangan=pencanangan)
        row = last("pencanangan.declare")
    assert (row.actor_id, row.before, row.after) == (head.user_id, {"status": "draft"}, {"status": "declared"})


def test_a_changed_pencanangan_keeps_what_it_said_before(pakta: PaktaWorld, in_scope) -> None:
    """A first save records no "before" (a creation); a change records the values it replaced."""
    ani = Membership.objects.get(user=pakta.world.ani)
    data = _ceremony(pakta)
    with in_scope(pakta.world.instansi_a):
        services.pencanangan_save(actor=ani, unit=pakta.world.unit_a1, cycle=pakta.cycle, data=data, version=0)
        assert last("pencanangan.save").before is None
        changed = {**data, "place": "Halaman Kantor", "date": datetime.date(pakta.cycle.tahun, 3, 4)}
        services.pencanangan_save(actor=ani, unit=pakta.world.unit_a1, cycle=pakta.cycle, data=changed, version=1)
        row = last("pencanangan.save")
    tahun = pakta.cycle.tahun
    assert row.before == {"date": f"{tahun}-02-03", "place": "Aula Direktorat A1", "form": "ceremony", "version": 1}
    assert row.after == {"date": f"{tahun}-03-04", "place": "Halaman Kantor", "form": "ceremony", "version": 2}
