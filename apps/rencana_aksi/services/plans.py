"""The plan: create (or copy last year's), submit, approve, return, revise, its tim kerja lead,
and the instansi's monitoring frequency. The workflows are drawn in ``apps/rencana_aksi/workflows.py``."""

from __future__ import annotations

import calendar
import datetime
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.audit.guarded import audit, guarded, lock, require
from apps.core.errors import DomainError, PermissionDeniedError
from apps.lke.models import Soal
from apps.rencana_aksi import selectors
from apps.rencana_aksi.models import (
    Frekuensi,
    Kegiatan,
    PengaturanMonitoring,
    Realisasi,
    RencanaAksi,
    RencanaAksiRevisi,
)
from apps.rencana_aksi.services.base import (
    JOINED,
    NOTE_REQUIRED,
    _approvers,
    _history,
    _notify_all,
    _plan_link,
    _prepare_change,
    _require_unit,
)
from apps.rencana_aksi.workflows import RENCANA_AKSI
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap
from apps.unit_kerja.models import Cycle, UnitKerja

if TYPE_CHECKING:
    from apps.accounts.models import User

PLAN_EXISTS = _("This unit already has a rencana aksi for this year.")
NO_PREVIOUS_PLAN = _("There is no rencana aksi of %(tahun)s for this unit to copy.")
NOTHING_TO_SUBMIT = _("Add at least one kegiatan before submitting the plan.")
MISSING_PIC = _("Every kegiatan needs a PIC before the plan is submitted (missing: %(items)s).")
FREQUENCY_LOCKED = _("Realisasi of %(tahun)s are already reported: the monitoring frequency can no longer change.")
LEAD_NOT_IN_UNIT = _("The tim kerja lead must be a member of this unit's tim kerja.")


# -----------------------------------------------------------------------------
# Monitoring frequency
# -----------------------------------------------------------------------------


@transaction.atomic
def pengaturan_monitoring_set(*, actor: Membership, cycle: Cycle, frekuensi: str) -> PengaturanMonitoring:
    """Monthly (default) or quarterly monitoring for the instansi's year. Refused once a realisasi
    of the year exists, because the periods would no longer match what was reported."""
    require(actor, Cap.CYCLE_MANAGE)
    if cycle.instansi_id != actor.instansi_id:
        raise PermissionDeniedError
    if frekuensi not in Frekuensi.values:
        raise ValidationError({"frekuensi": ValidationError(_("Choose monthly or quarterly."), code="invalid")})
    setting = (
        PengaturanMonitoring.objects.select_for_update().filter(instansi_id=cycle.instansi_id, cycle=cycle).first()
    )
    current = setting.frekuensi if setting else Frekuensi.MONTHLY
    if current == frekuensi and setting is not None:
        return setting
    if (
        current != frekuensi
        and Realisasi.objects.filter(instansi_id=cycle.instansi_id, kegiatan__rencana__cycle=cycle).exists()
    ):
        raise DomainError(FREQUENCY_LOCKED % {"tahun": cycle.tahun}, code="frequency_locked")
    if setting is None:
        setting = PengaturanMonitoring.objects.create(instansi_id=cycle.instansi_id, cycle=cycle, frekuensi=frekuensi)
    else:
        setting.frekuensi = frekuensi
        setting.save(update_fields=["frekuensi", "updated_at"])
    audit(
        actor,
        "rencana_aksi.frequency_set",
        setting,
        before={"tahun": cycle.tahun, "frekuensi": current},
        tahun=cycle.tahun,
        frekuensi=frekuensi,
    )
    return setting


# -----------------------------------------------------------------------------
# The plan
# -----------------------------------------------------------------------------


@transaction.atomic
def rencana_aksi_create(*, actor: Membership, unit: UnitKerja, cycle: Cycle) -> RencanaAksi:
    """An empty draft plan for the unit and year."""
    require(actor, Cap.RENCANA_AKSI_EDIT)
    _require_unit(actor, unit)
    if cycle.instansi_id != actor.instansi_id:
        raise PermissionDeniedError
    if RencanaAksi.objects.filter(instansi_id=actor.instansi_id, unit=unit, cycle=cycle).exists():
        raise DomainError(PLAN_EXISTS, code="plan_exists")
    rencana = RencanaAksi.objects.create(instansi_id=actor.instansi_id, unit=unit, cycle=cycle)
    audit(actor, "rencana_aksi.create", rencana, unit=unit.code, tahun=cycle.tahun)
    return rencana


