"""Import jobs: the roster and unit imports in the background (issue 21)."""

from __future__ import annotations

import datetime
import hashlib
import logging
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from apps.audit.services import audit_record
from apps.bukti_dukung.scanning import mark_scanned_clean
from apps.core.errors import PermissionDeniedError
from apps.tenancy.models import Membership
from apps.tenancy.rls import all_tenants
from apps.tenancy.roles import Cap
from apps.unit_kerja.models import (
    ImportJob,
    ImportJobStatus,
    ImportKind,
)
from apps.unit_kerja.services.common import (
    NOT_PERMITTED,
    require_capability,
)
from apps.unit_kerja.services.imports import ImportResult, pegawai_import, unit_kerja_import
from apps.unit_kerja.tabular import check_import_upload
from apps.unit_kerja.tasks import run_import_job

logger = logging.getLogger(__name__)

IMPORT_JOB_NOT_ALLOWED = _("Your role no longer allows this import.")
IMPORT_JOB_BROKEN = _(
    "The import stopped because of an error. Upload the file again; if it fails again, tell your ZI administrator."
)

# A job "running" longer than the task's hard time limit died with its worker: the redelivered task
# (acks_late) or the reconciler may claim it again. The import is all-or-nothing, so a second run is safe.
_IMPORT_STALE_AFTER = datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)

# kind → (capability, import service); the services keep every rule of their import.
_IMPORTS: dict[str, tuple[str, Any]] = {
    ImportKind.PEGAWAI: (Cap.PEGAWAI_MANAGE, pegawai_import),
    ImportKind.UNIT: (Cap.UNIT_MANAGE, unit_kerja_import),
}


def import_kind_register(kind: str, *, capability: str, service: Any) -> None:
    """An app above runs its import as a job (from its ``AppConfig.ready``; rencana aksi: the
    kegiatan). ``service(actor=, file=, **job.params)`` returns an ``ImportResult``."""
    _IMPORTS[kind] = (capability, service)


@transaction.atomic
def import_job_create(
    *, actor: Membership, kind: str, file: UploadedFile[Any], params: dict[str, Any] | None = None
) -> ImportJob:
    """Keep an uploaded import file and queue its import for the actor's scope.

    The upload's own checks run here, before anything is stored: the actor's capability
    (``PermissionDeniedError``), size and virus scan (``ValidationError({"file": ...})``). Whether
    the file reads as a table and its rows are right is the import's business (the job page shows
    it). Writes the audit event ``import_job.request`` and enqueues ``run_import_job`` on commit.
    """
    capability, _service = _IMPORTS[kind]
    require_capability(actor, capability)
    if actor.instansi_id is None:
        raise PermissionDeniedError(NOT_PERMITTED)
    _content, sha256 = check_import_upload(file)
    job = ImportJob(
        instansi_id=actor.instansi_id,
        kind=kind,
        membership=actor,
        unit=actor.unit if actor.is_unit_narrowed else None,
        requested_by=actor.user,
        file_name=(file.name or "impor")[:255],
        sha256=sha256,
        params=params or {},
    )
    file.seek(0)
    job.file.save(job.file_name, file, save=False)
    job.save()
    audit_record(
        actor=actor.user,
        verb="import_job.request",
        obj=job,
        after={"kind": kind, "file": job.file_name, "sha256": sha256},
    )
    run_import_job.delay_on_commit(instansi_id=actor.instansi_id, job_id=job.pk)
    return job


def _import_job_claim(job_id: int) -> datetime.datetime | None:
    """``pending → running`` (or a stale ``running`` again) as one conditional update; the claim's
    ``started_at``, or None when another run has the job or it is finished."""
    now = timezone.now()
    claimable = Q(status=ImportJobStatus.PENDING) | Q(
        status=ImportJobStatus.RUNNING, started_at__lt=now - _IMPORT_STALE_AFTER
    )
    claimed = ImportJob.objects.filter(claimable, pk=job_id).update(status=ImportJobStatus.RUNNING, started_at=now)
    return now if claimed == 1 else None


