"""Checks shared by the unit kerja services: capability, reach into the actor's subtree, field errors,
the instansi lock, and the guarded write of a row of the actor's own instansi."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext_lazy as _

from apps.audit.guarded import Write, guarded
from apps.core.errors import PermissionDeniedError
from apps.tenancy.models import Instansi, Membership
from apps.unit_kerja.models import (
    UnitKerja,
)

NOT_PERMITTED = _("You do not have permission to do this.")
UNIT_OUTSIDE_SUBTREE = _("This unit is outside your own unit.")
UNIT_PARENT_NOT_FOUND = _("The parent unit was not found.")
UNIT_INACTIVE = _("This unit is no longer active.")


def require_capability(actor: Membership, capability: str) -> None:
    if not actor.can(capability):
        raise PermissionDeniedError(NOT_PERMITTED)


def actor_instansi_id(actor: Membership) -> int:
    """The instansi the actor writes in. A national membership has none: nothing here is theirs to change."""
    if actor.instansi_id is None:
        raise PermissionDeniedError(NOT_PERMITTED)
    return actor.instansi_id


def actor_instansi(actor: Membership) -> Instansi:
    """The actor's instansi (for an audit row on the instansi, or its kind); see :func:`actor_instansi_id`."""
    if actor.instansi is None:
        raise PermissionDeniedError(NOT_PERMITTED)
    return actor.instansi


def actor_reaches_unit(actor: Membership, unit: UnitKerja) -> bool:
    """Same instansi, and for a unit-narrowed member: inside their own subtree."""
    if unit.instansi_id != actor.instansi_id:
        return False
    if not actor.is_unit_narrowed:
        return True
    root = actor.unit
    return root is not None and unit.is_in_subtree_of(root)


def require_reach(actor: Membership, unit: UnitKerja, *, field_name: str | None = None) -> None:
    if actor_reaches_unit(actor, unit):
        return
    if unit.instansi_id != actor.instansi_id:
        # Another instansi's unit is "not found", never "not yours" (DESIGN §4).
        key = field_name or NON_FIELD_ERRORS
        raise ValidationError({key: ValidationError(UNIT_PARENT_NOT_FOUND, code="not_found")})
    raise PermissionDeniedError(UNIT_OUTSIDE_SUBTREE)


def field_error(field_name: str, message: Any, code: str, **params: Any) -> ValidationError:
    return ValidationError({field_name: ValidationError(message, code=code, params=params or None)})


def insert_unique(obj: Any, *, field_name: str, message: Any, code: str) -> None:
    """Insert a row whose uniqueness was checked just before: a concurrent twin that slipped in
    between becomes the same field error instead of an IntegrityError (a 500)."""
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        raise field_error(field_name, message, code) from exc


def lock_instansi(instansi_id: int) -> None:
    """Serialise tree moves and imports of one instansi (two concurrent moves could build a loop)."""
    list(Instansi.objects.select_for_update().filter(pk=instansi_id).values_list("pk", flat=True))


def guarded_own[M: models.Model](
    actor: Membership,
    obj: M,
    *,
    related: Iterable[str] = (),
    version: int | None = None,
    fields: Iterable[str] = (),
) -> Write[M]:
    """:func:`apps.audit.guarded.guarded` for a row of the actor's own instansi: another instansi's
    row is not found (``DoesNotExist``), as when the lock read it filtered by the actor's instansi."""
    if getattr(obj, "instansi_id", None) != actor_instansi_id(actor):
        model: Any = type(obj)  # every model has its DoesNotExist; the checker sees only models.Model
        raise model.DoesNotExist
    return guarded(actor, obj, related=related, version=version, fields=fields)
