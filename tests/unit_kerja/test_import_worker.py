"""A real Celery worker on Redis runs the roster import the upload queued (issue 21)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from apps.tenancy.models import Membership
from apps.unit_kerja.models import ImportJob, ImportJobStatus, Pegawai
from apps.unit_kerja.services.import_jobs import import_jobs_reconcile
from tests.conftest import World
from tests.notifications.worker import TaskLog, running_worker, wait_until
from tests.unit_kerja.conftest import NIP_1, NIP_2, csv_file

__all__ = ["running_worker"]

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

ROWS = [["nip", "nama", "kode_unit"], [NIP_1, "Satu", "A1"], [NIP_2, "Dua", "A1"]]


def _finished(job: ImportJob, in_scope, world: World):
    def check() -> bool:
        with in_scope(world.instansi_a):
            job.refresh_from_db()
        return job.status in {ImportJobStatus.DONE, ImportJobStatus.FAILED}

    return check


def test_worker_imports_the_uploaded_roster(world: World, in_scope, running_worker: TaskLog) -> None:
    client = Client()
    client.force_login(world.ani)
    response = client.post(reverse("unit_kerja:pegawai-import"), {"file": csv_file(ROWS)})
    assert response.status_code == 302
    with in_scope(world.instansi_a):
        job = ImportJob.objects.get()
    wait_until(_finished(job, in_scope, world), what="the import job to finish")
    assert job.status == ImportJobStatus.DONE, (job.message, job.errors)
    assert (job.created, job.updated) == (2, 0)
    assert Pegawai.unscoped.filter(unit=world.unit_a1).count() == 2
    [run] = running_worker.wait_for("run_import_job", 1)
    assert run.kwargs == {"instansi_id": world.instansi_a.pk, "job_id": job.pk}
    assert run.retval is True
    page = client.get(response.url).content.decode()
    assert 'data-status="done"' in page


def test_the_reconciler_runs_a_job_whose_message_was_lost(world: World, in_scope, running_worker: TaskLog) -> None:
    """A job committed while its message was lost stays pending; the beat enqueues it again once it is
    older than two visibility timeouts, and leaves a fresh pending job alone."""
    membership = Membership.objects.get(user=world.citra)
    jobs = []
    for name in ("lost.csv", "fresh.csv"):
        job = ImportJob(
            instansi=world.instansi_a,
            kind="pegawai",
            membership=membership,
            requested_by=world.citra,
            file_name=name,
            sha256="0" * 64,  # not the file's: the worker scans the stored copy again
        )
        job.file.save(name, ContentFile(b"nip,nama,kode_unit\n" + f"{NIP_1},Satu,A1\n".encode()), save=False)
        job.save()
        jobs.append(job)
    lost, fresh = jobs
    ImportJob.unscoped.filter(pk=lost.pk).update(created_at=timezone.now() - timedelta(hours=1))
    assert import_jobs_reconcile() == 1
    [run] = running_worker.wait_for("run_import_job", 1)
    assert run.kwargs == {"instansi_id": world.instansi_a.pk, "job_id": lost.pk}
    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert lost.status == ImportJobStatus.DONE, (lost.message, lost.errors)
    assert fresh.status == ImportJobStatus.PENDING
    assert Pegawai.unscoped.filter(nip=NIP_1).exists()