def import_job_run(*, job_id: int) -> bool:
    """Run one pending import job; True when this call finished it.

    The claim commits at once (the job page shows "being processed"; a duplicate message finds the
    job taken). The import runs with the importer's membership — their instansi and unit scope,
    checked again now — and in their language (the row errors are kept as text). The import and
    the job's result commit together, and only while this run still holds the claim: a run that
    was overtaken rolls its import back. Must run inside the job's instansi scope (the task opens it).
    """
    started_at = _import_job_claim(job_id)
    if started_at is None:
        return False
    job = ImportJob.objects.select_related("membership__user", "membership__unit", "requested_by").get(pk=job_id)
    actor = job.membership
    _capability, service = _IMPORTS[job.kind]
    language = (job.requested_by.language if job.requested_by else "") or settings.LANGUAGE_CODE
    with translation.override(language):
        try:
            with transaction.atomic():
                outcome = _import_job_import(job, actor, service)
                if not _import_job_finish(job, started_at, **outcome):
                    transaction.set_rollback(True)
                    return False
        except Exception as exc:  # any other failure ends in "failed", never in a job stuck "running"
            logger.exception("import job %s failed", job.public_id)
            with transaction.atomic():
                finished = _import_job_finish(
                    job, started_at, status=ImportJobStatus.FAILED, message=str(IMPORT_JOB_BROKEN)
                )
                if finished:
                    audit_record(actor=None, verb="import_job.fail", obj=job, after={"error": f"{type(exc).__name__}"})
            return finished
    return True


def _import_job_import(job: ImportJob, actor: Membership, service: Any) -> dict[str, Any]:
    """The import itself; a refusal or a file that cannot be read is a failed job, not an error."""
    if not actor.is_active or actor.instansi_id != job.instansi_id:
        return {"status": ImportJobStatus.FAILED, "message": str(IMPORT_JOB_NOT_ALLOWED)}
    with job.file.open("rb") as stored:
        content = stored.read()
    upload = SimpleUploadedFile(job.file_name, content)
    if hashlib.sha256(content).hexdigest() == job.sha256:
        mark_scanned_clean(upload, job.sha256)  # scanned at upload; a changed copy is scanned again
    try:
        result: ImportResult = service(actor=actor, file=upload, **job.params)
    except PermissionDeniedError:
        return {"status": ImportJobStatus.FAILED, "message": str(IMPORT_JOB_NOT_ALLOWED)}
    except ValidationError as exc:
        return {"status": ImportJobStatus.FAILED, "message": " ".join(exc.messages)}
    if not result.ok:
        errors = [{"row": e.row, "column": e.column, "message": e.message} for e in result.errors]
        return {"status": ImportJobStatus.FAILED, "total": result.total, "errors": errors}
    return {
        "status": ImportJobStatus.DONE,
        "total": result.total,
        "created": result.created,
        "updated": result.updated,
        "unchanged": result.unchanged,
    }


def _import_job_finish(job: ImportJob, started_at: datetime.datetime, **values: Any) -> bool:
    """Set the job's result, only while this run holds the claim (a stale run may have been overtaken)."""
    return (
        ImportJob.objects.filter(pk=job.pk, status=ImportJobStatus.RUNNING, started_at=started_at).update(
            finished_at=timezone.now(), **values
        )
        == 1
    )


def import_jobs_reconcile() -> int:
    """Beat: re-enqueue import jobs whose message was lost (``pending`` longer than two visibility
    timeouts) or whose worker died (``running`` past the stale bound). Returns how many."""
    now = timezone.now()
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
    lost = Q(status=ImportJobStatus.PENDING, created_at__lt=now - datetime.timedelta(seconds=2 * visibility))
    abandoned = Q(status=ImportJobStatus.RUNNING, started_at__lt=now - _IMPORT_STALE_AFTER)
    with all_tenants("the reconciler looks for unfinished imports in every instansi"):
        rows = list(ImportJob.unscoped.filter(lost | abandoned).values_list("instansi_id", "pk")[:1000])
    for instansi_id, pk in rows:
        run_import_job.delay(instansi_id=instansi_id, job_id=pk)
    if rows:
        logger.warning("reconciler: %s import job(s) enqueued again", len(rows))
    return len(rows)
