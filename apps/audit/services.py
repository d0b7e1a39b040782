"""audit_record: the one way to write the audit trail."""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.db import models

from apps.audit.models import AuditEvent
from apps.tenancy.models import Instansi, TenantModel

if TYPE_CHECKING:
    from apps.accounts.models import User


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(getattr(value, "public_id", None) or value.pk)
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_jsonable(v) for v in value]
    if hasattr(value, "name") and hasattr(value, "storage"):  # a FieldFile
        return value.name or None
    return str(value)


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """The named fields of an instance as JSON-able values (FKs as their public_id)."""
    data: dict[str, Any] = {}
    for name in fields:
        data[name] = _jsonable(getattr(instance, name))
    return data


def changes_to_before_after(changes: Mapping[str, tuple[Any, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split model_update's ``{field: (old, new)}`` into before/after dicts."""
    before = {name: _jsonable(old) for name, (old, _new) in changes.items()}
    after = {name: _jsonable(new) for name, (_old, new) in changes.items()}
    return before, after


def audit_record(
    *,
    actor: User | None,
    verb: str,
    obj: models.Model,
    instansi: Instansi | None = None,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Record one write. Call inside the service's transaction so the event and the write commit together.

    ``instansi`` defaults to the object's own (tenant rows) or the object itself (an Instansi).
    """
    if instansi is None:
        if isinstance(obj, TenantModel):
            instansi = obj.instansi
        elif isinstance(obj, Instansi):
            instansi = obj
        else:
            raise ValueError(f"audit_record needs instansi= for {type(obj).__name__}")
    return AuditEvent.objects.create(
        instansi=instansi,
        actor=actor,
        actor_label=str(actor) if actor is not None else "sistem",
        verb=verb,
        object_type=obj._meta.label_lower,
        object_id=getattr(obj, "public_id", None),
        object_repr=str(obj)[:300],
        before=_jsonable(dict(before)) if before is not None else None,
        after=_jsonable(dict(after)) if after is not None else None,
    )
