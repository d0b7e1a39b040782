"""A memo that lives for one block of reads, such as the composition of a dashboard (issue 22).

The panels of a dashboard are built independently (``apps.core.dashboards``): each asks for the
instansi's current cycle, and two of them for the same LKE list, so the page read them three and two
times. Inside :func:`memo_scope` a selector wrapped with :func:`memoized` computes its value once and
hands the same value to every later caller in the block; outside any scope it simply computes it,
every time.

**Why it cannot serve a stale value.** The store is a fresh dict per block, held in a contextvar
(so per thread and per request: nothing is shared between requests, users or processes), and it is
dropped when the block ends. The next request reads the database again, so a cycle closed or opened
between two requests is seen by the second. A scope is only opened around reads that make no
writes (the panel builders), so nothing can change under a memoized value within one. Keys carry
every argument the value depends on (the instansi, the date, the actor).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")

_store: ContextVar[dict[Hashable, Any] | None] = ContextVar("zi_memo", default=None)


@contextmanager
def memo_scope() -> Iterator[None]:
    """Memoize :func:`memoized` values for the length of the block (read-only blocks only)."""
    token = _store.set({})
    try:
        yield
    finally:
        _store.reset(token)


def memoized(key: Hashable, compute: Callable[[], T]) -> T:
    """``compute()``, once per ``key`` inside a :func:`memo_scope`; every call outside one."""
    store = _store.get()
    if store is None:
        return compute()
    if key not in store:
        store[key] = compute()
    value: T = store[key]
    return value
