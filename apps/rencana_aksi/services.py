"""Rencana aksi writes: the plan and its kegiatan, approval and revisions, realisasi and their
verification, evidence, the monitoring frequency, and the XLSX import.

Every service is keyword-only, runs in one transaction, locks the plan row it changes, refuses
(``ValidationError`` / ``DomainError``) before writing anything, and records an audit event. The
workflows are drawn in ``models.py``.

A change to an approved plan (a kegiatan added, changed or deleted, or an import) needs a reason:
it opens revision n+1 (status back to draft, a ``RencanaAksiRevisi`` row holding the reason and
the kegiatan as approved) and the pimpinan unit approves it again. Monitoring goes on meanwhile.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.audit.services import audit_record
from apps.bukti_dukung.models import BuktiDukung
from apps.bukti_dukung.services import bukti_dukung_upload
from apps.core.concurrency import save_or_conflict, version_check
from apps.core.errors import DomainError, PermissionDeniedError, TransitionNotAllowed
from apps.lke.models import Soal
from apps.notifications.services import notify
from apps.pendampingan.models import IsuStrategis, Risiko
from apps.rencana_aksi import selectors
from apps.rencana_aksi.imports import kegiatan_rows_read, rule_errors_add
from apps.rencana_aksi.models import (
    Area,
    Frekuensi,
    Kegiatan,
    PengaturanMonitoring,
    PlanStatus,
    Realisasi,
    RealisasiStatus,
    RencanaAksi,
    RencanaAksiRevisi,
    months_to_mask,
)
from apps.rencana_aksi.periods import periods_for
from apps.rencana_aksi.workflows import REALISASI, RENCANA_AKSI
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap
from apps.unit_kerja.models import Cycle, Pegawai, UnitKerja
from apps.unit_kerja.services import IMPORT_REQUIRED, IMPORT_TOO_LONG, ImportResult

if TYPE_CHECKING:
    from apps.accounts.models import User
    from apps.penilaian.models import Jawaban

S = PlanStatus
R = RealisasiStatus

# -----------------------------------------------------------------------------
# Messages (constants, so tests assert them exactly)
# -----------------------------------------------------------------------------

NOT_YOUR_UNIT = _("This unit is outside your unit kerja.")
PLAN_EXISTS = _("This unit already has a rencana aksi for this year.")
NO_PREVIOUS_PLAN = _("There is no rencana aksi of %(tahun)s for this unit to copy.")
DEADLINE_OUTSIDE_YEAR = _("The deadline must fall within %(tahun)s.")
PIC_OTHER_UNIT = _("The PIC must be a pegawai of %(unit)s.")
PIC_INACTIVE = _("This pegawai is no longer active.")
PIC_REQUIRED = _("Choose the PIC.")
MONTHS_REQUIRED = _("Choose at least one month of the schedule.")
MONTH_INVALID = _("Months are numbers from 1 to 12.")
TARGET_NEGATIVE = _("The target cannot be negative.")
BUDGET_NEGATIVE = _("The budget cannot be negative.")
SOAL_OTHER_AREA = _("This LKE soal belongs to another area perubahan.")
SOAL_NOT_IN_TEMPLATE = _("This LKE soal is not in the LKE of %(tahun)s.")
AREA_INVALID = _("Choose one of the six areas perubahan.")
REASON_REQUIRED = _("The plan is approved: give the reason for this change (it opens a new revision).")
WAITING_APPROVAL = _("The plan is waiting for approval: ask the pimpinan unit to return it before changing it.")
NOTHING_TO_SUBMIT = _("Add at least one kegiatan before submitting the plan.")
MISSING_PIC = _("Every kegiatan needs a PIC before the plan is submitted (missing: %(items)s).")
NOTE_REQUIRED = _("Write a note saying what to fix.")
KEGIATAN_NOT_DELETED = _("This kegiatan is not deleted.")
UNDO_REASON = _("Undo of the deletion of “%(kegiatan)s”.")
KEGIATAN_HAS_REALISASI = _("This kegiatan already has realisasi: it cannot be deleted.")
PLAN_NOT_APPROVED = _("Realisasi can be reported once the pimpinan unit has approved the plan.")
PERIOD_INVALID = _("This is not a monitoring period of %(tahun)s.")
NOT_DUE_IN_PERIOD = _("This kegiatan is not scheduled in %(periode)s.")
PROGRESS_RANGE = _("Progress is a percentage from 0 to 100.")
VALUE_NEGATIVE = _("The realised value cannot be negative.")
REALISASI_LOCKED = _("This realisasi is %(status)s: it cannot be changed.")
OWN_REPORT = _("Someone other than the reporter verifies a realisasi.")
NOT_VERIFIER = _("Only the tim kerja lead or the pimpinan unit verifies realisasi.")
FREQUENCY_LOCKED = _("Realisasi of %(tahun)s are already reported: the monitoring frequency can no longer change.")
NO_PENILAIAN = _("The LKE of %(unit)s for %(tahun)s has not been opened yet.")
NO_SOAL = _("This kegiatan supports no LKE soal.")
SOAL_TEMPLATE_MISMATCH = _("The LKE of this year uses another template than the kegiatan's soal.")
BUKTI_NOT_OF_KEGIATAN = _("This file is not evidence of this kegiatan.")
LEAD_NOT_IN_UNIT = _("The tim kerja lead must be a member of this unit's tim kerja.")
DIAGNOSIS_OTHER_UNIT = _("Choose a risk or issue of the diagnosis of %(unit)s for %(tahun)s.")
NOT_YOUR_AREA = _("As a pokja member you edit only the kegiatan of your own area perubahan.")


# -----------------------------------------------------------------------------
# Helpers
# -----------------------------------------------------------------------------


def _require(actor: Membership, capability: str) -> None:
    if actor.instansi_id is None or not actor.can(capability):
        raise PermissionDeniedError


def _require_kegiatan_edit(actor: Membership, rencana: RencanaAksi, current: int | None, wanted: int | None) -> None:
    """Cap.RENCANA_AKSI_EDIT, or a pokja member whose areas hold the kegiatan's area (now and after
    the change). Choosing another area is a message beside the field; anything else is a 403."""
    if actor.instansi_id is not None and actor.can(Cap.RENCANA_AKSI_EDIT):
        return
    from apps.pendampingan.permissions import pokja_areas

    if actor.instansi_id is None or actor.instansi_id != rencana.instansi_id:
        raise PermissionDeniedError
    areas = pokja_areas(actor=actor, unit=rencana.unit, cycle=rencana.cycle)
    if not areas or (current is not None and current not in areas):
        raise PermissionDeniedError
    if wanted is not None and wanted not in areas:
        raise ValidationError({"area": ValidationError(NOT_YOUR_AREA, code="not_your_area")})


def _require_unit(actor: Membership, unit: UnitKerja) -> None:
    if unit.instansi_id != actor.instansi_id:
        raise PermissionDeniedError
    if actor.is_unit_narrowed and actor.unit is not None and not unit.path.startswith(actor.unit.path):
        raise PermissionDeniedError(NOT_YOUR_UNIT)


def _lock(rencana: RencanaAksi) -> RencanaAksi:
    return (
        RencanaAksi.objects.select_for_update(of=("self",))
        .select_related("unit", "cycle", "instansi")
        .get(pk=rencana.pk)
    )


def _audit(
    actor: Membership | None, verb: str, obj: Any, *, before: dict[str, Any] | None = None, **after: Any
) -> None:
    """One audit row with the values before and after the write (README: rows keep both; issue 18).
    ``before`` is None for a creation; ``after`` empty (None) for a removal."""
    audit_record(
        actor=actor.user if actor else None,
        verb=verb,
        obj=obj,
        before=before or None,
        after=after or None,
    )


def _plan_link(rencana: RencanaAksi) -> str:
    return reverse("rencana_aksi:rencana-detail", kwargs={"public_id": rencana.public_id})


def kegiatan_snapshot(rencana: RencanaAksi) -> list[dict[str, Any]]:
    """The plan's kegiatan as JSON (kept in the history when a revision opens or is approved)."""
    rows = Kegiatan.objects.filter(instansi_id=rencana.instansi_id, rencana=rencana).select_related("pic", "soal")
    return [
        {
            "id": str(k.public_id),
            "area": k.area,
            "kegiatan": k.description,
            "output": k.output,
            "indikator": k.indicator,
            "target": f"{k.target_value} {k.target_unit}",
            "pic": k.pic.name if k.pic else "",
            "bulan": k.months,
            "tenggat": k.deadline.isoformat(),
            "anggaran": str(k.budget) if k.budget is not None else None,
            "soal": k.soal.portalrb_soal_id if k.soal else None,
        }
        for k in rows
    ]


