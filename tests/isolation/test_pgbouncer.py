"""Row-level security behind a transaction-pooling pgbouncer (issue 23).

A real pgbouncer (Debian's, started here on its own port, ``pool_mode = transaction``) with a pool
of ONE server connection: every client's transactions run on the same PostgreSQL session, one after
another. Whatever a transaction left in that session would be seen by the next client's — which is
why the backend applies role and ``zi.*`` settings per transaction (``SET LOCAL``,
zi/db/postgresql/base.py). Two people of two instansi alternate on it here, each on a Django
connection of their own (one thread each), and still each sees only their own rows; then the core of
the isolation suite (every tenant model, every object route) runs through the pooler.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import pytest
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import reverse

from apps.tenancy import rls
from apps.tenancy.scope import scope
from apps.unit_kerja.models import UnitKerja
from tests.components import PgBouncer
from tests.conftest import World
from tests.isolation.registry import object_routes, tenant_models

pytestmark = pytest.mark.django_db(transaction=True)

UNIT_TABLE = UnitKerja._meta.db_table
T = TypeVar("T")


@pytest.fixture(scope="module")
def bouncer() -> Iterator[PgBouncer]:
    server = PgBouncer(pool_mode="transaction", pool_size=1).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pooled(bouncer: PgBouncer, world: World) -> Iterator[PgBouncer]:
    """From here on every new Django connection of the default database goes through pgbouncer (the
    world above was written directly). Server-side cursors cannot live across pooled transactions:
    off, as ``ZI_DB_TRANSACTION_POOLING=true`` does in production."""
    settings_dict = connections.settings["default"]
    assert settings_dict is connection.settings_dict
    saved = {key: settings_dict.get(key) for key in ("PORT", "DISABLE_SERVER_SIDE_CURSORS")}
    connection.close()
    settings_dict.update(PORT=str(bouncer.port), DISABLE_SERVER_SIDE_CURSORS=True)
    try:
        yield bouncer
    finally:
        connection.close()
        settings_dict.update(saved)


class Person:
    """One thread, hence one Django connection to pgbouncer, for one person's work."""

    def __init__(self) -> None:
        self.pool = ThreadPoolExecutor(max_workers=1)

    def run(self, work: Callable[[], T]) -> T:
        return self.pool.submit(work).result(timeout=60)

    def close(self) -> None:
        self.run(lambda: connection.close())
        self.pool.shutdown()


@pytest.fixture
def two_people(pooled: PgBouncer) -> Iterator[tuple[Person, Person]]:
    people = (Person(), Person())
    try:
        yield people
    finally:
        for person in people:
            person.close()


