"""Applying an imported LKE workbook (previewed by ``apps.penilaian.workbook``): every change through
``jawaban_save`` with the version the preview saw, all or nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from apps.audit.guarded import audit
from apps.core.errors import ConflictError, DomainError
from apps.lke.models import Soal
from apps.penilaian.models import Jawaban, Penilaian
from apps.penilaian.services.answers import jawaban_save
from apps.penilaian.services.common import SOAL_FOREIGN, _require_fill
from apps.tenancy.models import Membership

IMPORT_NOTHING = _("The workbook changes nothing: every answer in it is already saved.")


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
    audit(actor, "penilaian.workbook_import", penilaian, changed=[c.soal_id for c in changes])
    return saved
