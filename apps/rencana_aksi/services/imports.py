"""The kegiatan import (XLSX or CSV): all or nothing with the rules of the form, run as one of
unit_kerja's import jobs (issue 21). Reading the sheet is ``apps.rencana_aksi.imports``."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from apps.audit.guarded import audit, require
from apps.core.errors import DomainError, PermissionDeniedError
from apps.rencana_aksi.imports import kegiatan_rows_read, rule_errors_add
from apps.rencana_aksi.models import Kegiatan, RencanaAksi
from apps.rencana_aksi.services.base import _check_editable, _prepare_change, _require_unit
from apps.rencana_aksi.services.kegiatan import KegiatanData, _apply, kegiatan_errors
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap
from apps.unit_kerja.models import ImportJob, ImportKind
from apps.unit_kerja.services.import_jobs import import_job_create
from apps.unit_kerja.services.imports import ImportResult

# -----------------------------------------------------------------------------
# Import from XLSX
# -----------------------------------------------------------------------------


@transaction.atomic
def kegiatan_import(
    *, actor: Membership, rencana: RencanaAksi, file: UploadedFile[bytes], reason: str = ""
) -> ImportResult:
    """Add the kegiatan of an XLSX (or CSV) sheet to the plan. Columns: area, kegiatan, output,
    indikator, target, satuan, nip_pic, bulan, tenggat, optional anggaran and soal (PortalRB id).

    Every row is read (``apps.rencana_aksi.imports``) and checked with the same rules as the form;
    with any error nothing is saved and the errors come back by row. On an approved plan a reason
    opens a new revision.
    """
    require(actor, Cap.RENCANA_AKSI_EDIT)
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
    audit(actor, "kegiatan.import", rencana, created=result.created, revision=rencana.revision)
    return result


def kegiatan_import_queue(
    *, actor: Membership, rencana: RencanaAksi, file: UploadedFile[bytes], reason: str = ""
) -> ImportJob:
    """Keep the sheet and import it in the background: an import job of unit_kerja's machinery
    (``run_import_job``; its page follows the import). What is known before reading the sheet is
    refused here, beside the form: the capability and the unit, the upload's size and virus scan, a
    plan waiting for approval, an approved plan without a reason. The job runs ``kegiatan_import``,
    which checks everything again."""
    require(actor, Cap.RENCANA_AKSI_EDIT)
    _require_unit(actor, rencana.unit)
    reason = _check_editable(rencana, reason)
    params = {"rencana": str(rencana.public_id), "reason": reason}
    return import_job_create(actor=actor, kind=ImportKind.KEGIATAN, file=file, params=params)


def kegiatan_import_run(
    *, actor: Membership, file: UploadedFile[bytes], rencana: str, reason: str = ""
) -> ImportResult:
    """The kegiatan import of a job (registered in ``apps.py``): the plan named by the job's
    ``params``, with the importer's role. A plan that can no longer take the change is a message
    on the job page, as on the form."""
    plan = (
        RencanaAksi.objects.filter(instansi_id=actor.instansi_id, public_id=rencana).first()
        if actor.instansi_id is not None
        else None
    )
    if plan is None:
        raise PermissionDeniedError
    try:
        return kegiatan_import(actor=actor, rencana=plan, file=file, reason=reason)
    except PermissionDeniedError:
        raise
    except DomainError as exc:
        raise ValidationError(str(exc), code=exc.code) from exc