def _history(actor: Membership | None, rencana: RencanaAksi, event: str, *, reason: str = "", snap: bool) -> None:
    RencanaAksiRevisi.objects.create(
        instansi_id=rencana.instansi_id,
        rencana=rencana,
        revision=rencana.revision,
        event=event,
        reason=reason,
        snapshot=kegiatan_snapshot(rencana) if snap else [],
        actor=actor.user if actor else None,
    )


@transaction.atomic
def rencana_aksi_revise(*, actor: Membership, rencana: RencanaAksi, reason: str) -> RencanaAksi:
    """approved → draft: open revision n+1 with the reason (the first kegiatan change of an approved
    plan does this itself)."""
    _require(actor, Cap.RENCANA_AKSI_EDIT)
    _require_unit(actor, rencana.unit)
    rencana = _lock(rencana)
    RENCANA_AKSI.check(state=rencana.status, action="revise", actor=actor)
    return _prepare_change(actor, rencana, reason)


def _prepare_change(actor: Membership, rencana: RencanaAksi, reason: str) -> RencanaAksi:
    """Lock the plan and make it editable: a draft is; a submitted plan is not; an approved plan
    opens revision n+1 when a reason is given. Call first in every kegiatan write."""
    rencana = _lock(rencana)
    if rencana.status == S.SUBMITTED:
        raise TransitionNotAllowed(WAITING_APPROVAL)
    if rencana.status == S.APPROVED:
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError({"reason": ValidationError(REASON_REQUIRED, code="reason_required")})
        RENCANA_AKSI.apply(
            obj=rencana,
            action="revise",
            actor=actor,
            fields={"revision": rencana.revision + 1},
            before_extra={"revision": rencana.revision},
            after_extra={"revision": rencana.revision + 1, "reason": reason},
            verb="rencana_aksi.revise",
        )
        # Recorded under the new revision, with the kegiatan as approved (nothing changed yet).
        _history(actor, rencana, RencanaAksiRevisi.Event.REVISED, reason=reason, snap=True)
    return rencana


