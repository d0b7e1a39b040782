"""Audit pages: the instansi's trail and one object's history, for admin ZI and TPI only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.audit.services import audit_record, changes_to_before_after
from apps.tenancy.scope import scope
from tests.conftest import World


def _record(world: World, verb: str = "unit_kerja.update") -> None:
    before, after = changes_to_before_after({"name": ("Lama", "Baru")})
    with scope(world.instansi_a.pk):
        audit_record(actor=world.citra, verb=verb, obj=world.unit_a1, before=before, after=after)


def test_admin_sees_the_trail_with_changes(world: World, login) -> None:
    _record(world)
    page = login(world.citra).get(reverse("audit:event-list")).content.decode()
    assert "unit_kerja.update" in page
    assert "Baru" in page
    assert world.citra.name in page


def test_tpi_sees_the_trail(world: World, login) -> None:
    _record(world)
    assert login(world.budi).get(reverse("audit:event-list")).status_code == 200


def test_operator_and_read_only_are_refused(world: World, login) -> None:
    assert login(world.ani).get(reverse("audit:event-list")).status_code == 403
    assert login(world.evi).get(reverse("audit:event-list")).status_code == 403


def test_object_history_shows_only_that_object(world: World, login) -> None:
    _record(world, verb="unit_kerja.update")
    with scope(world.instansi_a.pk):
        audit_record(actor=world.citra, verb="unit_kerja.other", obj=world.unit_a2)
    url = reverse("audit:object-history", args=["unit_kerja.unitkerja", world.unit_a1.public_id])
    page = login(world.citra).get(url).content.decode()
    assert "unit_kerja.update" in page
    assert "unit_kerja.other" not in page


def test_outsider_admin_sees_nothing_of_a(world: World, login) -> None:
    _record(world)
    url = reverse("audit:object-history", args=["unit_kerja.unitkerja", world.unit_a1.public_id])
    assert "unit_kerja.update" not in login(world.dodi).get(url).content.decode()


def test_audit_record_needs_an_instansi_for_non_tenant_objects(world: World) -> None:
    with pytest.raises(ValueError, match="needs instansi"):
        audit_record(actor=None, verb="x", obj=world.ani)
