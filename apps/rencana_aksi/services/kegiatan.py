"""The plan's kegiatan: the rules of one kegiatan (shared with the import), add, change, delete
and restore (an approved plan opens a new revision with a reason), and a kegiatan's evidence
attached to the LKE."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.audit.guarded import audit, guarded
from apps.bukti_dukung.models import BuktiDukung
from apps.core.concurrency import save_or_conflict
from apps.core.errors import DomainError, PermissionDeniedError
from apps.diagnosis.models import IsuStrategis, Risiko
from apps.lke.models import Area, Soal
from apps.penilaian.services.worksheet import jawaban_evidence_attach
from apps.rencana_aksi import selectors
from apps.rencana_aksi.models import Kegiatan, Realisasi, RencanaAksi, months_to_mask
from apps.rencana_aksi.services.base import _prepare_change, _require_kegiatan_edit, _require_unit
from apps.tenancy.models import Membership
from apps.unit_kerja.models import Pegawai
from apps.unit_kerja.services.imports import IMPORT_REQUIRED, IMPORT_TOO_LONG

if TYPE_CHECKING:
    from apps.penilaian.models import Jawaban

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
KEGIATAN_NOT_DELETED = _("This kegiatan is not deleted.")
UNDO_REASON = _("Undo of the deletion of “%(kegiatan)s”.")
KEGIATAN_HAS_REALISASI = _("This kegiatan already has realisasi: it cannot be deleted.")
NO_PENILAIAN = _("The LKE of %(unit)s for %(tahun)s has not been opened yet.")
NO_SOAL = _("This kegiatan supports no LKE soal.")
SOAL_TEMPLATE_MISMATCH = _("The LKE of this year uses another template than the kegiatan's soal.")
BUKTI_NOT_OF_KEGIATAN = _("This file is not evidence of this kegiatan.")
DIAGNOSIS_OTHER_UNIT = _("Choose a risk or issue of the diagnosis of %(unit)s for %(tahun)s.")


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
    of their own area(s) (``apps.timkerja.permissions``)."""
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
        kegiatan = guarded(actor, kegiatan, version=version).row
    before = None if created else kegiatan_snapshot_one(kegiatan)
    _apply(kegiatan, data)
    kegiatan.full_clean(exclude=["rencana", "instansi", "pic", "soal", "risiko", "isu", "version"])
    save_or_conflict(kegiatan)
    audit(
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
    audit(actor, "kegiatan.delete", rencana, before=kegiatan_snapshot_one(kegiatan))
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
    audit(
        actor,
        "kegiatan.restore",
        rencana,
        rencana=rencana.public_id,
        revision=rencana.revision,
        **kegiatan_snapshot_one(kegiatan),
    )
    return kegiatan


# -----------------------------------------------------------------------------
# Evidence to the LKE
# -----------------------------------------------------------------------------


@transaction.atomic
def kegiatan_evidence_to_lke(*, actor: Membership, kegiatan: Kegiatan, bukti: BuktiDukung) -> Jawaban:
    """Attach evidence already uploaded for the kegiatan's realisasi to the LKE soal the kegiatan
    supports, in the unit's penilaian of the year (no second upload). The LKE's own rules apply
    (``jawaban_evidence_attach``: fill capability, status, window, area assignment)."""
    rencana = kegiatan.rencana
    _require_unit(actor, rencana.unit)
    soal = kegiatan.soal
    if soal is None:
        raise DomainError(NO_SOAL, code="no_soal")
    if not Realisasi.objects.filter(instansi_id=kegiatan.instansi_id, kegiatan=kegiatan, evidence=bukti).exists():
        raise ValidationError({"bukti": ValidationError(BUKTI_NOT_OF_KEGIATAN, code="bukti_not_of_kegiatan")})
    penilaian = selectors.penilaian_for(unit=rencana.unit, cycle=rencana.cycle)
    if penilaian is None:
        raise DomainError(NO_PENILAIAN % {"unit": rencana.unit.name, "tahun": rencana.cycle.tahun}, code="no_penilaian")
    if soal.template_id != penilaian.template_id:
        same = Soal.objects.filter(template_id=penilaian.template_id, portalrb_soal_id=soal.portalrb_soal_id).first()
        if same is None:
            raise DomainError(SOAL_TEMPLATE_MISMATCH, code="template_mismatch")
        soal = same
    jawaban = jawaban_evidence_attach(actor=actor, penilaian=penilaian, soal=soal, bukti=bukti)
    audit(actor, "kegiatan.evidence_to_lke", kegiatan, soal=soal.portalrb_soal_id, bukti=bukti.public_id)
    return jawaban
