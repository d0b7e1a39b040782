"""The guarded write (apps/audit/guarded.py): who may, the lock, the version check, before and after."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from apps.audit.guarded import guarded, require
from apps.audit.models import AuditEvent
from apps.core.concurrency import VersionConflict
from apps.core.errors import PermissionDeniedError
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap
from apps.tenancy.shapes import statement_text
from apps.unit_kerja.models import UnitKerja
from tests.conftest import World


def test_require_refuses_the_wrong_role_and_admits_the_right_one(world: World) -> None:
    admin, viewer = world.membership(world.citra), world.membership(world.evi)
    require(admin, Cap.UNIT_MANAGE)
    require(admin, Cap.PENILAIAN_REVIEW, Cap.UNIT_MANAGE)  # any one of them is enough
    with pytest.raises(PermissionDeniedError):
        require(viewer, Cap.UNIT_MANAGE)


def test_require_refuses_a_member_without_instansi(world: World) -> None:
    national = Membership(user=world.citra, instansi=None)
    with pytest.raises(PermissionDeniedError):
        require(national)
    require(world.membership(world.evi))  # any member of an instansi, when no capability is named


def test_a_write_audits_before_and_after_and_bumps_nothing_it_was_not_told(world: World, in_scope) -> None:
    admin = world.membership(world.citra)
    with in_scope(world.instansi_a), transaction.atomic():
        write = guarded(admin, world.unit_a1, related=("instansi",), version=1, fields=("name",))
        assert write.before == {"name": "Direktorat Pelayanan A1"}
        write.row.name = "Direktorat Pelayanan Terpadu"
        write.row.save(update_fields=["name"])
        write.audit("unit_kerja.update")
        event = AuditEvent.unscoped.filter(instansi=world.instansi_a, verb="unit_kerja.update").get()
    assert event.before == {"name": "Direktorat Pelayanan A1"}
    assert event.after == {"name": "Direktorat Pelayanan Terpadu"}
    assert event.actor == world.citra
    assert event.object_id == world.unit_a1.public_id


def test_explicit_after_and_before_win_over_the_snapshot(world: World, in_scope) -> None:
    with in_scope(world.instansi_a), transaction.atomic():
        write = guarded(None, world.unit_a1, fields=("name",))
        write.audit("unit_kerja.update", before={"x": 1}, name="lain")
        event = AuditEvent.unscoped.get(instansi=world.instansi_a)
    assert (event.before, event.after, event.actor, event.actor_label) == ({"x": 1}, {"name": "lain"}, None, "sistem")


def test_a_stale_version_writes_nothing(world: World, in_scope) -> None:
    with in_scope(world.instansi_a):
        with pytest.raises(VersionConflict), transaction.atomic():
            guarded(world.membership(world.citra), world.unit_a1, version=7, fields=("name",))
        assert not AuditEvent.unscoped.filter(instansi=world.instansi_a).exists()
        assert UnitKerja.objects.get(pk=world.unit_a1.pk).name == "Direktorat Pelayanan A1"


def test_the_lock_is_the_row_alone(world: World, in_scope) -> None:
    """of=("self",): the joined instansi is read, not locked (the SQL says so)."""
    with in_scope(world.instansi_a), transaction.atomic(), CaptureQueriesContext(connection) as ctx:
        row = guarded(None, world.unit_a1, related=("instansi",)).row
    assert row.instansi.code == "kemen-a"  # joined: no further query
    sql = statement_text(ctx.captured_queries[-1]["sql"]).upper()
    if connection.vendor == "postgresql":
        assert 'FOR UPDATE OF "UNIT_KERJA_UNITKERJA"' in sql
