"""Django's PostgreSQL backend, plus the row-level-security switch of apps/tenancy/rls.py.

Every statement runs in a transaction that carries :func:`apps.tenancy.rls.desired_state` (role and
``zi.*`` settings), set with ``SET LOCAL`` / ``set_config(..., true)`` and so gone when the
transaction ends. Nothing is ever set for the session: behind a transaction-pooling pgbouncer
(``pool_mode=transaction``), where each transaction may run on another server connection shared
with other clients, no state leaks in or out (tests/isolation/test_pgbouncer.py).

* Inside a transaction (``atomic``): the state is applied by one statement before the first query,
  and again only when the scope changes or after a rollback to a savepoint (which may undo it). The
  backend remembers what the open transaction has and forgets at commit and rollback.
* In autocommit (each statement its own transaction): the state statements are sent in the same
  query string as the statement, which PostgreSQL runs as one implicit transaction — still one
  round trip. A server-side cursor (``DECLARE … WITH HOLD``, ``QuerySet.iterator()``) is declared
  in a short explicit transaction that carries the state.

Statements that end or unwind a transaction, those PostgreSQL refuses inside a transaction block
(``VACUUM``, ``CREATE INDEX CONCURRENTLY``, ``CREATE DATABASE`` …), and anything sent in an aborted
transaction pass through untouched.
"""

from __future__ import annotations

import re
from typing import Any

from django.db.backends.postgresql import base
from psycopg2 import extensions

from apps.tenancy import rls

_PASS_THROUGH = re.compile(
    r"\s*(SAVEPOINT|RELEASE|ROLLBACK|COMMIT|BEGIN|START\s+TRANSACTION|END|ABORT|VACUUM|CHECKPOINT|REINDEX|CLUSTER"
    r"|ALTER\s+SYSTEM|(CREATE|DROP)\s+DATABASE|(CREATE|DROP)\s+(UNIQUE\s+)?INDEX\s+CONCURRENTLY)\b",
    re.IGNORECASE,
)


def _rls_wrapper(execute: Any, sql: Any, params: Any, many: bool, context: dict[str, Any]) -> Any:
    connection = context["connection"]
    raw = connection.connection
    text = sql if isinstance(sql, str) else sql.decode() if isinstance(sql, bytes) else ""
    status = raw.info.transaction_status
    if status == extensions.TRANSACTION_STATUS_INERROR or _PASS_THROUGH.match(text):
        connection.zi_rls_state = None  # a transaction may end or unwind here: apply again after it
        return execute(sql, params, many, context)
    want = rls.desired_state()
    if raw.autocommit and status == extensions.TRANSACTION_STATUS_IDLE:
        connection.zi_rls_state = None
        if getattr(context["cursor"].cursor, "name", None):  # a server-side cursor: DECLARE cannot be prefixed
            with raw.cursor() as cursor:
                cursor.execute(f"BEGIN; {rls.state_sql(want)}")
            try:
                return execute(sql, params, many, context)
            finally:
                failed = raw.info.transaction_status == extensions.TRANSACTION_STATUS_INERROR
                with raw.cursor() as cursor:
                    cursor.execute("ROLLBACK" if failed else "COMMIT")
        if not text:  # a psycopg2 sql.Composed, rendered to prefix it
            text = sql.as_string(raw)
        return execute(f"{rls.state_sql(want)}; {text}", params, many, context)
    if want != connection.zi_rls_state:
        rls.apply_state(raw, want)
        connection.zi_rls_state = want
    return execute(sql, params, many, context)


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The state the OPEN TRANSACTION carries (None: not applied yet, or no transaction open).
        self.zi_rls_state: rls.DbState | None = None
        self.execute_wrappers.append(_rls_wrapper)

    def init_connection_state(self) -> None:
        super().init_connection_state()
        self.zi_rls_state = None

    def _set_autocommit(self, autocommit: bool) -> None:
        self.zi_rls_state = None
        super()._set_autocommit(autocommit)

    def _rollback(self) -> None:
        try:
            super()._rollback()
        finally:
            self.zi_rls_state = None

    def _savepoint_rollback(self, sid: str) -> None:
        try:
            super()._savepoint_rollback(sid)
        finally:
            self.zi_rls_state = None

    def _commit(self) -> None:
        try:
            super()._commit()
        finally:
            self.zi_rls_state = None  # the next transaction starts without any state