def _raw(sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:  # through Django (and so the RLS switch), no model, no scope filter
        cursor.execute(sql, params)
        return cursor.fetchall()


def _instansi_seen() -> set[int]:
    return {row[0] for row in _raw(f"SELECT DISTINCT instansi_id FROM {UNIT_TABLE}")}  # noqa: S608


def _session() -> tuple[int, str]:
    """The PostgreSQL backend this statement ran on, and the role it ran as."""
    [(pid, user)] = _raw("SELECT pg_backend_pid(), current_user")
    return pid, user


def _bare(sql: str) -> list[tuple[Any, ...]]:
    """A statement on the driver's own cursor: no Django, no RLS switch, nothing set for it."""
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchall() if cursor.description else []


def test_the_pool_puts_both_people_on_one_server_session(world: World, two_people: tuple[Person, Person]) -> None:
    """The control: session state DOES travel between clients here (so the tests below can fail)."""
    ani, dodi = two_people
    ani.run(lambda: _bare("SELECT set_config('zi.probe', 'ditinggalkan', false)"))
    assert dodi.run(lambda: _bare("SELECT current_setting('zi.probe', true)")) == [("ditinggalkan",)]
    assert ani.run(lambda: _bare("SELECT pg_backend_pid()")) == dodi.run(lambda: _bare("SELECT pg_backend_pid()"))
    ani.run(lambda: _bare("RESET zi.probe"))


def test_two_instansi_alternating_on_one_server_connection_see_only_their_own(
    world: World, two_people: tuple[Person, Person]
) -> None:
    ani, dodi = two_people
    a, b = world.instansi_a.pk, world.instansi_b.pk

    def in_scope(instansi_id: int, work: Callable[[], T]) -> Callable[[], T]:
        def run() -> T:
            with scope(instansi_id):
                return work()

        return run

    for _ in range(3):
        assert ani.run(in_scope(a, _instansi_seen)) == {a}
        assert dodi.run(in_scope(b, _instansi_seen)) == {b}
        assert ani.run(in_scope(a, lambda: UnitKerja.unscoped.filter(instansi_id=b).count())) == 0
        assert dodi.run(in_scope(b, lambda: UnitKerja.unscoped.filter(instansi_id=a).count())) == 0
    pid_a, user_a = ani.run(in_scope(a, _session))
    pid_b, user_b = dodi.run(in_scope(b, _session))
    assert pid_a == pid_b  # one server session for both...
    assert user_a == user_b == rls.APP_ROLE  # ...each statement as the app role

    # Nothing a statement set stays on the session: a bare statement after them runs as the login
    # role with no instansi; the runtime without a scope still sees no row; the owner sees all.
    assert dodi.run(lambda: _bare("SELECT current_user, current_setting('zi.instansi', true)"))[0] in {
        ("postgres", ""),
        ("postgres", None),
    }

    def runtime_without_scope() -> set[int]:
        with rls.app_runtime():
            return _instansi_seen()

    assert dodi.run(runtime_without_scope) == set()
    assert ani.run(_instansi_seen) == {a, b}


def test_a_transaction_keeps_its_scope_and_leaves_nothing_behind(
    world: World, two_people: tuple[Person, Person]
) -> None:
    ani, dodi = two_people
    a = world.instansi_a.pk

    def transaction_of_a() -> tuple[set[int], set[int], int]:
        with scope(a), transaction.atomic():
            first = _instansi_seen()
            try:
                with transaction.atomic():  # a savepoint rolled back: the wall is applied again
                    _instansi_seen()
                    raise RuntimeError("batal")
            except RuntimeError:
                pass
            moved = UnitKerja.unscoped.filter(pk=world.unit_b1.pk).update(name="diambil alih")
            return first, _instansi_seen(), moved

    assert ani.run(transaction_of_a) == ({a}, {a}, 0)

    def leftover() -> tuple[Any, ...]:
        [row] = _bare(
            "SELECT current_user, current_setting('zi.instansi', true), current_setting('zi.scope_all', true)"
        )
        return row

    # The same server session, right after A's transaction: the login role, no instansi, no bypass.
    user, instansi, scope_all = dodi.run(leftover)
    assert (user, instansi or "", scope_all or "") == ("postgres", "", "")
    world.unit_b1.refresh_from_db()
    assert world.unit_b1.name != "diambil alih"


def test_state_left_on_the_session_by_someone_else_is_not_inherited(
    world: World, two_people: tuple[Person, Person]
) -> None:
    """An old-style client (session-level SET ROLE and instansi A) shares the pool: ZI statements
    still carry their own state, so B's operator does not inherit A's scope."""
    ani, dodi = two_people
    a, b = world.instansi_a.pk, world.instansi_b.pk
    ani.run(lambda: _bare(f"SET ROLE {rls.APP_ROLE}; SELECT set_config('zi.instansi', '{a}', false)"))
    try:

        def as_b() -> set[int]:
            with scope(b):
                return _instansi_seen()

        def runtime_without_scope() -> set[int]:
            with rls.app_runtime():
                return _instansi_seen()

        assert dodi.run(as_b) == {b}
        assert dodi.run(runtime_without_scope) == set()
    finally:
        ani.run(lambda: _bare("RESET ROLE; RESET zi.instansi; SELECT 1"))


class _Undo(Exception):
    """Rolls back one check's data, so the next builds on the bare world again (the registry's
    builders are written for a fresh world each, as the parametrized suite gives them)."""


def _each_on_a_fresh_world(items: list[T], check: Callable[[T], None]) -> int:
    done = 0
    for item in items:
        try:
            with transaction.atomic():
                check(item)
                done += 1
                raise _Undo
        except _Undo:
            pass
    return done


def test_the_isolation_core_through_pgbouncer(world: World, pooled: PgBouncer) -> None:
    """Every tenant model's row of A is invisible from B and visible from A; every object route of
    A is a 404 for B's operator and B's admin — all through the pooler. Each check runs in a
    transaction rolled back afterwards (the transaction path of the switch); the owner's and the
    outsider's requests at the end run in autocommit (one implicit transaction per statement)."""

    def row_check(item: tuple[Any, Callable[[World], Any]]) -> None:
        model, build = item
        row = build(world)
        with scope(world.instansi_b.pk):
            assert not model.objects.filter(pk=row.pk).exists(), model._meta.label
        with scope(world.instansi_a.pk):
            assert model.objects.filter(pk=row.pk).exists(), model._meta.label

    models = sorted(tenant_models().items(), key=lambda item: item[0]._meta.label)
    assert _each_on_a_fresh_world(models, row_check) == len(models) >= 50

    outsider, owner = Client(), Client()
    outsider.force_login(world.dodi)
    owner.force_login(world.ani)

    def route_check(route: Any) -> None:
        url = reverse(route.name, kwargs=route.build(world) or None)
        for method in route.methods:
            response = getattr(outsider, method.lower())(url, data=route.data or None)
            assert response.status_code == 404, f"dodi {method} {url} → {response.status_code}"

    routes = object_routes()
    assert _each_on_a_fresh_world(routes, route_check) == len(routes) >= 100

    assert not connection.in_atomic_block
    unit_url = reverse("unit_kerja:unit-detail", kwargs={"public_id": world.unit_a1.public_id})
    assert owner.get(unit_url).status_code == 200
    assert outsider.get(unit_url).status_code == 404
    page = owner.get(reverse("unit_kerja:unit-list")).content.decode()
    assert world.unit_a1.name in page
    assert world.unit_b1.name not in page


def test_autocommit_statements_and_server_side_cursors_carry_the_scope_directly(world: World) -> None:
    """Without the pooler, in autocommit (as requests run): each statement carries its state, and a
    server-side cursor (``iterator()``, declared in a short transaction of its own) too."""
    a, b = world.instansi_a.pk, world.instansi_b.pk
    assert connection.get_autocommit()
    assert connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS") is not True
    with scope(a):
        assert _instansi_seen() == {a}
        assert {unit.instansi_id for unit in UnitKerja.unscoped.iterator(chunk_size=1)} == {a}
        assert _session()[1] == rls.APP_ROLE
    with scope(b):
        assert {unit.instansi_id for unit in UnitKerja.unscoped.iterator(chunk_size=1)} == {b}
    with rls.app_runtime():
        assert list(UnitKerja.unscoped.iterator(chunk_size=1)) == []
    assert _instansi_seen() == {a, b}
    assert _bare("SELECT current_user")[0][0] == "postgres"  # nothing left on the session
