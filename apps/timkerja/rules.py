"""What the unit-side writes of the tim kerja and the diagnosis share: the edit rule (a unit in the
actor's reach, ``Cap.PENDAMPINGAN_EDIT``), the field checks whose messages are the same on every
page, and the soft delete with its restore. (The audit row with before and after is
:mod:`apps.audit.guarded`'s, as for every write.)"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.audit.guarded import require
from apps.core.errors import DomainError, PermissionDeniedError
from apps.lke.models import Area
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap
from apps.unit_kerja.models import Pegawai, UnitKerja

NOT_YOUR_UNIT = _("This unit is outside your unit kerja.")
REQUIRED = _("This field is required.")
ONE_TO_FIVE = _("Use a value from 1 to 5.")
AREA_INVALID = _("Choose one of the six areas perubahan.")
PEGAWAI_INACTIVE = _("This pegawai is no longer active.")
NOT_DELETED = _("This entry is not deleted.")


def require_unit_edit(actor: Membership, unit: UnitKerja) -> None:
    """Cap.PENDAMPINGAN_EDIT on a unit of the actor's instansi and reach."""
    require(actor, Cap.PENDAMPINGAN_EDIT)
    if actor.instansi_id != unit.instansi_id:
        raise PermissionDeniedError
    if actor.is_unit_narrowed and actor.unit is not None and not unit.path.startswith(actor.unit.path):
        raise PermissionDeniedError(NOT_YOUR_UNIT)


def raise_errors(errors: dict[str, list[Any]]) -> None:
    if errors:
        raise ValidationError({k: [ValidationError(str(m)) for m in v] for k, v in errors.items()})


def text_value(errors: dict[str, list[Any]], name: str, value: str | None, limit: int | None = None) -> str:
    value = (value or "").strip()
    if not value:
        errors.setdefault(name, []).append(REQUIRED)
    elif limit is not None and len(value) > limit:
        errors.setdefault(name, []).append(_("At most %(limit)s characters.") % {"limit": limit})
    return value


def scale_value(errors: dict[str, list[Any]], name: str, value: int | None) -> None:
    if value is None or not 1 <= int(value) <= 5:
        errors.setdefault(name, []).append(ONE_TO_FIVE)


def area_value(errors: dict[str, list[Any]], value: int | None) -> None:
    if value is not None and value not in Area.values:
        errors.setdefault("area", []).append(AREA_INVALID)


def pegawai_of_unit(
    errors: dict[str, list[Any]], name: str, pegawai: Pegawai | None, unit: UnitKerja, message: Any
) -> None:
    if pegawai is None:
        return
    if pegawai.instansi_id != unit.instansi_id or pegawai.unit_id != unit.pk:
        errors.setdefault(name, []).append(message % {"unit": unit.name})
    elif not pegawai.is_active:
        errors.setdefault(name, []).append(PEGAWAI_INACTIVE)


def soft_delete(row: Any, actor: Membership) -> None:
    row.deleted_at = timezone.now()
    row.deleted_by = actor.user
    row.save(update_fields=["deleted_at", "deleted_by"])


def soft_restore(row: Any) -> None:
    if row.deleted_at is None:
        raise DomainError(NOT_DELETED, code="not_deleted")
    row.deleted_at = None
    row.deleted_by = None
    row.save(update_fields=["deleted_at", "deleted_by"])
