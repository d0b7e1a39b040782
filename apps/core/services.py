"""Generic helpers for services (HackSoft's model_update)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.db import models

M = TypeVar("M", bound=models.Model)


def model_update(
    *, instance: M, fields: Iterable[str], data: Mapping[str, Any]
) -> tuple[M, dict[str, tuple[Any, Any]]]:
    """Set the allowed ``fields`` from ``data``; save only when something changed (and then move a
    ``version`` field on, when the model has one).

    Returns the instance and a ``{field: (old, new)}`` map of what changed (empty when nothing
    did), which services pass on to the audit trail.
    """
    changes: dict[str, tuple[Any, Any]] = {}
    for field in fields:
        if field not in data:
            continue
        old = getattr(instance, field)
        new = data[field]
        if old != new:
            changes[field] = (old, new)
            setattr(instance, field, new)
    if changes:
        instance.full_clean()
        update_fields = [*changes]
        if any(f.name == "version" for f in instance._meta.get_fields()):
            # An edited record's optimistic lock (apps.core.concurrency): every change moves it on,
            # so a form built before this save is refused instead of overwriting it.
            instance.version += 1  # type: ignore[attr-defined]
            update_fields.append("version")
        if any(f.name == "updated_at" for f in instance._meta.get_fields()):
            update_fields.append("updated_at")
        instance.save(update_fields=update_fields)
    return instance, changes
