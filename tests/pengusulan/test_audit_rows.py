"""The pengusulan writes that change an existing row audit the values before and after (issue 20:
the guarded write); a first record keeps no "before"."""

from __future__ import annotations

import datetime
from decimal import Decimal

from apps.audit.models import AuditEvent
from apps.pengusulan import services
from apps.tenancy.scope import scope
from tests.conftest import PASSWORD
from tests.pengusulan.helpers import actor, eligible_facts, letter, pimpinan
from tests.penilaian.conftest import LKEWorld


def _events(lke: LKEWorld, verb: str) -> list[AuditEvent]:
    with scope(lke.world.instansi_a.pk):
        return list(AuditEvent.objects.filter(verb=verb).order_by("seq"))


def test_unit_eligibility_update_keeps_the_facts_it_replaces(lke: LKEWorld) -> None:
    eligible_facts(lke)
    with scope(lke.world.instansi_a.pk):
        services.unit_eligibility_set(
            actor=lke.actor(lke.world.citra),
            cycle=lke.cycle,
            unit=lke.world.unit_a1,
            is_core_service=True,
            has_public_impact=False,
            tlhp_pct=Decimal("80"),
            lhkpn_pct=Decimal("100"),
            lhkasn_pct=Decimal("100"),
            zi_started_on=datetime.date(lke.cycle.tahun - 2, 1, 1),
            sakip_internal="A",
        )
    first, second = _events(lke, "pengusulan.unit_eligibility_set")
    assert first.before is None  # the first record: a creation
    assert second.before is not None
    assert (second.before["has_public_impact"], second.after["has_public_impact"]) == ("True", "False")
    assert (second.before["tlhp_pct"], second.after["tlhp_pct"]) == ("100.00", "80")
    assert second.before["sakip_internal"] == second.after["sakip_internal"] == "A"


def test_letter_update_keeps_the_number_and_date_it_replaces(lke: LKEWorld) -> None:
    letter(lke, sign=False)
    with scope(lke.world.instansi_a.pk):
        services.surat_pengusulan_save(
            actor=actor(pimpinan(lke)),
            cycle=lke.cycle,
            number="B/200/ZI/2026",
            date=datetime.date(lke.cycle.tahun, 5, 2),
        )
    first, second = _events(lke, "pengusulan.surat_save")
    assert first.before is None
    assert first.after == {"number": "B/100/ZI/2026", "date": f"{lke.cycle.tahun}-05-01", "sptjm_file": ""}
    assert second.before == first.after
    assert second.after == {"number": "B/200/ZI/2026", "date": f"{lke.cycle.tahun}-05-02", "sptjm_file": ""}


def test_sptjm_confirmation_keeps_the_hash_it_replaces(lke: LKEWorld) -> None:
    surat = letter(lke)  # confirmed once
    with scope(lke.world.instansi_a.pk):
        again = services.surat_sptjm_sign(actor=actor(pimpinan(lke)), surat=surat, password=PASSWORD, confirm=True)
    first, second = _events(lke, "pengusulan.sptjm_sign")
    assert first.before == {"sha256": ""}
    assert first.after == {"sha256": surat.sptjm_sha256}
    assert second.before == {"sha256": surat.sptjm_sha256}
    assert second.after == {"sha256": again.sptjm_sha256}
