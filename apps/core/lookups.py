"""``path__under=prefix``: the rows whose path starts with ``prefix`` (a unit and its subtree), as
``startswith`` gives them, written so that PostgreSQL finds them by index under row-level security.

Why not ``startswith``: Django writes it ``path::text LIKE 'prefix%'``, and PostgreSQL turns a LIKE
into an index range only when it may evaluate it before the tenant policy — which it may not, since
LIKE is not *leakproof* (a function that could reveal a row's value may not see rows the policy
hides). Every subtree query of a unit-narrowed member therefore read all of the instansi's units
(5,000 in the largest: 3–4 ms a query; issue 22). The byte-wise range operators ``~>=~`` and ``~<~``
are leakproof and served by the ``(instansi_id, path varchar_pattern_ops)`` index; ``prefix ≤ path <
successor(prefix)`` is exactly "starts with ``prefix``" in that byte order (UTF-8 keeps code-point
order). Other databases (SQLite, the embedded mode) get Django's ``startswith``.

Registered on ``CharField`` by :class:`apps.core.apps.CoreConfig`.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Lookup
from django.db.models.lookups import StartsWith

_LAST = 0x10FFFF


def successor(prefix: str) -> str | None:
    """The smallest string greater than every string starting with ``prefix`` (None: no bound)."""
    chars = list(prefix)
    while chars and ord(chars[-1]) == _LAST:
        chars.pop()
    if not chars:
        return None
    chars[-1] = chr(ord(chars[-1]) + 1)
    return "".join(chars)


class Under(Lookup):
    lookup_name = "under"
    prepare_rhs = True

    def _fallback(self) -> StartsWith:
        return StartsWith(self.lhs, self.rhs)

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        return self._fallback().as_sql(compiler, connection)  # type: ignore[no-any-return]

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        if not isinstance(self.rhs, str):
            return self.as_sql(compiler, connection)  # an expression: LIKE as Django writes it
        lhs, lhs_params = self.process_lhs(compiler, connection)
        upper = successor(self.rhs)
        if upper is None:
            return f"{lhs}::text ~>=~ %s", [*lhs_params, self.rhs]
        return f"({lhs}::text ~>=~ %s AND {lhs}::text ~<~ %s)", [*lhs_params, self.rhs, *lhs_params, upper]
