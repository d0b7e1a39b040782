"""Writes of the unit's worksheet besides the answer itself: the pokja area assignments and the
evidence files on an answer.

The evidence writes follow ``jawaban_save``'s status and window rules (through
``unit_edit_refusal``). Evidence never changes an answer's ``version``: the version guards the typed
answer, note and link against lost updates, while attaching or detaching a file is a set operation
that cannot overwrite anyone's work. A row created only to carry evidence therefore starts at
version 0, the version a person sees for "not saved yet", so their next save of the answer is not a
conflict.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from apps.audit.guarded import audit, lock, require
from apps.bukti_dukung.models import BuktiDukung
from apps.bukti_dukung.services import bukti_dukung_upload
from apps.lke.models import Soal
from apps.penilaian.models import AreaAssignment, ItemReturn, Jawaban, Penilaian, ReturnStatus, Tier
from apps.penilaian.services.answers import soal_area, unit_edit_refusal
from apps.penilaian.services.common import JOINED, NOT_YOUR_UNIT, SOAL_FOREIGN, _require_fill, _require_reach
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap

AREA_UNKNOWN = _("Choose an area from 1 to 6, or 7 for the hasil part.")
EVIDENCE_FOREIGN = _("This file was not found in the evidence store of your instansi.")
EVIDENCE_NOT_ATTACHED = _("This file is not attached to this item.")


@transaction.atomic
def area_assign(*, actor: Membership, penilaian: Penilaian, area: int, assignee: Membership) -> AreaAssignment:
    """Give a pokja member responsibility for one area (1–6) or the hasil part (7)."""
    require(actor, Cap.PENILAIAN_FILL)
    _require_reach(actor, penilaian)
    if not 1 <= area <= 7:
        raise ValidationError({"area": ValidationError(AREA_UNKNOWN, code="area_unknown")})
    reaches_unit = (
        assignee.unit is None or penilaian.unit.path.startswith(assignee.unit.path)
    ) and assignee.instansi_id == actor.instansi_id
    if not reaches_unit or not assignee.can(Cap.PENILAIAN_FILL):
        raise ValidationError({"assignee": ValidationError(NOT_YOUR_UNIT, code="not_fill")})
    assignment, _created = AreaAssignment.objects.get_or_create(  # type: ignore[misc]  # require: an instansi role
        instansi_id=actor.instansi_id, penilaian=penilaian, area=area, assignee=assignee.user
    )
    audit(actor, "penilaian.area_assign", penilaian, area=area, assignee=assignee.user.email)
    return assignment


def _check_unit_edit(actor: Membership, penilaian: Penilaian, soal: Soal) -> None:
    """Raise the refusal ``jawaban_save`` would raise for this item now (call with the row locked)."""
    if soal.template_id != penilaian.template_id:
        raise ValidationError({"soal": ValidationError(SOAL_FOREIGN, code="soal_foreign")})
    area = soal_area(soal)
    returned = (
        ItemReturn.objects.filter(instansi_id=penilaian.instansi_id, penilaian=penilaian, soal=soal)
        .exclude(status=ReturnStatus.ACCEPTED)
        .exists()
    )
    assignees = set(
        AreaAssignment.objects.filter(instansi_id=penilaian.instansi_id, penilaian=penilaian, area=area).values_list(
            "assignee_id", flat=True
        )
    )
    refusal = unit_edit_refusal(
        actor=actor, penilaian=penilaian, area=area, returned=returned, area_assignees=assignees
    )
    if refusal is not None:
        raise refusal


def _unit_row(actor: Membership, penilaian: Penilaian, soal: Soal) -> Jawaban:
    """The unit's row for the soal, created empty (version 0) when there is none yet. The caller
    holds the penilaian lock, so two first attachments cannot race."""
    row = (
        Jawaban.objects.select_for_update()
        .filter(instansi_id=penilaian.instansi_id, penilaian=penilaian, soal=soal, tier=Tier.UNIT, level=0)
        .first()
    )
    if row is None:
        row = Jawaban(
            instansi_id=penilaian.instansi_id,
            penilaian=penilaian,
            soal=soal,
            tier=Tier.UNIT,
            level=0,
            version=0,
            updated_by=actor.user,
        )
        row.full_clean(exclude=["penilaian", "soal", "instansi"])
        row.save()
    return row


def _evidence(soal: Soal, bukti: BuktiDukung) -> dict[str, Any]:
    """An evidence file on an item, as its audit rows name it (after an attachment, before a detachment)."""
    return {"soal": soal.portalrb_soal_id, "bukti": bukti.public_id, "name": bukti.original_name}


@transaction.atomic
def jawaban_evidence_upload(
    *, actor: Membership, penilaian: Penilaian, soal: Soal, file: UploadedFile[bytes], description: str = ""
) -> BuktiDukung:
    """Store a new evidence file (through the evidence store) and attach it to the unit's answer.

    Same rules as saving the answer; a refused or invalid file stores nothing.
    """
    _require_fill(actor, penilaian)
    penilaian = lock(penilaian, related=JOINED)
    _check_unit_edit(actor, penilaian, soal)
    try:
        bukti = bukti_dukung_upload(actor=actor, file=file, description=description)
    except ValidationError as exc:
        raise ValidationError({"file": exc.error_list}) from exc
    row = _unit_row(actor, penilaian, soal)
    row.evidence.add(bukti)
    audit(actor, "jawaban.evidence_attach", penilaian, **_evidence(soal, bukti), new=True)
    return bukti


@transaction.atomic
def jawaban_evidence_attach(*, actor: Membership, penilaian: Penilaian, soal: Soal, bukti: BuktiDukung) -> Jawaban:
    """Attach a file already in the instansi's evidence store to the unit's answer (idempotent)."""
    _require_fill(actor, penilaian)
    if bukti.instansi_id != penilaian.instansi_id:
        raise ValidationError({"bukti": ValidationError(EVIDENCE_FOREIGN, code="bukti_foreign")})
    penilaian = lock(penilaian, related=JOINED)
    _check_unit_edit(actor, penilaian, soal)
    row = _unit_row(actor, penilaian, soal)
    if not row.evidence.filter(pk=bukti.pk).exists():
        row.evidence.add(bukti)
        audit(actor, "jawaban.evidence_attach", penilaian, **_evidence(soal, bukti))
    return row


@transaction.atomic
def jawaban_evidence_detach(*, actor: Membership, penilaian: Penilaian, soal: Soal, bukti: BuktiDukung) -> Jawaban:
    """Detach a file from the unit's answer. The file stays in the evidence store (immutable)."""
    _require_fill(actor, penilaian)
    penilaian = lock(penilaian, related=JOINED)
    _check_unit_edit(actor, penilaian, soal)
    row = (
        Jawaban.objects.select_for_update()
        .filter(instansi_id=penilaian.instansi_id, penilaian=penilaian, soal=soal, tier=Tier.UNIT, level=0)
        .first()
    )
    if row is None or not row.evidence.filter(pk=bukti.pk).exists():
        raise ValidationError({"bukti": ValidationError(EVIDENCE_NOT_ATTACHED, code="not_attached")})
    row.evidence.remove(bukti)
    audit(actor, "jawaban.evidence_detach", penilaian, before=_evidence(soal, bukti))
    return row


@transaction.atomic
def area_unassign(*, actor: Membership, assignment: AreaAssignment) -> None:
    """Take an area back from a pokja member (the counterpart of ``area_assign``)."""
    penilaian = assignment.penilaian
    _require_fill(actor, penilaian)
    audit(
        actor,
        "penilaian.area_unassign",
        penilaian,
        before={"area": assignment.area, "assignee": assignment.assignee.email},
    )
    assignment.delete()