def _shift_year(day: datetime.date, tahun: int) -> datetime.date:
    last = calendar.monthrange(tahun, day.month)[1]
    return datetime.date(tahun, day.month, min(day.day, last))


def _soal_for_year(soal: Soal | None, tahun: int) -> Soal | None:
    """The same PortalRB soal in the LKE used for ``tahun`` (soal keep their PortalRB id)."""
    if soal is None:
        return None
    template = selectors.lke_template_for(tahun)
    if template is None or template.pk == soal.template_id:
        return soal
    return Soal.objects.filter(template=template, portalrb_soal_id=soal.portalrb_soal_id).first()


@transaction.atomic
def rencana_aksi_copy_previous(*, actor: Membership, unit: UnitKerja, cycle: Cycle) -> RencanaAksi:
    """A draft plan for ``cycle`` holding a copy of every kegiatan of the unit's plan of the year
    before: deadlines move by one year, the soal maps to the same PortalRB soal of this year's LKE,
    and a PIC who left the unit is left blank (to be chosen before submitting)."""
    previous = selectors.rencana_for(unit=unit, tahun=cycle.tahun - 1)
    if previous is None:
        require(actor, Cap.RENCANA_AKSI_EDIT)
        raise DomainError(NO_PREVIOUS_PLAN % {"tahun": cycle.tahun - 1}, code="no_previous")
    rencana = rencana_aksi_create(actor=actor, unit=unit, cycle=cycle)
    copied = 0
    for old in Kegiatan.objects.filter(instansi_id=previous.instansi_id, rencana=previous).select_related(
        "pic", "soal"
    ):
        pic = old.pic if old.pic and old.pic.is_active and old.pic.unit_id == unit.pk else None
        Kegiatan.objects.create(
            instansi_id=rencana.instansi_id,
            rencana=rencana,
            area=old.area,
            description=old.description,
            output=old.output,
            indicator=old.indicator,
            target_value=old.target_value,
            target_unit=old.target_unit,
            pic=pic,
            schedule=old.schedule,
            deadline=_shift_year(old.deadline, cycle.tahun),
            budget=old.budget,
            soal=_soal_for_year(old.soal, cycle.tahun),
        )
        copied += 1
    audit(actor, "rencana_aksi.copy", rencana, source=previous.public_id, kegiatan=copied)
    return rencana


@transaction.atomic
def rencana_aksi_set_lead(*, actor: Membership, rencana: RencanaAksi, lead: User | None) -> RencanaAksi:
    """Name the tim kerja lead, who may verify realisasi beside the pimpinan unit."""
    require(actor, Cap.RENCANA_AKSI_APPROVE)
    _require_unit(actor, rencana.unit)
    write = guarded(actor, rencana, related=JOINED)
    rencana = write.row
    if lead is not None and lead.pk not in {
        u.pk for u in selectors.unit_members_with(unit=rencana.unit, capability=Cap.RENCANA_AKSI_EDIT)
    }:
        raise ValidationError({"lead": ValidationError(LEAD_NOT_IN_UNIT, code="lead_not_in_unit")})
    before = rencana.ketua_tim.email if rencana.ketua_tim is not None else None
    rencana.ketua_tim = lead
    rencana.save(update_fields=["ketua_tim", "updated_at"])
    write.audit("rencana_aksi.set_lead", before={"lead": before}, lead=lead.email if lead else None)
    return rencana


