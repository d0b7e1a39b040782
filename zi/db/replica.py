"""Heavy national reads on a streaming read replica (issue 23), when ``DATABASE_REPLICA_URL`` is set.

Only the reads a view marks with :func:`replica_reads` go to the replica — the national dashboard and
lists, PortalRB pulls, exports, heatmaps: large, read-only, and fine a second or two behind. Every
other read, every write, and every read inside a transaction stays on the primary. Three guards:

* **Read-your-writes**: a request that wrote (any ORM write, the session's included) or used an
  unsafe method answers with a short-lived cookie; while it lives, that person's marked reads go to
  the primary too, so what they just saved is what they see (``ZI_REPLICA_PIN_SECONDS``). A write
  earlier in the same request pins the rest of it.
* **Lag bound**: the replica is used only while it has replayed everything the primary had a moment
  ago, or its last replayed commit is at most ``ZI_REPLICA_MAX_LAG_SECONDS`` old.
* **Down**: a replica that cannot be reached counts as too far behind: the primary answers.

The check costs two small queries (one per server) and is remembered per process for
``ZI_REPLICA_CHECK_SECONDS``. Without a replica configured nothing here runs a query.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http import HttpRequest, HttpResponse

REPLICA = "replica"
PIN_COOKIE = "zi_baca_primer"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class _Request:
    pinned: bool = False  # the person wrote a moment ago (cookie), or this request wrote
    wrote: bool = False


_request: ContextVar[_Request | None] = ContextVar("zi_replica_request", default=None)
_heavy: ContextVar[bool] = ContextVar("zi_replica_heavy", default=False)


def configured() -> bool:
    return REPLICA in connections.settings


# -----------------------------------------------------------------------------
# Health: lag and reachability, remembered per process for a few seconds
# -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Health:
    usable: bool
    lag_seconds: float | None  # None: unreachable
    checked_at: float


_health: Health | None = None
_health_lock = threading.Lock()


def replica_lag_seconds() -> float | None:
    """How far the replica is behind: 0 when it has replayed all the primary had written just now,
    else the age of its last replayed commit. None when either server cannot be asked."""
    try:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            primary_lsn = cursor.fetchone()[0]
        with connections[REPLICA].cursor() as cursor:
            cursor.execute(
                "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn() >= %s::pg_lsn, "
                "EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp())",
                [primary_lsn],
            )
            in_recovery, caught_up, age = cursor.fetchone()
    except DatabaseError:
        connections[REPLICA].close()  # reconnect on the next check
        return None
    if not in_recovery or caught_up:
        return 0.0
    return float(age) if age is not None else None


def replica_health(*, fresh: bool = False) -> Health:
    global _health
    now = time.monotonic()
    current = _health
    if not fresh and current is not None and now - current.checked_at < settings.ZI_REPLICA_CHECK_SECONDS:
        return current
    with _health_lock:
        lag = replica_lag_seconds()
        usable = lag is not None and lag <= settings.ZI_REPLICA_MAX_LAG_SECONDS
        _health = Health(usable=usable, lag_seconds=lag, checked_at=time.monotonic())
        return _health


def forget_health() -> None:
    global _health
    _health = None


# -----------------------------------------------------------------------------
# Marking the heavy reads, and the router
# -----------------------------------------------------------------------------


@contextmanager
def replica_reading() -> Iterator[None]:
    """Reads in the block may be served by the replica (see the module docstring for when)."""
    token = _heavy.set(True)
    try:
        yield
    finally:
        _heavy.reset(token)


def replica_reads(view: F) -> F:
    """Decorator of a read-only view (or a ``get`` method) whose reads may come from the replica."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        with replica_reading():
            return view(*args, **kwargs)

    wrapped.zi_replica_reads = True  # type: ignore[attr-defined]
    return wrapped  # type: ignore[return-value]


def reads_from_replica() -> bool:
    if not _heavy.get() or not configured():
        return False
    state = _request.get()
    if state is not None and (state.pinned or state.wrote):
        return False
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return False  # a transaction reads what it wrote
    return replica_health().usable


class ReplicaRouter:
    """``DATABASE_ROUTERS``: the marked reads to the replica when it may serve them, all else default."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        return REPLICA if reads_from_replica() else None

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        state = _request.get()
        if state is not None:
            state.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # one database, two servers

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return db != REPLICA  # the replica follows the primary's schema by itself


class ReplicaMiddleware:
    """Read-your-writes across requests: a request that wrote sets the pin cookie; a request that
    carries it reads from the primary. Placed before the session middleware, so the session's own
    save (a login, a language switch) counts as a write."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not configured():
            return self.get_response(request)
        state = _Request(pinned=PIN_COOKIE in request.COOKIES)
        token = _request.set(state)
        try:
            response = self.get_response(request)
        finally:
            _request.reset(token)
        if state.wrote or request.method in UNSAFE_METHODS:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.ZI_REPLICA_PIN_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
