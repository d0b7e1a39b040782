"""Heavy national reads on a real streaming replica (zi/db/replica.py, issue 23).

The module builds its own primary and hot standby from the machine's PostgreSQL binaries (initdb,
then pg_basebackup of that primary, each on a free port, as the ``postgres`` OS user; the shared
server on 5432 is not touched), points Django's default database at the primary and the
``replica`` alias at the standby, and migrates. Pausing WAL replay on the standby makes it lag for
real, so a read it serves is visibly stale; stopping it makes it down.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.db import connections
from django.test import Client
from django.urls import resolve, reverse

from apps.accounts.models import User
from apps.tenancy.models import Instansi, InstansiKind, Membership
from apps.tenancy.roles import Role
from tests.components import StreamingReplica
from tests.conftest import enrol_totp
from tests.factories import UserFactory
from zi.db import replica
from zi.db.replica import PIN_COOKIE, replica_health, replica_lag_seconds, replica_reading

DB_KEYS = ("NAME", "HOST", "PORT", "USER", "PASSWORD")


@pytest.fixture(scope="module")
def pair(django_db_blocker: Any) -> Iterator[StreamingReplica]:
    servers = StreamingReplica()
    default = connections.settings["default"]
    saved = {key: default.get(key) for key in DB_KEYS}
    try:
        servers.start()
        servers._psql(servers.primary, "CREATE DATABASE zi")
        with django_db_blocker.unblock():
            connections["default"].close()
            default.update(NAME="zi", HOST="127.0.0.1", PORT=str(servers.primary.port), USER="postgres", PASSWORD="")
            call_command("migrate", verbosity=0, interactive=False)
            # As zi/settings/base.py builds it from DATABASE_REPLICA_URL (the default's fields filled in).
            connections.settings[replica.REPLICA] = {
                **default,
                "PORT": str(servers.replica.port),
                "OPTIONS": {"connect_timeout": 2},
                "TEST": {"MIRROR": "default"},
            }
            yield servers
    finally:
        with django_db_blocker.unblock():
            for alias in ("default", replica.REPLICA):
                if alias in connections.settings:
                    connections[alias].close()
            connections.settings.pop(replica.REPLICA, None)
            default.update(saved)
        replica.forget_health()
        servers.stop()


@pytest.fixture
def fresh_checks(settings: Any) -> None:
    """Every read decides on a fresh health check (production remembers it for two seconds)."""
    settings.ZI_REPLICA_CHECK_SECONDS = 0
    settings.ZI_REPLICA_MAX_LAG_SECONDS = 3600
    replica.forget_health()


def _wait_caught_up() -> None:
    deadline = time.monotonic() + 30
    while replica_lag_seconds() != 0.0:
        assert time.monotonic() < deadline, "the replica did not catch up"
        time.sleep(0.1)


def _national_user(email: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = UserFactory(email=email, name="Nadia Evaluator")
        Membership.objects.create(user=user, instansi=None, role=Role.TPN_EVALUATOR)
        enrol_totp(user)
    return user


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


class Queries:
    """The statements each server received during the block (real connections, real queries)."""

    def __init__(self) -> None:
        self.by_alias: dict[str, list[str]] = {"default": [], replica.REPLICA: []}

    def _recorder(self, alias: str) -> Callable[..., Any]:
        def record(execute: Any, sql: str, params: Any, many: bool, context: dict[str, Any]) -> Any:
            self.by_alias[alias].append(sql)
            return execute(sql, params, many, context)

        return record

    def __enter__(self) -> Queries:
        self._contexts = [connections[alias].execute_wrapper(self._recorder(alias)) for alias in self.by_alias]
        for ctx in self._contexts:
            ctx.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        for ctx in reversed(self._contexts):
            ctx.__exit__(*exc)

    def national(self, alias: str) -> list[str]:
        """The proposal reads of the national selectors (not the health check, not the session)."""
        return [sql for sql in self.by_alias[alias] if "pengusulan_pengusulan" in sql]


def test_the_standby_is_a_real_streaming_replica(pair: StreamingReplica) -> None:
    with connections[replica.REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone()[0] is True
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'")
        assert cursor.fetchone()[0] == 1


def test_national_reads_go_to_the_replica_and_everything_else_to_the_primary(
    pair: StreamingReplica, fresh_checks: None
) -> None:
    client = _client(_national_user("nadia@menpan.go.id"))
    _wait_caught_up()
    with Queries() as queries:
        response = client.get(reverse("nasional:dashboard"))
    assert response.status_code == 200
    assert queries.national(replica.REPLICA), queries.by_alias
    assert queries.national("default") == []
    # The principal (user and memberships, read before the view; the session comes from the cache
    # since issue 22) stays on the primary.
    assert any("tenancy_membership" in sql for sql in queries.by_alias["default"])
    assert not any(
        "django_session" in sql or "tenancy_membership" in sql or "accounts_user" in sql
        for sql in queries.by_alias[replica.REPLICA]
    )

    with Queries() as queries:
        response = client.get(reverse("accounts:profile"))  # an ordinary page
    assert response.status_code == 200
    assert queries.by_alias[replica.REPLICA] == []


def test_a_lagging_replica_serves_within_the_bound_and_the_primary_beyond_it(
    pair: StreamingReplica, fresh_checks: None, settings: Any
) -> None:
    _wait_caught_up()
    pair.pause_replay()
    try:
        Instansi.objects.create(code="baru", name="Instansi Baru", kind=InstansiKind.KOTA, province="31")
        lag = replica_lag_seconds()
        assert lag is not None
        assert lag > 0

        with replica_reading():
            assert not Instansi.objects.filter(code="baru").exists()  # stale, from the replica
        assert Instansi.objects.filter(code="baru").exists()  # unmarked reads: the primary

        settings.ZI_REPLICA_MAX_LAG_SECONDS = 1
        time.sleep(1.2)
        health = replica_health(fresh=True)
        assert not health.usable
        assert health.lag_seconds is not None
        assert health.lag_seconds > 1
        with replica_reading():
            assert Instansi.objects.filter(code="baru").exists()  # beyond the bound: the primary
    finally:
        pair.resume_replay()
    _wait_caught_up()
    settings.ZI_REPLICA_MAX_LAG_SECONDS = 1
    assert replica_health(fresh=True).usable
    with replica_reading():
        assert Instansi.objects.using(replica.REPLICA).filter(code="baru").exists()
        assert Instansi.objects.filter(code="baru").exists()


def test_the_person_who_just_wrote_reads_from_the_primary(pair: StreamingReplica, fresh_checks: None) -> None:
    writer = _client(_national_user("nadia@menpan.go.id"))
    other = _client(_national_user("nanda@menpan.go.id"))
    _wait_caught_up()
    pair.pause_replay()  # lagging, but within the (large) bound: the replica still serves others
    try:
        response = writer.post(reverse("accounts:profile"), {"name": "Nadia Evaluator", "language": "id"})
        assert response.status_code == 302
        assert response.cookies[PIN_COOKIE]["max-age"] == 15
        with Queries() as queries:
            assert writer.get(reverse("nasional:dashboard")).status_code == 200
        assert queries.national(replica.REPLICA) == []
        assert queries.national("default")
        with Queries() as queries:
            assert other.get(reverse("nasional:dashboard")).status_code == 200
        assert queries.national(replica.REPLICA)
        assert queries.national("default") == []
    finally:
        pair.resume_replay()

    # Once the pin has expired (the browser drops the cookie), the writer is back on the replica.
    writer.cookies.pop(PIN_COOKIE)
    _wait_caught_up()
    with Queries() as queries:
        assert writer.get(reverse("nasional:dashboard")).status_code == 200
    assert queries.national(replica.REPLICA)


@pytest.mark.parametrize(
    ("url_name", "kwargs"),
    [
        ("rencana_aksi:heatmap", {}),
        ("rencana_aksi:heatmap-export", {}),
        ("pencanangan:unit-export", {"public_id": "00000000-0000-0000-0000-000000000000"}),
        ("portalrb_api:unit-wbk", {}),
        ("portalrb_api:unit-wbbm", {}),
        ("portalrb_api:jawaban-unit", {"unit_id": "x"}),
    ],
)
def test_the_heavy_reads_are_marked(url_name: str, kwargs: dict[str, str]) -> None:
    view = resolve(reverse(url_name, kwargs=kwargs or None)).func
    target = getattr(view, "view_class", None)
    # An API view's ``get`` (its own or the one it calls through super()), else the view function
    # under its access decorators.
    candidates = [klass.__dict__.get("get") for klass in target.__mro__] if target is not None else [view]
    marked = []
    for function in candidates:
        while function is not None:
            marked.append(getattr(function, "zi_replica_reads", False))
            function = getattr(function, "__wrapped__", None)
    assert any(marked), url_name


def test_a_replica_that_is_down_leaves_the_primary_answering(pair: StreamingReplica, fresh_checks: None) -> None:
    client = _client(_national_user("nadia@menpan.go.id"))
    assert pair.replica is not None
    pair.replica.stop()
    health = replica_health(fresh=True)
    assert health.lag_seconds is None
    assert not health.usable
    with Queries() as queries:
        response = client.get(reverse("nasional:dashboard"))
    assert response.status_code == 200
    assert queries.national("default")
    assert queries.national(replica.REPLICA) == []
