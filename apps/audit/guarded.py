"""The guarded write: the one way a service changes a row a person may be editing at the same time.

Every services module used to carry its own ``_require``, ``_lock`` and ``_audit``; they differed in
small ways (one kept only "after", one forgot the instansi check). A write now reads::

    require(actor, Cap.RENCANA_AKSI_APPROVE)                # who may (403 otherwise)
    write = guarded(actor, rencana, related=("unit", "cycle"), fields=("ketua_tim",))
    write.row.ketua_tim = lead                               # the locked, re-read row
    write.row.save(update_fields=["ketua_tim", "updated_at"])
    write.audit("rencana_aksi.set_lead", lead=lead)          # before: the snapshot taken at the lock

:func:`guarded` locks only the row itself (``of=("self",)``; the ``related`` rows are joined for
reading, never locked), checks the version the form was built from (``version=None``: a system
write with no form, see :mod:`apps.core.concurrency`), and snapshots ``fields`` as "before". Call it
inside the service's transaction (``@transaction.atomic``), as with any ``select_for_update``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models

from apps.audit.services import audit_record, snapshot
from apps.core.concurrency import version_check
from apps.core.errors import PermissionDeniedError
from apps.tenancy.models import Membership, TenantModel
from apps.tenancy.shapes import QueryShape


def require(actor: Membership, *capabilities: str) -> None:
    """The actor works inside an instansi and holds at least one of ``capabilities`` (none named:
    any member of an instansi); otherwise :class:`PermissionDeniedError` (a 403)."""
    if actor.instansi_id is None:
        raise PermissionDeniedError
    if capabilities and not any(actor.can(c) for c in capabilities):
        raise PermissionDeniedError


def lock[M: models.Model](obj: M, *, related: Iterable[str] = ()) -> M:
    """``obj``'s row read again under ``SELECT … FOR UPDATE`` of that row alone, ``related`` joined.
    Compiled once per model and ``related`` (a query shape, apps/tenancy/shapes.py): every write
    locks, and the ORM took longer to build the joined query than the database to run it."""
    model = type(obj)
    if type(obj.pk) is not int:
        query = model._default_manager.select_for_update(of=("self",))
        return (query.select_related(*related) if related else query).get(pk=obj.pk)
    names = tuple(related)
    shape = _LOCKS.get((model, names)) or _LOCKS.setdefault((model, names), _lock_shape(model, names))
    ids = {"instansi_id": obj.instansi_id, "pk": obj.pk} if isinstance(obj, TenantModel) else {"pk": obj.pk}
    found = shape.run(**ids)
    if not found:
        raise model.DoesNotExist(f"{model.__name__} {obj.pk} is gone")  # type: ignore[attr-defined]
    return found[0]  # type: ignore[no-any-return]


_LOCKS: dict[tuple[type[models.Model], tuple[str, ...]], QueryShape] = {}


def _lock_shape(model: type[models.Model], names: tuple[str, ...]) -> QueryShape:
    def rows(pk: int) -> models.QuerySet[Any]:
        query = model._default_manager.select_for_update(of=("self",)).filter(pk=pk)
        return query.select_related(*names) if names else query

    if issubclass(model, TenantModel):  # the scoped manager: bound to the open scope's instansi
        return QueryShape(lambda instansi_id, pk: rows(pk))
    return QueryShape(rows)


def audit(
    actor: Membership | None,
    verb: str,
    obj: models.Model,
    *,
    before: Mapping[str, Any] | None = None,
    **after: Any,
) -> None:
    """One audit row with the values before (None: a creation) and after (none: a removal)."""
    audit_record(
        actor=actor.user if actor is not None else None,
        verb=verb,
        obj=obj,
        before=before or None,
        after=after or None,
    )


@dataclass
class Write[M: models.Model]:
    """A row locked for one write, with the values it had when locked."""

    actor: Membership | None
    row: M
    fields: tuple[str, ...]
    before: dict[str, Any] = field(default_factory=dict)

    def audit(self, verb: str, *, before: Mapping[str, Any] | None = None, **after: Any) -> None:
        """Record the write: ``before`` defaults to the snapshot taken at the lock; ``after``
        defaults to the same fields read now."""
        if not after and self.fields:
            after = snapshot(self.row, list(self.fields))
        audit(self.actor, verb, self.row, before=self.before if before is None else before, **after)


def guarded[M: models.Model](
    actor: Membership | None,
    obj: M,
    *,
    related: Iterable[str] = (),
    version: int | None = None,
    fields: Iterable[str] = (),
) -> Write[M]:
    """Lock ``obj`` (see :func:`lock`), refuse a stale ``version`` (``VersionConflict``: nothing is
    written), and keep ``fields`` as they are now for the audit row's "before"."""
    row = lock(obj, related=related)
    version_check(row, version)
    names = tuple(fields)
    return Write(actor=actor, row=row, fields=names, before=snapshot(row, list(names)) if names else {})