@transaction.atomic
def rencana_aksi_submit(*, actor: Membership, rencana: RencanaAksi) -> RencanaAksi:
    """draft → submitted; every kegiatan needs its PIC. The pimpinan unit is told."""
    require(actor, Cap.RENCANA_AKSI_EDIT)
    _require_unit(actor, rencana.unit)
    rencana = lock(rencana, related=JOINED)
    RENCANA_AKSI.check(state=rencana.status, action="submit", actor=actor)
    kegiatan = list(Kegiatan.objects.filter(instansi_id=rencana.instansi_id, rencana=rencana))
    if not kegiatan:
        raise DomainError(NOTHING_TO_SUBMIT, code="empty")
    missing = [k.description for k in kegiatan if k.pic_id is None]
    if missing:
        raise DomainError(MISSING_PIC % {"items": "; ".join(missing[:5])}, code="missing_pic")
    RENCANA_AKSI.apply(
        obj=rencana,
        action="submit",
        actor=actor,
        fields={"submitted_at": timezone.now()},
        after_extra={"revision": rencana.revision},
        verb="rencana_aksi.submit",
    )
    _history(actor, rencana, RencanaAksiRevisi.Event.SUBMITTED, snap=False)
    submitted_at = rencana.submitted_at or timezone.now()
    _notify_all(
        rencana,
        _approvers(rencana),
        kind="rencana_submitted",
        key=f"ra-submitted:{rencana.public_id}:{rencana.revision}:{submitted_at.isoformat()}",
        context={"revision": rencana.revision},
        link=_plan_link(rencana),
    )
    return rencana


@transaction.atomic
def rencana_aksi_approve(*, actor: Membership, rencana: RencanaAksi) -> RencanaAksi:
    """submitted → approved, by the pimpinan unit. The approved kegiatan are kept in the history."""
    require(actor, Cap.RENCANA_AKSI_APPROVE)
    _require_unit(actor, rencana.unit)
    rencana = lock(rencana, related=JOINED)
    RENCANA_AKSI.apply(
        obj=rencana,
        action="approve",
        actor=actor,
        fields={"approved_revision": rencana.revision, "approved_at": timezone.now(), "approved_by": actor.user},
        after_extra={"revision": rencana.revision},
        verb="rencana_aksi.approve",
    )
    _history(actor, rencana, RencanaAksiRevisi.Event.APPROVED, snap=True)
    team = selectors.unit_members_with(unit=rencana.unit, capability=Cap.RENCANA_AKSI_EDIT)
    _notify_all(
        rencana,
        [u for u in team if u.pk != actor.user.pk],
        kind="rencana_approved",
        key=f"ra-approved:{rencana.public_id}:{rencana.revision}",
        context={"revision": rencana.revision},
        link=_plan_link(rencana),
    )
    return rencana


@transaction.atomic
def rencana_aksi_return(*, actor: Membership, rencana: RencanaAksi, note: str) -> RencanaAksi:
    """submitted → draft with the pimpinan's note (in the history)."""
    require(actor, Cap.RENCANA_AKSI_APPROVE)
    _require_unit(actor, rencana.unit)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": ValidationError(NOTE_REQUIRED, code="note_required")})
    rencana = lock(rencana, related=JOINED)
    RENCANA_AKSI.apply(
        obj=rencana, action="return", actor=actor, after_extra={"note": note}, verb="rencana_aksi.return"
    )
    _history(actor, rencana, RencanaAksiRevisi.Event.RETURNED, reason=note, snap=False)
    team = selectors.unit_members_with(unit=rencana.unit, capability=Cap.RENCANA_AKSI_EDIT)
    _notify_all(
        rencana,
        [u for u in team if u.pk != actor.user.pk],
        kind="rencana_returned",
        key=f"ra-returned:{rencana.public_id}:{timezone.now().isoformat()}",
        context={"note": note},
        link=_plan_link(rencana),
    )
    return rencana


@transaction.atomic
def rencana_aksi_revise(*, actor: Membership, rencana: RencanaAksi, reason: str) -> RencanaAksi:
    """approved → draft: open revision n+1 with the reason (the first kegiatan change of an approved
    plan does this itself)."""
    require(actor, Cap.RENCANA_AKSI_EDIT)
    _require_unit(actor, rencana.unit)
    rencana = lock(rencana, related=JOINED)
    RENCANA_AKSI.check(state=rencana.status, action="revise", actor=actor)
    return _prepare_change(actor, rencana, reason)
