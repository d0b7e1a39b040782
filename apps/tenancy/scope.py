"""The active tenant scope: which instansi the current request, task or command works for.

A contextvar holds it. The middleware sets it from the user's active membership and resets it in
``finally``; Celery tasks and management commands open it with :func:`scope`. ``TenantModel.objects``
refuses to run without an instansi scope (fail-closed). Business code still takes the instansi or
the actor explicitly: the contextvar is a safety net, not the API.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Scope:
    """``instansi_id`` set: one tenant. ``national`` set: a KemenPANRB/TPN reader (no tenant rows
    through ``objects``; national selectors use ``Model.unscoped`` explicitly)."""

    instansi_id: int | None
    national: bool = False


class ScopeMissing(RuntimeError):
    """A tenant table was queried through ``objects`` with no instansi scope open."""


_current: ContextVar[Scope | None] = ContextVar("zi_scope", default=None)


def current_scope() -> Scope | None:
    return _current.get()


def set_scope(value: Scope | None) -> Token[Scope | None]:
    return _current.set(value)


def reset_scope(token: Token[Scope | None]) -> None:
    _current.reset(token)


@contextmanager
def scope(instansi_id: int | None = None, *, national: bool = False) -> Iterator[Scope]:
    """Open a scope for one instansi (or the national scope) for the duration of the block."""
    if instansi_id is None and not national:
        raise ValueError("scope() needs an instansi_id, or national=True")
    value = Scope(instansi_id=instansi_id, national=national)
    token = _current.set(value)
    try:
        yield value
    finally:
        _current.reset(token)
