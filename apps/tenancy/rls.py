"""PostgreSQL row-level security: the second wall of tenancy (DESIGN §4, docs/security.md V8).

The first wall is Django's: ``TenantModel.objects`` filters on the active instansi and refuses to
run without one. This module makes the **database** enforce the same thing, so that a query that
forgets the scope (raw SQL, ``Model.unscoped``, a lazy foreign key, a hand-built join) still returns
no row of another instansi.

How it works
------------
* Every tenant table (every concrete ``TenantModel``) has RLS enabled and forced, with one policy
  ``zi_tenant``: a row is visible and writable only when its ``instansi_id`` equals the session
  setting ``zi.instansi``, or when ``zi.scope_all`` is ``on`` (the explicit cross-tenant bypass).
  :func:`ensure_rls` installs it after every ``migrate`` (``post_migrate``), idempotently, so a new
  tenant model cannot be forgotten; ``tenancy.E002`` and ``tests/core/test_rls.py`` fail if one is.
* Superusers and the tables' owner skip RLS, so the application does its work as ``zi_app``, a
  NOLOGIN role without BYPASSRLS that holds only row privileges (created by migration 0003). The
  connection's login role stays the owner: migrations and operator commands run as it.
* The database backend ``zi.db.postgresql`` calls :func:`desired_state` before every query and puts
  the **transaction** in that state (:func:`state_sql`: ``SET LOCAL ROLE`` and ``set_config(...,
  true)``): once per transaction inside ``atomic``, and in the same query string as the statement in
  autocommit. Nothing is set for the session, so a transaction-pooling pgbouncer is safe (issue 23).
  The state comes from the contextvars below and ``apps.tenancy.scope``:

  ======================================  ==========  ===============  =============
  context                                 role        ``zi.instansi``  ``zi.scope_all``
  ======================================  ==========  ===============  =============
  a tenant scope is open (request, task)  zi_app      its id           off
  the national scope, or ``all_tenants``  zi_app      —                on
  request/task runtime, no scope          zi_app      —                off (no rows)
  outside the runtime (migrate, command)  login role  —                on
  ======================================  ==========  ===============  =============

* "Runtime" is every HTTP request after the membership lookup (``ScopeMiddleware``) and every Celery
  task (``task_prerun``/``task_postrun`` below). Code there that legitimately reads across tenants —
  a public page finding its object by an unguessable token, an API finding its token, a beat sweep —
  says so with ``with all_tenants("why"):`` (greppable, like ``Model.unscoped``).

``ZI_DB_RLS=false`` keeps every connection on the login role with the bypass on (the policies stay;
they simply never restrict). SQLite (the embedded demo) has no RLS; nothing here runs there.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from typing import Any, NamedTuple

from django.apps import apps
from django.conf import settings
from django.db import connections

from apps.tenancy.scope import current_scope

APP_ROLE = "zi_app"
POLICY = "zi_tenant"
GUC_INSTANSI = "zi.instansi"
GUC_SCOPE_ALL = "zi.scope_all"
# The predicate of the policy, for USING and WITH CHECK alike. ``current_setting(..., true)`` is
# NULL when the setting was never made: then nothing matches (fail-closed).
PREDICATE = (
    f"instansi_id = NULLIF(current_setting('{GUC_INSTANSI}', true), '')::bigint "
    f"OR current_setting('{GUC_SCOPE_ALL}', true) = 'on'"
)


class DbState(NamedTuple):
    """What a connection must be before a query runs. ``role`` None: the login role."""

    role: str | None
    instansi: str
    scope_all: str


OWNER = DbState(role=None, instansi="", scope_all="on")
APP_NOTHING = DbState(role=APP_ROLE, instansi="", scope_all="")
APP_ALL = DbState(role=APP_ROLE, instansi="", scope_all="on")

_runtime: ContextVar[bool] = ContextVar("zi_rls_runtime", default=False)
_all_reason: ContextVar[str | None] = ContextVar("zi_rls_all", default=None)


def enabled() -> bool:
    return bool(getattr(settings, "ZI_DB_RLS", False))


def desired_state() -> DbState:
    """The role and settings the current context must query with (see the module table)."""
    if not enabled():
        return OWNER
    if _all_reason.get() is not None:
        return APP_ALL
    active = current_scope()
    if active is not None:
        if active.instansi_id is not None:
            return DbState(role=APP_ROLE, instansi=str(int(active.instansi_id)), scope_all="")
        if active.national:
            return APP_ALL  # KemenPANRB/TPN read across instansi by definition (national selectors)
    if _runtime.get():
        return APP_NOTHING
    return OWNER


@contextmanager
def app_runtime() -> Iterator[None]:
    """Mark the block as application runtime: without a scope, tenant tables show no row."""
    token = _runtime.set(True)
    try:
        yield
    finally:
        _runtime.reset(token)


@contextmanager
def all_tenants(reason: str) -> Iterator[None]:
    """THE EXPLICIT CROSS-TENANT BYPASS of the database wall, for the length of the block.

    For lookups that *establish* a scope (a public token, an API token), national readers and beat
    sweeps. ``reason`` says why, for the reader of the code; keep blocks as short as the lookup.
    """
    if not reason:
        raise ValueError("all_tenants() needs a reason")
    token = _all_reason.set(reason)
    try:
        yield
    finally:
        _all_reason.reset(token)


def state_sql(state: DbState) -> str:
    """The statements that put the current transaction in ``state``: ``SET LOCAL ROLE`` and
    ``set_config(..., true)``, both undone by the transaction's end, so nothing outlives it on a
    server connection that a transaction-pooling pgbouncer hands to someone else next. Values are
    literals (a role name, an integer, ``on``/empty): no placeholder, safe to prefix to any statement."""
    role = APP_ROLE if state.role == APP_ROLE else "NONE"
    instansi = str(int(state.instansi)) if state.instansi else ""
    scope_all = "on" if state.scope_all == "on" else ""
    return (
        f"SET LOCAL ROLE {role}; SELECT set_config('{GUC_INSTANSI}', '{instansi}', true), "
        f"set_config('{GUC_SCOPE_ALL}', '{scope_all}', true)"
    )


def apply_state(raw_connection: Any, state: DbState) -> None:
    """Switch the open transaction of a DB-API connection to ``state`` in one round trip."""
    with raw_connection.cursor() as cursor:
        cursor.execute(state_sql(state))


# -----------------------------------------------------------------------------
# Celery: every task runs as application runtime
# -----------------------------------------------------------------------------

_task_tokens: dict[str, Token[bool]] = {}
_task_tokens_lock = threading.Lock()


def task_prerun(task_id: str | None = None, **_: Any) -> None:
    token = _runtime.set(True)
    with _task_tokens_lock:
        _task_tokens[str(task_id)] = token


def task_postrun(task_id: str | None = None, **_: Any) -> None:
    with _task_tokens_lock:
        token = _task_tokens.pop(str(task_id), None)
    if token is not None:
        with contextlib.suppress(ValueError):  # created in another context: leave the flag set (fail-closed)
            _runtime.reset(token)


# -----------------------------------------------------------------------------
# Installing and checking the policies
# -----------------------------------------------------------------------------


def tenant_tables() -> list[str]:
    """The table of every concrete TenantModel (proxies and unmanaged models excluded)."""
    # Not at the top: the database backend (zi/db/postgresql) imports this module before the models.
    from apps.tenancy.models import TenantModel  # noqa: PLC0415  (cycle: see above)

    tables = {
        model._meta.db_table
        for model in apps.get_models()
        if issubclass(model, TenantModel) and model._meta.managed and not model._meta.proxy
    }
    return sorted(tables)


def role_exists(connection: Any) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [APP_ROLE])
        return cursor.fetchone() is not None


def policy_report(connection: Any, tables: list[str]) -> dict[str, tuple[bool, bool, bool]]:
    """For each table: (RLS enabled, RLS forced, policy ``zi_tenant`` present). Missing tables are left out."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
                   EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid AND p.polname = %s)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND c.relkind = 'r' AND c.relname = ANY(%s)
            """,
            [POLICY, tables],
        )
        return {name: (enabled_, forced, has_policy) for name, enabled_, forced, has_policy in cursor.fetchall()}


def ensure_rls(connection: Any) -> list[str]:
    """Grant ``zi_app`` its row privileges and put the policy on every tenant table that lacks it.

    Idempotent and cheap when nothing is missing (two catalogue queries). Returns the tables changed.
    Runs after every ``migrate`` (``post_migrate``); needs the role from migration 0003.
    """
    if connection.vendor != "postgresql" or not role_exists(connection):
        return []
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        # Row privileges on every table and sequence (also non-tenant ones: users, sessions, ...).
        cursor.execute(
            """
            SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = current_schema() AND (
                (c.relkind IN ('r', 'p') AND NOT has_table_privilege(%s, c.oid, 'SELECT,INSERT,UPDATE,DELETE'))
                OR (c.relkind = 'S' AND NOT has_sequence_privilege(%s, c.oid, 'USAGE,SELECT,UPDATE'))
            )
            """,
            [APP_ROLE, APP_ROLE],
        )
        for name, kind in cursor.fetchall():
            if kind == "S":
                cursor.execute(f"GRANT USAGE, SELECT, UPDATE ON SEQUENCE {qn(name)} TO {APP_ROLE}")
            else:
                cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLE {qn(name)} TO {APP_ROLE}")
    tables = tenant_tables()
    changed = []
    for table, (on, forced, has_policy) in policy_report(connection, tables).items():
        if on and forced and has_policy:
            continue
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE {qn(table)} ENABLE ROW LEVEL SECURITY")
            cursor.execute(f"ALTER TABLE {qn(table)} FORCE ROW LEVEL SECURITY")
            if not has_policy:
                cursor.execute(
                    f"CREATE POLICY {POLICY} ON {qn(table)} FOR ALL USING ({PREDICATE}) WITH CHECK ({PREDICATE})"
                )
        changed.append(table)
    return changed


def tables_without_policy(connection: Any) -> list[str]:
    """Tenant tables that exist but lack RLS, FORCE or the policy (``tenancy.E002``)."""
    tables = tenant_tables()
    report = policy_report(connection, tables)
    return sorted(table for table, flags in report.items() if not all(flags))


def post_migrate(using: str = "default", **_: Any) -> None:
    ensure_rls(connections[using])
