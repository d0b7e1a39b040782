"""Assistance sessions (asistensi) of the TPI with a unit, and their follow-up actions.

The TPI (``Cap.PENDAMPINGAN_TPI``) records a session and its actions; an action has an owner on
the unit's roster and a due date. The unit (``Cap.PENDAMPINGAN_EDIT``), the owner themselves or
the TPI mark it done. Open actions are nagged by ``reminders.pendampingan_sweep``.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.audit.guarded import audit, guarded, require
from apps.core.errors import DomainError, PermissionDeniedError
from apps.pendampingan.models import Asistensi, TindakLanjut, TindakLanjutStatus
from apps.pendampingan.permissions import tpi_assigned
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap
from apps.timkerja.rules import REQUIRED
from apps.unit_kerja.models import Cycle, Pegawai, UnitKerja

DUE_DATE_REQUIRED = _("Every follow-up action needs a due date.")
OWNER_REQUIRED = _("Every follow-up action needs an owner: choose a pegawai of the unit.")
OWNER_OTHER_UNIT = _("The owner must be a pegawai of %(unit)s.")
ATTENDEE_OTHER_UNIT = _("Attendees of the unit must be pegawai of %(unit)s.")
DATE_OUTSIDE_YEAR = _("The date must fall within %(tahun)s.")
ALREADY_DONE = _("This action is already done.")
NOT_ALLOWED_DONE = _("Only the unit, the owner or the TPI can mark this action done.")


def _require_tpi(actor: Membership, unit: UnitKerja, cycle: Cycle) -> None:
    """The unit's assigned TPI of that year (not any TPI of the instansi)."""
    require(actor, Cap.PENDAMPINGAN_TPI)
    if actor.instansi_id != unit.instansi_id or not tpi_assigned(actor=actor, unit=unit, cycle=cycle):
        raise PermissionDeniedError


@transaction.atomic
def asistensi_create(
    *,
    actor: Membership,
    unit: UnitKerja,
    cycle: Cycle,
    date: datetime.date | None,
    topics: str,
    notes: str = "",
    attendees: Sequence[Pegawai] = (),
    other_attendees: str = "",
) -> Asistensi:
    if cycle.instansi_id != unit.instansi_id:
        raise PermissionDeniedError
    _require_tpi(actor, unit, cycle)
    errors: dict[str, list[Any]] = {}
    if date is None:
        errors["date"] = [REQUIRED]
    elif date.year != cycle.tahun:
        errors["date"] = [DATE_OUTSIDE_YEAR % {"tahun": cycle.tahun}]
    topics = (topics or "").strip()
    if not topics:
        errors["topics"] = [REQUIRED]
    if any(p.instansi_id != unit.instansi_id or p.unit_id != unit.pk for p in attendees):
        errors["attendees"] = [ATTENDEE_OTHER_UNIT % {"unit": unit.name}]
    if errors or date is None:  # (date None is among the errors; said again for the type checker)
        raise ValidationError({k: [ValidationError(str(m)) for m in v] for k, v in errors.items()})
    asistensi = Asistensi.objects.create(
        instansi_id=unit.instansi_id,
        unit=unit,
        cycle=cycle,
        date=date,
        topics=topics,
        notes=(notes or "").strip(),
        other_attendees=(other_attendees or "").strip(),
        created_by=actor.user,
    )
    if attendees:
        asistensi.attendees.set(attendees)
    audit(actor, "asistensi.create", asistensi, unit=unit.code, date=date, attendees=[p.nip for p in attendees])
    return asistensi


@transaction.atomic
def tindak_lanjut_add(
    *,
    actor: Membership,
    asistensi: Asistensi,
    description: str,
    owner: Pegawai | None,
    due_date: datetime.date | None,
) -> TindakLanjut:
    """A follow-up action. Without an owner of the unit or without a due date: refused, nothing saved."""
    _require_tpi(actor, asistensi.unit, asistensi.cycle)
    errors: dict[str, list[Any]] = {}
    description = (description or "").strip()
    if not description:
        errors["description"] = [REQUIRED]
    if owner is None:
        errors["owner"] = [OWNER_REQUIRED]
    elif owner.instansi_id != asistensi.instansi_id or owner.unit_id != asistensi.unit_id:
        errors["owner"] = [OWNER_OTHER_UNIT % {"unit": asistensi.unit.name}]
    if due_date is None:
        errors["due_date"] = [DUE_DATE_REQUIRED]
    if errors or owner is None or due_date is None:  # (both None are among the errors)
        raise ValidationError({k: [ValidationError(str(m)) for m in v] for k, v in errors.items()})
    action = TindakLanjut.objects.create(
        instansi_id=asistensi.instansi_id,
        asistensi=asistensi,
        description=description[:500],
        owner=owner,
        due_date=due_date,
    )
    audit(
        actor,
        "asistensi.tindak_lanjut_add",
        asistensi,
        action=description,
        owner=owner.nip,
        due=due_date,
    )
    return action


def can_mark_done(actor: Membership, action: TindakLanjut) -> bool:
    unit = action.asistensi.unit
    if actor.instansi_id != action.instansi_id:
        return False
    if actor.can(Cap.PENDAMPINGAN_TPI):
        return tpi_assigned(actor=actor, unit=unit, cycle=action.asistensi.cycle)
    if action.owner.user_id is not None and action.owner.user_id == actor.user_id:
        return True
    if not actor.can(Cap.PENDAMPINGAN_EDIT):
        return False
    return not (actor.is_unit_narrowed and actor.unit is not None and not unit.path.startswith(actor.unit.path))


@transaction.atomic
def tindak_lanjut_done(*, actor: Membership, action: TindakLanjut, note: str = "") -> TindakLanjut:
    if not can_mark_done(actor, action):
        raise PermissionDeniedError(NOT_ALLOWED_DONE)
    write = guarded(actor, action)
    action = write.row
    if action.status == TindakLanjutStatus.DONE:
        raise DomainError(ALREADY_DONE, code="done")
    before = {"status": action.status, "note": action.done_note}
    action.status = TindakLanjutStatus.DONE
    action.done_at = timezone.now()
    action.done_note = (note or "").strip()
    action.save(update_fields=["status", "done_at", "done_note", "updated_at"])
    write.audit("asistensi.tindak_lanjut_done", before=before, status=action.status, note=action.done_note)
    return action
