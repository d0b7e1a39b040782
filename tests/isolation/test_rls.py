"""The second wall: PostgreSQL row-level security on every tenant table (apps/tenancy/rls.py).

The first wall (``TenantModel.objects`` and the access functions) is walked by test_isolation.py.
Here every check goes *around* Django's scope — raw SQL, ``Model.unscoped``, a query in a request —
and proves the database itself returns no row of another instansi.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.apps import apps as django_apps
from django.db import connection, transaction
from django.urls import reverse

from apps.tenancy import rls
from apps.tenancy.checks import check_tenant_rls
from apps.tenancy.models import TenantModel
from apps.tenancy.scope import scope
from apps.unit_kerja.models import UnitKerja

pytestmark = pytest.mark.django_db

UNIT_TABLE = UnitKerja._meta.db_table


def _raw_instansi_ids(sql: str = f"SELECT DISTINCT instansi_id FROM {UNIT_TABLE}") -> set[int]:  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return {row[0] for row in cursor.fetchall()}


def test_every_tenant_table_has_rls_forced_with_the_policy() -> None:
    models = [m for m in django_apps.get_models() if issubclass(m, TenantModel)]
    tables = rls.tenant_tables()
    assert len(tables) == len({m._meta.db_table for m in models}) >= 20
    report = rls.policy_report(connection, tables)
    assert set(report) == set(tables), "every tenant table exists and is reported"
    assert {t for t, flags in report.items() if flags != (True, True, True)} == set()
    assert check_tenant_rls(databases=["default"]) == []


def test_the_check_names_a_tenant_table_without_the_policy() -> None:
    """What a new TenantModel whose table escaped ``ensure_rls`` looks like to ``manage.py check``."""
    with connection.cursor() as cursor:  # DDL in the test's transaction: rolled back afterwards
        cursor.execute(f"DROP POLICY {rls.POLICY} ON {UNIT_TABLE}")
        cursor.execute(f"ALTER TABLE {UNIT_TABLE} NO FORCE ROW LEVEL SECURITY")
    errors = check_tenant_rls(databases=["default"])
    assert [e.id for e in errors] == ["tenancy.E002"]
    assert UNIT_TABLE in errors[0].msg
    assert rls.ensure_rls(connection) == [UNIT_TABLE]  # what post_migrate does
    assert check_tenant_rls(databases=["default"]) == []


def test_queries_that_bypass_the_django_scope_see_only_the_scopes_instansi(world: Any) -> None:
    a, b = world.instansi_a.pk, world.instansi_b.pk
    assert _raw_instansi_ids() == {a, b}  # outside the runtime: the owner sees everything
    with scope(a):
        assert _raw_instansi_ids() == {a}  # raw SQL with no WHERE at all
        assert not UnitKerja.unscoped.filter(instansi_id=b).exists()  # the audited escape hatch
        assert UnitKerja.unscoped.count() == UnitKerja.objects.count()
        # A foreign key followed without any manager: the other instansi's unit is not there.
        assert _raw_instansi_ids(f"SELECT instansi_id FROM {UNIT_TABLE} WHERE id = {world.unit_b1.pk}") == set()  # noqa: S608
        # Writes cannot reach it either: an UPDATE finds no row, and moving an own row to the other
        # instansi is refused by the policy's WITH CHECK.
        assert UnitKerja.unscoped.filter(pk=world.unit_b1.pk).update(name="diambil alih") == 0
        with pytest.raises(Exception, match="row-level security"), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {UNIT_TABLE} SET instansi_id = %s WHERE id = %s", [b, world.unit_a1.pk])  # noqa: S608
        assert _raw_instansi_ids() == {a}  # after the rollback the wall is still up
    with scope(b):
        assert _raw_instansi_ids() == {b}
    world.unit_b1.refresh_from_db()
    assert world.unit_b1.name != "diambil alih"


def test_the_runtime_without_a_scope_sees_nothing_unless_it_says_all_tenants(world: Any) -> None:
    with rls.app_runtime():
        assert _raw_instansi_ids() == set()
        assert UnitKerja.unscoped.count() == 0
        with rls.all_tenants("test: a lookup that establishes the scope"):
            assert _raw_instansi_ids() == {world.instansi_a.pk, world.instansi_b.pk}
        assert UnitKerja.unscoped.count() == 0
    with scope(national=True):
        assert _raw_instansi_ids() == {world.instansi_a.pk, world.instansi_b.pk}


def test_a_rolled_back_savepoint_does_not_lower_the_wall(world: Any) -> None:
    """SET ROLE made inside a savepoint is undone by its rollback; the backend must notice."""
    seen: list[set[int]] = []

    def switch_inside_a_savepoint_then_fail() -> None:
        with transaction.atomic():
            seen.append(_raw_instansi_ids())  # the first query of the scope: the switch happens here
            raise RuntimeError("roll back")

    with scope(world.instansi_a.pk):
        with pytest.raises(RuntimeError):
            switch_inside_a_savepoint_then_fail()
        assert seen == [{world.instansi_a.pk}]
        assert _raw_instansi_ids() == {world.instansi_a.pk}
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_user")
            assert cursor.fetchone()[0] == rls.APP_ROLE


def test_a_request_runs_as_the_app_role_and_cannot_see_the_other_instansi(world: Any, login: Any) -> None:
    """During a real request, any query — even one a view builds by hand — is limited by the database."""
    seen: list[tuple[str, int, int]] = []

    def probe(execute: Any, sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
        if UNIT_TABLE in sql:
            with context["connection"].connection.cursor() as cursor:  # raw, no Django at all
                cursor.execute(
                    f"SELECT current_user, count(*) FILTER (WHERE instansi_id = %s), "  # noqa: S608
                    f"count(*) FILTER (WHERE instansi_id = %s) FROM {UNIT_TABLE}",
                    [world.instansi_a.pk, world.instansi_b.pk],
                )
                seen.append(cursor.fetchone())
        return execute(sql, params, many, context)

    client = login(world.ani)
    with connection.execute_wrapper(probe):
        response = client.get(reverse("unit_kerja:unit-list"))
    assert response.status_code == 200
    # The membership lookup establishes the scope on the login role; everything the view runs after
    # that is the app role, which sees instansi A's units and not one of B's.
    in_view = [row for row in seen if row[0] == rls.APP_ROLE]
    assert in_view, seen
    assert all(own >= 2 and foreign == 0 for _, own, foreign in in_view), in_view


def test_the_switch_can_be_turned_off(world: Any, settings: Any) -> None:
    settings.ZI_DB_RLS = False
    with scope(world.instansi_a.pk):
        assert _raw_instansi_ids() == {world.instansi_a.pk, world.instansi_b.pk}
