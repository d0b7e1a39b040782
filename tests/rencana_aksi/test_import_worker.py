"""A real Celery worker on Redis runs the kegiatan import the upload queued (issue 21)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from apps.rencana_aksi.models import Kegiatan
from apps.unit_kerja.models import ImportJob, ImportJobStatus
from tests.notifications.worker import TaskLog, running_worker, wait_until
from tests.rencana_aksi.conftest import RAWorld
from tests.rencana_aksi.test_import import good_rows, workbook

__all__ = ["running_worker"]

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_worker_imports_the_uploaded_kegiatan(ra: RAWorld, in_scope, running_worker: TaskLog) -> None:
    client = Client()
    client.force_login(ra.world.ani)
    url = reverse("rencana_aksi:kegiatan-import", kwargs={"public_id": ra.rencana.public_id})
    response = client.post(url, {"file": workbook(*good_rows(ra))})
    assert response.status_code == 302
    with in_scope(ra.world.instansi_a):
        job = ImportJob.objects.get()

    def finished() -> bool:
        with in_scope(ra.world.instansi_a):
            job.refresh_from_db()
        return job.status in {ImportJobStatus.DONE, ImportJobStatus.FAILED}

    wait_until(finished, what="the kegiatan import job to finish")
    assert job.status == ImportJobStatus.DONE, (job.message, job.errors)
    assert job.created == 2
    assert Kegiatan.unscoped.filter(rencana=ra.rencana).count() == 2
    [run] = running_worker.wait_for("run_import_job", 1)
    assert run.kwargs == {"instansi_id": ra.world.instansi_a.pk, "job_id": job.pk}
    assert run.retval is True
    page = client.get(response.url).content.decode()
    assert 'data-status="done"' in page
    assert "Impor selesai: 2 kegiatan ditambahkan." in page
