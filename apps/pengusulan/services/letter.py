"""The year's proposal letter (surat pengusulan), its SPTJM (a signed scan or a confirmation in the
app with the password) and its PDF."""

from __future__ import annotations

import datetime
import hashlib
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.audit.guarded import audit, guarded, require
from apps.bukti_dukung.services import bukti_dukung_upload
from apps.core.concurrency import save_or_conflict, version_check
from apps.pengusulan.models import SuratPengusulan
from apps.pengusulan.reports import SURAT_PENGUSULAN
from apps.pengusulan.services.common import _require_window, _same_instansi
from apps.reports.services import report_request
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap
from apps.unit_kerja.models import Cycle

if TYPE_CHECKING:
    from apps.accounts.models import User
    from apps.reports.models import Report


SUBMITTED_LETTER_LOCKED = _("The letter lists submitted units: its number and date can no longer change.")
WRONG_PASSWORD = _("The password is not correct.")
SPTJM_CONFIRM_REQUIRED = _("Tick the box to confirm the statement.")
SPTJM_TEXT = _(
    "Surat Pernyataan Tanggung Jawab Mutlak (SPTJM). I, %(name)s, head of %(instansi)s, state that the "
    "unit requirements, the evidence of the pengungkit components and the data of the hasil components "
    "of the units proposed in letter %(number)s for %(tahun)s are true. If they are later found untrue, "
    "the proposal may be reviewed."
)


@transaction.atomic
def surat_pengusulan_save(
    *,
    actor: Membership,
    cycle: Cycle,
    number: str,
    date: datetime.date,
    sptjm_file: UploadedFile[bytes] | None = None,
    version: int | None = None,
) -> SuratPengusulan:
    """Prepare (or update) the year's letter: number, date and, optionally, the signed SPTJM scan.
    ``version``: the one the form was built from (0: no letter yet); stale → ``VersionConflict``."""
    require(actor, Cap.PENGUSULAN_SUBMIT, Cap.PENGUSULAN_MANAGE)
    _same_instansi(actor, cycle)
    _require_window(cycle)
    surat = SuratPengusulan.objects.select_for_update().filter(instansi_id=actor.instansi_id, cycle=cycle).first()  # type: ignore[misc]  # require: an instansi role
    version_check(surat, version)
    before = None  # a new letter: a creation
    if surat is None:
        surat = SuratPengusulan(instansi_id=actor.instansi_id, cycle=cycle, created_by=actor.user)  # type: ignore[misc]  # require: an instansi role
    elif surat.pk and surat.items.exists() and (surat.number != number.strip() or surat.date != date):
        raise ValidationError({"number": ValidationError(SUBMITTED_LETTER_LOCKED, code="locked")})
    else:
        before = _letter_audit(surat)
    surat.number = number.strip()
    surat.date = date
    surat.full_clean(exclude=["instansi", "cycle", "created_by", "sptjm_file", "report", "sptjm_signed_by"])
    if sptjm_file is not None:
        surat.sptjm_file = bukti_dukung_upload(actor=actor, file=sptjm_file, description=f"SPTJM {cycle.tahun}")
    save_or_conflict(surat)
    audit(actor, "pengusulan.surat_save", surat, before=before, **_letter_audit(surat))
    return surat


def _letter_audit(surat: SuratPengusulan) -> dict[str, str]:
    """The letter's values its audit rows keep (before and after a save)."""
    return {
        "number": surat.number,
        "date": str(surat.date),
        "sptjm_file": surat.sptjm_file.original_name if surat.sptjm_file_id else "",  # type: ignore[union-attr]  # the id is set
    }


def sptjm_text(*, surat: SuratPengusulan, signer: User) -> str:
    """The exact statement the pimpinan confirms (its SHA-256 is stored)."""
    return str(SPTJM_TEXT) % {
        "name": signer.name or signer.email,
        "instansi": surat.instansi.name,
        "number": surat.number,
        "tahun": surat.cycle.tahun,
    }


@transaction.atomic
def surat_sptjm_sign(*, actor: Membership, surat: SuratPengusulan, password: str, confirm: bool) -> SuratPengusulan:
    """The pimpinan instansi confirms the SPTJM in the app with their password: the text, its
    SHA-256, who and when are recorded."""
    require(actor, Cap.PENGUSULAN_SUBMIT)
    _same_instansi(actor, surat)
    if not confirm:
        raise ValidationError({"confirm": ValidationError(SPTJM_CONFIRM_REQUIRED, code="required")})
    if not password or not actor.user.check_password(password):
        raise ValidationError({"password": ValidationError(WRONG_PASSWORD, code="wrong_password")})
    write = guarded(actor, surat, related=("cycle", "instansi"))
    surat = write.row
    _require_window(surat.cycle)
    before = {"sha256": surat.sptjm_sha256}  # "" the first time; a second confirmation replaces the first
    text = sptjm_text(surat=surat, signer=actor.user)
    surat.sptjm_text = text
    surat.sptjm_sha256 = hashlib.sha256(text.encode()).hexdigest()
    surat.sptjm_signed_by = actor.user
    surat.sptjm_signed_at = timezone.now()
    surat.save(update_fields=["sptjm_text", "sptjm_sha256", "sptjm_signed_by", "sptjm_signed_at", "updated_at"])
    write.audit("pengusulan.sptjm_sign", before=before, sha256=surat.sptjm_sha256)
    return surat


@transaction.atomic
def surat_pdf_request(*, actor: Membership, surat: SuratPengusulan) -> Report:
    """Queue the letter's PDF (report kind ``surat_pengusulan``) and remember it on the letter."""
    require(actor, Cap.PENGUSULAN_VIEW)
    _same_instansi(actor, surat)
    report = report_request(actor=actor, kind=SURAT_PENGUSULAN, params={"surat": str(surat.public_id)})
    surat.report = report
    surat.save(update_fields=["report", "updated_at"])
    return report
