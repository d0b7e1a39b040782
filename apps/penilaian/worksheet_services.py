"""Writes of the unit's worksheet that ``services.py`` does not cover: evidence files on an answer,
removing a pokja area assignment, and applying an imported workbook.

Same conventions as ``services.py``: keyword-only, typed, atomic, the capability, the unit's reach,
the penilaian row locked, the same status and window rules as ``jawaban_save`` (through
``services.unit_edit_refusal``), and an audit event per write.

Evidence never changes an answer's ``version``: the version guards the typed answer, note and link
against lost updates, while attaching or detaching a file is a set operation that cannot overwrite
anyone's work. A row created only to carry evidence therefore starts at version 0, the version a
person sees for "not saved yet", so their next save of the answer is not a conflict.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from apps.audit.services import audit_record
from apps.bukti_dukung.models import BuktiDukung
from apps.bukti_dukung.services import bukti_dukung_upload
from apps.core.errors import ConflictError, DomainError, PermissionDeniedError
from apps.lke.models import Soal
from apps.penilaian.models import AreaAssignment, ItemReturn, Jawaban, Penilaian, ReturnStatus, Tier
from apps.penilaian.services import (
    NOT_YOUR_UNIT,
    SOAL_FOREIGN,
    jawaban_save,
    pokja_allows,
    soal_area,
    unit_edit_refusal,
)
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap

EVIDENCE_FOREIGN = _("This file was not found in the evidence store of your instansi.")
EVIDENCE_NOT_ATTACHED = _("This file is not attached to this item.")
IMPORT_NOTHING = _("The workbook changes nothing: every answer in it is already saved.")


def _require_fill(actor: Membership, penilaian: Penilaian) -> None:
    # A pokja member passes here; ``_check_unit_edit`` then holds them to their own area.
    if actor.instansi_id != penilaian.instansi_id:
        raise PermissionDeniedError
    if not actor.can(Cap.PENILAIAN_FILL) and not pokja_allows(actor, penilaian, None):
        raise PermissionDeniedError
    if actor.is_unit_narrowed and actor.unit is not None and not penilaian.unit.path.startswith(actor.unit.path):
        raise PermissionDeniedError(NOT_YOUR_UNIT)


def _lock(penilaian: Penilaian) -> Penilaian:
    return Penilaian.objects.select_for_update().select_related("unit", "cycle").get(pk=penilaian.pk)


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


@transaction.atomic
def jawaban_evidence_upload(
    *, actor: Membership, penilaian: Penilaian, soal: Soal, file: UploadedFile, description: str = ""
) -> BuktiDukung:
    """Store a new evidence file (through the evidence store) and attach it to the unit's answer.

    Same rules as saving the answer; a refused or invalid file stores nothing.
    """
    _require_fill(actor, penilaian)
    penilaian = _lock(penilaian)
    _check_unit_edit(actor, penilaian, soal)
    try:
        bukti = bukti_dukung_upload(actor=actor, file=file, description=description)
    except ValidationError as exc:
        raise ValidationError({"file": exc.error_list}) from exc
    row = _unit_row(actor, penilaian, soal)
    row.evidence.add(bukti)
    audit_record(
        actor=actor.user,
        verb="jawaban.evidence_attach",
        obj=penilaian,
        after={"soal": soal.portalrb_soal_id, "bukti": bukti.public_id, "name": bukti.original_name, "new": True},
    )
    return bukti


@transaction.atomic
def jawaban_evidence_attach(*, actor: Membership, penilaian: Penilaian, soal: Soal, bukti: BuktiDukung) -> Jawaban:
    """Attach a file already in the instansi's evidence store to the unit's answer (idempotent)."""
    _require_fill(actor, penilaian)
    if bukti.instansi_id != penilaian.instansi_id:
        raise ValidationError({"bukti": ValidationError(EVIDENCE_FOREIGN, code="bukti_foreign")})
    penilaian = _lock(penilaian)
    _check_unit_edit(actor, penilaian, soal)
    row = _unit_row(actor, penilaian, soal)
    if not row.evidence.filter(pk=bukti.pk).exists():
        row.evidence.add(bukti)
        audit_record(
            actor=actor.user,
            verb="jawaban.evidence_attach",
            obj=penilaian,
            after={"soal": soal.portalrb_soal_id, "bukti": bukti.public_id, "name": bukti.original_name},
        )
    return row


@transaction.atomic
def jawaban_evidence_detach(*, actor: Membership, penilaian: Penilaian, soal: Soal, bukti: BuktiDukung) -> Jawaban:
    """Detach a file from the unit's answer. The file stays in the evidence store (immutable)."""
    _require_fill(actor, penilaian)
    penilaian = _lock(penilaian)
    _check_unit_edit(actor, penilaian, soal)
    row = (
        Jawaban.objects.select_for_update()
        .filter(instansi_id=penilaian.instansi_id, penilaian=penilaian, soal=soal, tier=Tier.UNIT, level=0)
        .first()
    )
    if row is None or not row.evidence.filter(pk=bukti.pk).exists():
        raise ValidationError({"bukti": ValidationError(EVIDENCE_NOT_ATTACHED, code="not_attached")})
    row.evidence.remove(bukti)
    audit_record(
        actor=actor.user,
        verb="jawaban.evidence_detach",
        obj=penilaian,
        before={"soal": soal.portalrb_soal_id, "bukti": bukti.public_id, "name": bukti.original_name},
    )
    return row