def _approvers(rencana: RencanaAksi) -> list[User]:
    return selectors.unit_members_with(unit=rencana.unit, capability=Cap.RENCANA_AKSI_APPROVE)


def _notify_all(
    rencana: RencanaAksi, users: Sequence[User], *, kind: str, key: str, context: dict[str, Any], link: str
) -> None:
    for user in {u.pk: u for u in users}.values():
        notify(
            instansi=rencana.instansi,
            recipient=user,
            kind=kind,
            key=key,
            template="rencana-aksi-workflow",
            context={"event": kind, "unit_name": rencana.unit.name, "tahun": rencana.cycle.tahun, **context},
            link=link,
        )


# -----------------------------------------------------------------------------
# Monitoring frequency
# -----------------------------------------------------------------------------


@transaction.atomic
def pengaturan_monitoring_set(*, actor: Membership, cycle: Cycle, frekuensi: str) -> PengaturanMonitoring:
    """Monthly (default) or quarterly monitoring for the instansi's year. Refused once a realisasi
    of the year exists, because the periods would no longer match what was reported."""
    _require(actor, Cap.CYCLE_MANAGE)
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
    _audit(
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
    _require(actor, Cap.RENCANA_AKSI_EDIT)
    _require_unit(actor, unit)
    if cycle.instansi_id != actor.instansi_id:
        raise PermissionDeniedError
    if RencanaAksi.objects.filter(instansi_id=actor.instansi_id, unit=unit, cycle=cycle).exists():
        raise DomainError(PLAN_EXISTS, code="plan_exists")
    rencana = RencanaAksi.objects.create(instansi_id=actor.instansi_id, unit=unit, cycle=cycle)
    _audit(actor, "rencana_aksi.create", rencana, unit=unit.code, tahun=cycle.tahun)
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
        _require(actor, Cap.RENCANA_AKSI_EDIT)
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
    _audit(actor, "rencana_aksi.copy", rencana, source=previous.public_id, kegiatan=copied)
    return rencana


@transaction.atomic
def rencana_aksi_set_lead(*, actor: Membership, rencana: RencanaAksi, lead: User | None) -> RencanaAksi:
    """Name the tim kerja lead, who may verify realisasi beside the pimpinan unit."""
    _require(actor, Cap.RENCANA_AKSI_APPROVE)
    _require_unit(actor, rencana.unit)
    rencana = _lock(rencana)
    if lead is not None and lead.pk not in {
        u.pk for u in selectors.unit_members_with(unit=rencana.unit, capability=Cap.RENCANA_AKSI_EDIT)
    }:
        raise ValidationError({"lead": ValidationError(LEAD_NOT_IN_UNIT, code="lead_not_in_unit")})
    before = rencana.ketua_tim.email if rencana.ketua_tim_id else None
    rencana.ketua_tim = lead
    rencana.save(update_fields=["ketua_tim", "updated_at"])
    _audit(actor, "rencana_aksi.set_lead", rencana, before={"lead": before}, lead=lead.email if lead else None)
    return rencana


@transaction.atomic
def rencana_aksi_submit(*, actor: Membership, rencana: RencanaAksi) -> RencanaAksi:
    """draft → submitted; every kegiatan needs its PIC. The pimpinan unit is told."""
    _require(actor, Cap.RENCANA_AKSI_EDIT)
    _require_unit(actor, rencana.unit)
    rencana = _lock(rencana)
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
    _notify_all(
        rencana,
        _approvers(rencana),
        kind="rencana_submitted",
        key=f"ra-submitted:{rencana.public_id}:{rencana.revision}:{rencana.submitted_at.isoformat()}",
        context={"revision": rencana.revision},
        link=_plan_link(rencana),
    )
    return rencana


@transaction.atomic
def rencana_aksi_approve(*, actor: Membership, rencana: RencanaAksi) -> RencanaAksi:
    """submitted → approved, by the pimpinan unit. The approved kegiatan are kept in the history."""
    _require(actor, Cap.RENCANA_AKSI_APPROVE)
    _require_unit(actor, rencana.unit)
    rencana = _lock(rencana)
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
    _require(actor, Cap.RENCANA_AKSI_APPROVE)
    _require_unit(actor, rencana.unit)
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": ValidationError(NOTE_REQUIRED, code="note_required")})
    rencana = _lock(rencana)
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


# -----------------------------------------------------------------------------
# Kegiatan
# -----------------------------------------------------------------------------


@dataclass
class KegiatanData:
    area: int
    description: str
    output: str
    indicator: str
    target_value: Decimal
    target_unit: str
    pic: Pegawai | None
    months: list[int]
    deadline: datetime.date
    budget: Decimal | None = None
    soal: Soal | None = None
    risiko: Risiko | None = None
    isu: IsuStrategis | None = None


def kegiatan_errors(rencana: RencanaAksi, data: KegiatanData) -> dict[str, list[str]]:
    """Every rule a kegiatan breaks, by field (empty: valid). Pure reads, shared by the form
    service and the import."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: Any) -> None:
        errors.setdefault(name, []).append(str(message))

    tahun = rencana.cycle.tahun
    if data.area not in Area.values:
        add("area", AREA_INVALID)
    if data.deadline.year != tahun:
        add("deadline", DEADLINE_OUTSIDE_YEAR % {"tahun": tahun})
    if data.pic is None:
        add("pic", PIC_REQUIRED)
    elif data.pic.instansi_id != rencana.instansi_id or data.pic.unit_id != rencana.unit_id:
        add("pic", PIC_OTHER_UNIT % {"unit": rencana.unit.name})
    elif not data.pic.is_active:
        add("pic", PIC_INACTIVE)
    if not data.months:
        add("months", MONTHS_REQUIRED)
    elif any(not (1 <= int(m) <= 12) for m in data.months):
        add("months", MONTH_INVALID)
    if data.target_value is None or data.target_value < 0:
        add("target_value", TARGET_NEGATIVE)
    if data.budget is not None and data.budget < 0:
        add("budget", BUDGET_NEGATIVE)
    if data.soal is not None:
        template = selectors.lke_template_for(tahun)
        if template is not None and data.soal.template_id != template.pk:
            add("soal", SOAL_NOT_IN_TEMPLATE % {"tahun": tahun})
        elif data.soal.node.area is not None and data.soal.node.area != data.area:
            add("soal", SOAL_OTHER_AREA)
    for name, target in (("risiko", data.risiko), ("isu", data.isu)):
        if target is not None and (
            target.instansi_id != rencana.instansi_id
            or target.diagnosis.unit_id != rencana.unit_id
            or target.diagnosis.cycle_id != rencana.cycle_id
        ):
            add(name, DIAGNOSIS_OTHER_UNIT % {"unit": rencana.unit.name, "tahun": tahun})
    for name, limit in (("description", 500), ("output", 300), ("indicator", 300), ("target_unit", 50)):
        value = getattr(data, name) or ""
        if not value.strip():
            add(name, IMPORT_REQUIRED)
        elif len(value) > limit:
            add(name, IMPORT_TOO_LONG % {"limit": limit})
    return errors


def _apply(kegiatan: Kegiatan, data: KegiatanData) -> None:
    kegiatan.area = data.area
    kegiatan.description = data.description.strip()
    kegiatan.output = data.output.strip()
    kegiatan.indicator = data.indicator.strip()
    kegiatan.target_value = data.target_value
    kegiatan.target_unit = data.target_unit.strip()
    kegiatan.pic = data.pic
    kegiatan.schedule = months_to_mask(data.months)
    kegiatan.deadline = data.deadline
    kegiatan.budget = data.budget
    kegiatan.soal = data.soal
    kegiatan.risiko = data.risiko
    kegiatan.isu = data.isu


@transaction.atomic
def kegiatan_save(
    *,
    actor: Membership,
    rencana: RencanaAksi,
    data: KegiatanData,
    kegiatan: Kegiatan | None = None,
    reason: str = "",
    version: int | None = None,
) -> Kegiatan:
    """Add a kegiatan to the plan, or change one. On an approved plan ``reason`` is required and a
    new revision opens. Nothing is saved when any rule fails (``ValidationError`` by field).
    ``version``: the one the form was built from; another save in between is a ``VersionConflict``.

    Without ``Cap.RENCANA_AKSI_EDIT``, a pokja member of the unit's tim kerja ZI edits the kegiatan
    of their own area(s) (``apps.pendampingan.permissions``)."""
    _require_kegiatan_edit(actor, rencana, kegiatan.area if kegiatan is not None else None, data.area)
    _require_unit(actor, rencana.unit)
    if kegiatan is not None and kegiatan.rencana_id != rencana.pk:
        raise PermissionDeniedError
    errors = kegiatan_errors(rencana, data)
    if errors:
        raise ValidationError({k: [ValidationError(m) for m in v] for k, v in errors.items()})
    rencana = _prepare_change(actor, rencana, reason)
    created = kegiatan is None
    if kegiatan is None:
        kegiatan = Kegiatan(instansi_id=rencana.instansi_id, rencana=rencana)
    else:
        kegiatan = Kegiatan.objects.select_for_update().get(pk=kegiatan.pk)
        version_check(kegiatan, version)
    before = None if created else kegiatan_snapshot_one(kegiatan)
    _apply(kegiatan, data)
    kegiatan.full_clean(exclude=["rencana", "instansi", "pic", "soal", "risiko", "isu", "version"])
    save_or_conflict(kegiatan)
    _audit(
        actor,
        "kegiatan.create" if created else "kegiatan.update",
        kegiatan,
        before=before,
        rencana=rencana.public_id,
        revision=rencana.revision,
        **kegiatan_snapshot_one(kegiatan),
    )
    return kegiatan


def kegiatan_snapshot_one(k: Kegiatan) -> dict[str, Any]:
    return {
        "area": k.area,
        "kegiatan": k.description,
        "target": f"{k.target_value} {k.target_unit}",
        "pic": k.pic.nip if k.pic else None,
        "bulan": k.months,
        "tenggat": k.deadline.isoformat(),
    }


@transaction.atomic
def kegiatan_delete(*, actor: Membership, kegiatan: Kegiatan, reason: str = "") -> None:
    """Remove a kegiatan that has no realisasi (with a reason on an approved plan)."""
    _require_kegiatan_edit(actor, kegiatan.rencana, kegiatan.area, None)
    _require_unit(actor, kegiatan.rencana.unit)
    if Realisasi.objects.filter(instansi_id=kegiatan.instansi_id, kegiatan=kegiatan).exists():
        raise DomainError(KEGIATAN_HAS_REALISASI, code="has_realisasi")
    rencana = _prepare_change(actor, kegiatan.rencana, reason)
    _audit(actor, "kegiatan.delete", rencana, before=kegiatan_snapshot_one(kegiatan))
    # Soft (apps.core.softdelete): it leaves the plan, its reports and exports, and can be restored.
    kegiatan.deleted_at = timezone.now()
    kegiatan.deleted_by = actor.user
    kegiatan.save(update_fields=["deleted_at", "deleted_by", "updated_at"])


@transaction.atomic
def kegiatan_restore(*, actor: Membership, kegiatan: Kegiatan) -> Kegiatan:
    """Bring a deleted kegiatan back into its plan. The plan must be editable as for any kegiatan
    write; on an approved plan the undo is itself the reason of the new revision."""
    _require_kegiatan_edit(actor, kegiatan.rencana, kegiatan.area, None)
    _require_unit(actor, kegiatan.rencana.unit)
    if kegiatan.deleted_at is None:
        raise DomainError(KEGIATAN_NOT_DELETED, code="not_deleted")
    rencana = _prepare_change(actor, kegiatan.rencana, str(UNDO_REASON % {"kegiatan": kegiatan.description}))
    kegiatan.deleted_at = None
    kegiatan.deleted_by = None
    kegiatan.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
    _audit(
        actor,
        "kegiatan.restore",
        rencana,
        rencana=rencana.public_id,
        revision=rencana.revision,
        **kegiatan_snapshot_one(kegiatan),
    )
    return kegiatan


# -----------------------------------------------------------------------------
# Import from XLSX
# -----------------------------------------------------------------------------


@transaction.atomic
def kegiatan_import(*, actor: Membership, rencana: RencanaAksi, file: UploadedFile, reason: str = "") -> ImportResult:
    """Add the kegiatan of an XLSX (or CSV) sheet to the plan. Columns: area, kegiatan, output,
    indikator, target, satuan, nip_pic, bulan, tenggat, optional anggaran and soal (PortalRB id).

    Every row is read (``apps.rencana_aksi.imports``) and checked with the same rules as the form;
    with any error nothing is saved and the errors come back by row. On an approved plan a reason
    opens a new revision.
    """
    _require(actor, Cap.RENCANA_AKSI_EDIT)
    _require_unit(actor, rencana.unit)
    rencana = RencanaAksi.objects.select_related("unit", "cycle").get(pk=rencana.pk)
    result, rows = kegiatan_rows_read(rencana=rencana, file=file)
    parsed: list[KegiatanData] = []
    for row in rows:
        data = KegiatanData(**row.fields)
        rule_errors_add(result, row, kegiatan_errors(rencana, data))
        parsed.append(data)
    if not result.ok:
        return result
    rencana = _prepare_change(actor, rencana, reason)
    for data in parsed:
        kegiatan = Kegiatan(instansi_id=rencana.instansi_id, rencana=rencana)
        _apply(kegiatan, data)
        kegiatan.save()
        result.created += 1
    _audit(actor, "kegiatan.import", rencana, created=result.created, revision=rencana.revision)
    return result


# -----------------------------------------------------------------------------
# Realisasi
# -----------------------------------------------------------------------------


def _check_period(kegiatan: Kegiatan, periode: str) -> None:
    rencana = kegiatan.rencana
    tahun = rencana.cycle.tahun
    valid = {p.code: p for p in periods_for(tahun, selectors.frekuensi_for(cycle=rencana.cycle))}
    period = valid.get(periode)
    if period is None:
        raise ValidationError({"periode": ValidationError(PERIOD_INVALID % {"tahun": tahun}, code="period_invalid")})
    if not kegiatan.schedule & period.mask:
        raise ValidationError({"periode": ValidationError(NOT_DUE_IN_PERIOD % {"periode": periode}, code="not_due")})


def _upload(actor: Membership, files: Sequence[UploadedFile], kegiatan: Kegiatan) -> list[BuktiDukung]:
    uploaded = []
    for file in files:
        try:
            uploaded.append(bukti_dukung_upload(actor=actor, file=file, description=kegiatan.description[:255]))
        except ValidationError as exc:
            raise ValidationError({"files": exc.error_list}) from exc
    return uploaded


@transaction.atomic
def realisasi_save(
    *,
    actor: Membership,
    kegiatan: Kegiatan,
    periode: str,
    progress: int,
    value: Decimal | None = None,
    narrative: str = "",
    files: Sequence[UploadedFile] = (),
    submit: bool = False,
    version: int | None = None,
) -> Realisasi:
    """Record (or correct) the kegiatan's realisasi for a period, with new evidence files; with
    ``submit`` it goes to verification at once. A submitted or verified realisasi is locked; a
    returned one may be corrected and submitted again. A refused file saves nothing."""
    _require(actor, Cap.RENCANA_AKSI_EDIT)
    rencana = _lock(kegiatan.rencana)
    _require_unit(actor, rencana.unit)
    kegiatan.rencana = rencana
    if not rencana.was_approved:
        raise DomainError(PLAN_NOT_APPROVED, code="plan_not_approved")
    if progress is None or not (0 <= int(progress) <= 100):
        raise ValidationError({"progress": ValidationError(PROGRESS_RANGE, code="progress_range")})
    if value is not None and value < 0:
        raise ValidationError({"value": ValidationError(VALUE_NEGATIVE, code="value_negative")})
    _check_period(kegiatan, periode)
    realisasi = (
        Realisasi.objects.select_for_update()
        .filter(instansi_id=kegiatan.instansi_id, kegiatan=kegiatan, periode=periode)
        .first()
    )
    version_check(realisasi, version)
    created = realisasi is None
    previous = (
        None
        if realisasi is None
        else {
            "progress": realisasi.progress,
            "value": realisasi.value,
            "narrative": realisasi.narrative,
            "status": realisasi.status,
        }
    )
    if realisasi is None:
        realisasi = Realisasi(instansi_id=kegiatan.instansi_id, kegiatan=kegiatan, periode=periode)
    elif realisasi.status in (R.SUBMITTED, R.VERIFIED):
        raise TransitionNotAllowed(REALISASI_LOCKED % {"status": realisasi.get_status_display().lower()})
    realisasi.progress = int(progress)
    realisasi.value = value
    realisasi.narrative = narrative.strip()
    realisasi.reported_by = actor.user
    if submit:
        realisasi.status = REALISASI.check(state=realisasi.status, action="submit", actor=actor).target
        realisasi.submitted_at = timezone.now()
    save_or_conflict(realisasi)
    bukti = _upload(actor, files, kegiatan)
    if bukti:
        realisasi.evidence.add(*bukti)
    _audit(
        actor,
        "realisasi.create" if created else "realisasi.update",
        realisasi,
        before=previous,
        periode=periode,
        progress=realisasi.progress,
        value=value,
        narrative=realisasi.narrative,
        status=realisasi.status,
        files=[b.public_id for b in bukti],
        submitted=submit,
    )
    if submit:
        _notify_verifiers(rencana, realisasi, actor)
    return realisasi


def _verifiers(rencana: RencanaAksi) -> list[User]:
    users = list(_approvers(rencana))
    if rencana.ketua_tim is not None and rencana.ketua_tim.is_active:
        users.append(rencana.ketua_tim)
    return users


def _notify_verifiers(rencana: RencanaAksi, realisasi: Realisasi, actor: Membership) -> None:
    _notify_all(
        rencana,
        [u for u in _verifiers(rencana) if u.pk != actor.user.pk],
        kind="realisasi_submitted",
        key=f"ra-realisasi-submitted:{realisasi.public_id}:{realisasi.submitted_at.isoformat()}",
        context={"kegiatan": realisasi.kegiatan.description, "periode": realisasi.periode},
        link=reverse("rencana_aksi:realisasi-detail", kwargs={"public_id": realisasi.public_id}),
    )


@transaction.atomic
def realisasi_submit(*, actor: Membership, realisasi: Realisasi) -> Realisasi:
    """draft | returned → submitted."""
    _require(actor, Cap.RENCANA_AKSI_EDIT)
    rencana = _lock(realisasi.kegiatan.rencana)
    _require_unit(actor, rencana.unit)
    realisasi = Realisasi.objects.select_for_update().select_related("kegiatan").get(pk=realisasi.pk)
    REALISASI.apply(
        obj=realisasi,
        action="submit",
        actor=actor,
        fields={"submitted_at": timezone.now(), "reported_by": actor.user},
        after_extra={"periode": realisasi.periode},
        verb="realisasi.submit",
    )
    _notify_verifiers(rencana, realisasi, actor)
    return realisasi


def can_verify(actor: Membership, rencana: RencanaAksi) -> bool:
    """The pimpinan unit (Cap.RENCANA_AKSI_APPROVE) or the plan's named tim kerja lead."""
    if actor.can(Cap.RENCANA_AKSI_APPROVE):
        return True
    return (
        actor.can(Cap.RENCANA_AKSI_EDIT) and rencana.ketua_tim_id is not None and rencana.ketua_tim_id == actor.user_id
    )


def _verify_prepare(actor: Membership, realisasi: Realisasi, action: str) -> tuple[RencanaAksi, Realisasi]:
    rencana = _lock(realisasi.kegiatan.rencana)
    if actor.instansi_id != rencana.instansi_id:
        raise PermissionDeniedError
    _require_unit(actor, rencana.unit)
    if not can_verify(actor, rencana):
        raise PermissionDeniedError(NOT_VERIFIER)
    realisasi = Realisasi.objects.select_for_update().select_related("kegiatan").get(pk=realisasi.pk)
    REALISASI.check(state=realisasi.status, action=action, actor=actor)
    if realisasi.reported_by_id == actor.user_id:
        raise DomainError(OWN_REPORT, code="own_report")
    return rencana, realisasi


@transaction.atomic
def realisasi_verify(*, actor: Membership, realisasi: Realisasi) -> Realisasi:
    """submitted → verified: the progress now counts on the dashboards."""
    _rencana, realisasi = _verify_prepare(actor, realisasi, "verify")
    REALISASI.apply(
        obj=realisasi,
        action="verify",
        actor=actor,
        fields={"verified_by": actor.user, "verified_at": timezone.now(), "return_note": ""},
        after_extra={"periode": realisasi.periode, "progress": realisasi.progress},
        verb="realisasi.verify",
    )
    return realisasi


@transaction.atomic
def realisasi_return(*, actor: Membership, realisasi: Realisasi, note: str) -> Realisasi:
    """submitted → returned with a note; the reporter is told."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": ValidationError(NOTE_REQUIRED, code="note_required")})
    rencana, realisasi = _verify_prepare(actor, realisasi, "return")
    REALISASI.apply(
        obj=realisasi,
        action="return",
        actor=actor,
        fields={"return_note": note},
        before_extra={"return_note": realisasi.return_note},
        after_extra={"periode": realisasi.periode, "return_note": note},
        verb="realisasi.return",
    )
    if realisasi.reported_by is not None:
        _notify_all(
            rencana,
            [realisasi.reported_by],
            kind="realisasi_returned",
            key=f"ra-realisasi-returned:{realisasi.public_id}:{timezone.now().isoformat()}",
            context={"kegiatan": realisasi.kegiatan.description, "periode": realisasi.periode, "note": note},
            link=reverse("rencana_aksi:realisasi-detail", kwargs={"public_id": realisasi.public_id}),
        )
    return realisasi


# -----------------------------------------------------------------------------
# Evidence to the LKE
# -----------------------------------------------------------------------------


@transaction.atomic
def kegiatan_evidence_to_lke(*, actor: Membership, kegiatan: Kegiatan, bukti: BuktiDukung) -> Jawaban:
    """Attach evidence already uploaded for the kegiatan's realisasi to the LKE soal the kegiatan
    supports, in the unit's penilaian of the year (no second upload). The LKE's own rules apply
    (``jawaban_evidence_attach``: fill capability, status, window, area assignment)."""
    from apps.penilaian.services.worksheet import jawaban_evidence_attach

    rencana = kegiatan.rencana
    _require_unit(actor, rencana.unit)
    if kegiatan.soal_id is None:
        raise DomainError(NO_SOAL, code="no_soal")
    if not Realisasi.objects.filter(instansi_id=kegiatan.instansi_id, kegiatan=kegiatan, evidence=bukti).exists():
        raise ValidationError({"bukti": ValidationError(BUKTI_NOT_OF_KEGIATAN, code="bukti_not_of_kegiatan")})
    penilaian = selectors.penilaian_for(unit=rencana.unit, cycle=rencana.cycle)
    if penilaian is None:
        raise DomainError(NO_PENILAIAN % {"unit": rencana.unit.name, "tahun": rencana.cycle.tahun}, code="no_penilaian")
    soal = kegiatan.soal
    if soal.template_id != penilaian.template_id:
        soal = Soal.objects.filter(template_id=penilaian.template_id, portalrb_soal_id=soal.portalrb_soal_id).first()
        if soal is None:
            raise DomainError(SOAL_TEMPLATE_MISMATCH, code="template_mismatch")
    jawaban = jawaban_evidence_attach(actor=actor, penilaian=penilaian, soal=soal, bukti=bukti)
    _audit(actor, "kegiatan.evidence_to_lke", kegiatan, soal=soal.portalrb_soal_id, bukti=bukti.public_id)
    return jawaban
