"""Query shapes (apps/tenancy/shapes.py) against the ORM they are compiled from: the same rows, objects,
related objects, annotations and converted values, for every binding; and the rules refused."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from apps.tenancy.models import Instansi, Membership
from apps.tenancy.scope import ScopeMissing, scope
from apps.tenancy.shapes import QueryShape, forget_prepared, statement_text
from apps.unit_kerja.models import UnitKerja
from tests.conftest import World


def _members(instansi_id: int, unit_id: int | None = None):  # the ORM reading the shapes are held to
    rows = Membership.objects.filter(instansi_id=instansi_id)
    if unit_id is not None:
        rows = rows.filter(unit_id=unit_id)
    return rows.select_related("user", "unit").annotate(person=F("user__name")).order_by("user__email")


MEMBERS = QueryShape(lambda instansi_id: _members(instansi_id))
MEMBERS_OF_UNIT = QueryShape(lambda instansi_id, unit_id: _members(instansi_id, unit_id))
ROLES = QueryShape(
    lambda instansi_id: (
        Membership.objects.filter(instansi_id=instansi_id)
        .order_by("user__email")
        .values_list("user__email", "role", "created_at")
    )
)
UNIT_CODES = QueryShape(lambda instansi_id: UnitKerja.objects.order_by("code").values_list("code", flat=True))
EMAILS = QueryShape(
    lambda instansi_id: (
        Membership.objects.filter(instansi_id=instansi_id)
        .order_by("-user__email")
        .values_list("user__email", flat=True)
    )
)


def _as_seen(member: Membership) -> tuple:
    unit = member.unit
    return (
        member.pk,
        member.role,
        member.created_at,
        member.person,
        member.user.email,
        member.user.name,
        unit.name if unit is not None else None,
        unit.path if unit is not None else None,
    )


@pytest.mark.parametrize("which", ["a", "b"])
def test_a_shape_gives_what_the_orm_gives_for_every_binding(world: World, which: str) -> None:
    instansi = world.instansi_a if which == "a" else world.instansi_b
    with scope(instansi.pk):
        expected = [_as_seen(m) for m in _members(instansi.pk)]
        assert expected  # the comparison is about rows, not two empty lists
        for _ in range(2):  # compiled at the first run, bound at the second
            members = MEMBERS.run(instansi_id=instansi.pk)
            assert [_as_seen(m) for m in members] == expected
            assert all(m.instansi_id == instansi.pk for m in members)
        mine = Membership.objects.filter(instansi_id=instansi.pk)
        assert ROLES.run(instansi_id=instansi.pk) == list(
            mine.order_by("user__email").values_list("user__email", "role", "created_at")
        )
        assert EMAILS.run(instansi_id=instansi.pk) == list(
            mine.order_by("-user__email").values_list("user__email", flat=True)
        )
        # A tenant model: the scoped manager's own instansi filter is bound too, not the first run's.
        assert UNIT_CODES.run(instansi_id=instansi.pk) == list(
            UnitKerja.objects.order_by("code").values_list("code", flat=True)
        )


def test_related_objects_need_no_further_query(world: World, django_assert_num_queries) -> None:
    with scope(world.instansi_a.pk):
        MEMBERS.run(instansi_id=world.instansi_a.pk)
        with django_assert_num_queries(1):
            members = MEMBERS.run(instansi_id=world.instansi_a.pk)
            names = [(m.user.name, m.unit.code if m.unit else None) for m in members]
    assert ("Ani Lestari", "A1") in names
    assert ("Citra Dewi", None) in names


def test_two_parameters_bind_independently(world: World) -> None:
    with scope(world.instansi_a.pk):
        in_a1 = MEMBERS_OF_UNIT.run(instansi_id=world.instansi_a.pk, unit_id=world.unit_a1.pk)
        in_a2 = MEMBERS_OF_UNIT.run(instansi_id=world.instansi_a.pk, unit_id=world.unit_a2.pk)
        assert [m.user.email for m in in_a1] == ["ani@alfa.go.id"]
        assert in_a2 == []
        # Another instansi's unit under this scope: nothing (the instansi filter is part of the shape).
        assert MEMBERS_OF_UNIT.run(instansi_id=world.instansi_a.pk, unit_id=world.unit_b1.pk) == []


def test_a_shape_reads_only_inside_the_scope_of_its_instansi(world: World) -> None:
    with pytest.raises(ScopeMissing):
        MEMBERS.run(instansi_id=world.instansi_a.pk)
    with scope(world.instansi_a.pk), pytest.raises(ScopeMissing):
        MEMBERS.run(instansi_id=world.instansi_b.pk)
    with scope(world.instansi_b.pk):
        assert {m.user.email for m in MEMBERS.run(instansi_id=world.instansi_b.pk)} == {"dodi@beta.go.id"}


def test_misuse_is_refused(world: World) -> None:
    with scope(world.instansi_a.pk):
        with pytest.raises(TypeError):
            MEMBERS.run()
        with pytest.raises(TypeError):
            MEMBERS.run(instansi_id=str(world.instansi_a.pk))
        with pytest.raises(TypeError):
            MEMBERS.run(instansi_id=True)
        unused = QueryShape(lambda instansi_id, unit_id: Membership.objects.filter(instansi_id=instansi_id))
        with pytest.raises(ValueError, match="unit_id"):
            unused.run(instansi_id=world.instansi_a.pk, unit_id=world.unit_a1.pk)
        prefetching = QueryShape(lambda instansi_id: _members(instansi_id).prefetch_related("user__groups"))
        with pytest.raises(ValueError, match="prefetch"):
            prefetching.run(instansi_id=world.instansi_a.pk)
    # Tenant rows through ``objects`` without naming the instansi: refused, not compiled unfiltered.
    unscoped = QueryShape(lambda unit_id: UnitKerja.objects.filter(pk=unit_id))
    with pytest.raises(ScopeMissing):
        unscoped.run(unit_id=world.unit_a1.pk)
    # Rows that are not a tenant's need no instansi.
    codes = QueryShape(lambda instansi_id_: Instansi.objects.filter(pk=instansi_id_).values_list("code", flat=True))
    assert codes.run(instansi_id_=world.instansi_b.pk) == ["kota-b"]


def test_postgresql_prepares_a_shape_once_per_session_unless_pooled(world: World) -> None:
    shape = QueryShape(lambda instansi_id: _members(instansi_id))
    with scope(world.instansi_a.pk):
        expected = [_as_seen(m) for m in _members(world.instansi_a.pk)]
        if connection.vendor != "postgresql":  # SQLite (the embedded mode): the SQL goes as it is
            with CaptureQueriesContext(connection) as plain:
                assert [_as_seen(m) for m in shape.run(instansi_id=world.instansi_a.pk)] == expected
            assert plain.captured_queries
            assert not any("zi_shape_" in q["sql"] for q in plain.captured_queries)
            return
        with CaptureQueriesContext(connection) as first:
            assert [_as_seen(m) for m in shape.run(instansi_id=world.instansi_a.pk)] == expected
        with CaptureQueriesContext(connection) as again:
            assert [_as_seen(m) for m in shape.run(instansi_id=world.instansi_a.pk)] == expected
        assert any("PREPARE zi_shape_" in q["sql"] for q in first.captured_queries)
        assert [q["sql"] for q in again.captured_queries if "zi_shape_" in q["sql"]] != []
        assert not any("PREPARE" in q["sql"] for q in again.captured_queries)
        # What the EXECUTE ran is the ORM's SQL (as the server holds it).
        assert '"tenancy_membership"' in statement_text(again.captured_queries[-1]["sql"])
        # Behind a transaction-pooling pgbouncer the next transaction may reach another server
        # session: the shape's SQL is sent as it is.
        connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = True
        try:
            with CaptureQueriesContext(connection) as pooled:
                assert [_as_seen(m) for m in shape.run(instansi_id=world.instansi_a.pk)] == expected
        finally:
            connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"] = False
        assert not any("zi_shape_" in q["sql"] for q in pooled.captured_queries)
        # After a schema change (migrate's pre_migrate signal) everything is prepared again.
        forget_prepared(connection)
        with CaptureQueriesContext(connection) as reconnected:
            assert [_as_seen(m) for m in shape.run(instansi_id=world.instansi_a.pk)] == expected
        assert any("PREPARE zi_shape_" in q["sql"] for q in reconnected.captured_queries)
