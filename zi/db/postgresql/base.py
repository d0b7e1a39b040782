"""Django's PostgreSQL backend, plus the row-level-security switch of apps/tenancy/rls.py.

Before every query the connection is brought to :func:`apps.tenancy.rls.desired_state` (role and
``zi.*`` settings) when it is not there already — one extra statement only when the scope changes.
The backend remembers what it set; any rollback (whole or to a savepoint) may undo a ``SET ROLE``
made inside the transaction, so it forgets, and the next query sets it again. Statements that only
end or unwind a transaction, and anything sent in an aborted transaction, pass through untouched.

Session state does not survive a transaction-pooling proxy (pgbouncer ``pool_mode=transaction``):
connect ZI directly or in session mode.
"""

from __future__ import annotations

from typing import Any

from django.db.backends.postgresql import base
from psycopg2 import extensions

from apps.tenancy import rls

_PASS_THROUGH = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK", "COMMIT")


def _rls_wrapper(execute: Any, sql: Any, params: Any, many: bool, context: dict[str, Any]) -> Any:
    connection = context["connection"]
    want = rls.desired_state()
    if want != connection.zi_rls_state:
        raw = connection.connection
        text = sql if isinstance(sql, str) else ""
        in_error = raw.info.transaction_status == extensions.TRANSACTION_STATUS_INERROR
        if not in_error and not text.lstrip().upper().startswith(_PASS_THROUGH):
            rls.apply_state(raw, want)
            connection.zi_rls_state = want
    return execute(sql, params, many, context)


class DatabaseWrapper(base.DatabaseWrapper):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zi_rls_state: rls.DbState | None = None
        self.execute_wrappers.append(_rls_wrapper)

    def init_connection_state(self) -> None:
        super().init_connection_state()
        self.zi_rls_state = None  # a new session: login role, no zi.* settings

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
        except Exception:
            self.zi_rls_state = None  # a failed COMMIT rolled back
            raise
