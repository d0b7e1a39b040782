"""Thin Celery tasks for the unit kerja app: ids in, scope opened (TenantTask), one service call."""

from __future__ import annotations

from celery import shared_task

from apps.outbox.tasks import TenantTask


# acks_late: the claim in import_job_run makes a redelivered message a no-op (DESIGN §8).
@shared_task(base=TenantTask, acks_late=True)
def run_import_job(*, instansi_id: int, job_id: int) -> bool:
    from apps.unit_kerja.services.import_jobs import import_job_run

    return import_job_run(job_id=job_id)


@shared_task(acks_late=True)
def import_job_reconcile_beat() -> int:
    """Beat, every 5 minutes: imports whose message was lost or whose worker died run after all."""
    from apps.unit_kerja.services.import_jobs import import_jobs_reconcile

    return import_jobs_reconcile()