@transaction.atomic
def area_unassign(*, actor: Membership, assignment: AreaAssignment) -> None:
    """Take an area back from a pokja member (the counterpart of ``services.area_assign``)."""
    penilaian = assignment.penilaian
    _require_fill(actor, penilaian)
    audit_record(
        actor=actor.user,
        verb="penilaian.area_unassign",
        obj=penilaian,
        before={"area": assignment.area, "assignee": assignment.assignee.email},
    )
    assignment.delete()


# -----------------------------------------------------------------------------
# Applying an imported workbook
# -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ImportChange:
    """One previewed change: the soal, the workbook row it came from, the values to save, and the
    version of the stored answer the preview was built from (0: none stored)."""

    soal_id: int
    excel_row: int
    answer: str | None
    note: str
    evidence_link: str
    version: int


@dataclass(frozen=True)
class ImportProblem:
    soal_id: int
    excel_row: int
    message: str
    conflict: bool = False


class ImportRejected(DomainError):
    """At least one change could not be applied; nothing was."""

    code = "import_rejected"
    default_message = _("The workbook was not applied: nothing was changed.")

    def __init__(self, problems: list[ImportProblem]) -> None:
        super().__init__()
        self.problems = problems


def _message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(str(m) for m in exc.messages)
    return str(exc)


def _is_contradiction(exc: Exception) -> bool:
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        return any(e.code == "contradiction" for errors in exc.error_dict.values() for e in errors)
    return False


@transaction.atomic
def workbook_import_apply(*, actor: Membership, penilaian: Penilaian, changes: list[ImportChange]) -> list[Jawaban]:
    """Apply the previewed changes in one transaction: every change is saved through
    ``jawaban_save`` with the version the preview saw, so an answer someone changed after the
    preview is a conflict, never overwritten. Any problem rejects the whole workbook
    (``ImportRejected`` lists them by row) and nothing is changed.

    Numbers that only agree with each other once all are saved (a lower "obliged" and a lower
    "filed" together) are retried after the others: each attempt is its own savepoint.
    """
    _require_fill(actor, penilaian)
    soal_by_id = {
        s.portalrb_soal_id: s
        for s in Soal.objects.filter(
            template_id=penilaian.template_id, portalrb_soal_id__in=[c.soal_id for c in changes]
        ).select_related("node")
    }
    saved: list[Jawaban] = []
    problems: list[ImportProblem] = []
    pending = [c for c in changes if c.soal_id in soal_by_id]
    problems.extend(
        ImportProblem(c.soal_id, c.excel_row, str(SOAL_FOREIGN)) for c in changes if c.soal_id not in soal_by_id
    )
    while pending:
        retry: list[tuple[ImportChange, Exception]] = []
        for change in pending:
            try:
                saved.append(
                    jawaban_save(
                        actor=actor,
                        penilaian=penilaian,
                        soal=soal_by_id[change.soal_id],
                        answer=change.answer,
                        note=change.note,
                        evidence_link=change.evidence_link,
                        version=change.version,
                    )
                )
            except ConflictError as exc:
                problems.append(ImportProblem(change.soal_id, change.excel_row, _message(exc), conflict=True))
            except (ValidationError, DomainError) as exc:
                if _is_contradiction(exc):
                    retry.append((change, exc))
                else:
                    problems.append(ImportProblem(change.soal_id, change.excel_row, _message(exc)))
        if len(retry) == len(pending):  # no progress: the contradictions are real
            problems.extend(ImportProblem(c.soal_id, c.excel_row, _message(exc)) for c, exc in retry)
            break
        pending = [c for c, _exc in retry]
    if problems:  # raising out of the atomic block undoes every change saved above
        raise ImportRejected(sorted(problems, key=lambda p: (p.excel_row, p.soal_id)))
    if not saved:
        raise DomainError(IMPORT_NOTHING, code="import_nothing")
    audit_record(
        actor=actor.user,
        verb="penilaian.workbook_import",
        obj=penilaian,
        after={"changed": [c.soal_id for c in changes]},
    )
    return saved
