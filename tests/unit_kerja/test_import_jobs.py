"""The roster import in the background (issue 21): upload → job page that follows the import.

The upload's own checks (size, virus scan) answer on the upload form; the import itself — the same
``pegawai_import`` service the synchronous page called — runs in ``run_import_job`` with the
importer's membership, and its result (counts, or every row error) lands on the job page.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.tenancy.models import Membership
from apps.tenancy.roles import Role
from apps.unit_kerja import tabular, validators
from apps.unit_kerja.models import ImportJob, ImportJobStatus, Pegawai
from apps.unit_kerja.services.import_jobs import IMPORT_JOB_NOT_ALLOWED
from apps.unit_kerja.services.imports import IMPORT_UNIT_OUTSIDE
from apps.unit_kerja.tasks import run_import_job
from tests.conftest import World
from tests.factories import MembershipFactory, PegawaiFactory, UserFactory
from tests.unit_kerja.conftest import NIP_1, NIP_2, csv_file

Login = Callable[[User], Client]
UPLOAD = reverse("unit_kerja:pegawai-import")
GOOD = [["nip", "nama", "kode_unit"], [NIP_1, "Satu", "A1"], [NIP_2, "Dua", "A1"]]


def job_url(job: ImportJob, name: str = "unit_kerja:import-job") -> str:
    return reverse(name, kwargs={"public_id": job.public_id})


def the_job(world: World, in_scope) -> ImportJob:
    with in_scope(world.instansi_a):
        return ImportJob.objects.get()


def run(job: ImportJob) -> bool:
    """What the worker does with the job's message (the task opens the job's instansi scope)."""
    return run_import_job(instansi_id=job.instansi_id, job_id=job.pk)


def indonesian(message: object) -> str:
    with translation.override("id"):
        return str(message)


def test_upload_lands_on_a_polling_job_page_and_the_task_imports(world: World, login: Login, in_scope) -> None:
    client = login(world.ani)
    response = client.post(UPLOAD, {"file": csv_file(GOOD, name="roster.csv")})
    job = the_job(world, in_scope)
    assert response.status_code == 302
    assert response.url == job_url(job)
    # Nothing is imported in the request: the job waits for the worker, with the file kept.
    assert job.status == ImportJobStatus.PENDING
    assert (job.kind, job.file_name, job.unit_id, job.requested_by) == (
        "pegawai",
        "roster.csv",
        world.unit_a1.pk,
        world.ani,
    )
    assert job.membership.user == world.ani
    with job.file.open("rb") as stored:
        assert stored.read().startswith(b"nip,nama,kode_unit")
    assert not Pegawai.unscoped.exists()
    assert AuditEvent.unscoped.filter(verb="import_job.request", actor=world.ani).count() == 1
    page = client.get(job_url(job)).content.decode()
    assert 'data-status="pending"' in page
    assert 'hx-trigger="every 2s"' in page
    assert "Berkas sedang diproses…" in page

    assert run(job) is True
    job.refresh_from_db()
    assert job.status == ImportJobStatus.DONE
    assert (job.total, job.created, job.updated, job.unchanged, job.errors) == (2, 2, 0, 0, [])
    assert job.started_at is not None
    assert job.finished_at is not None
    assert Pegawai.unscoped.filter(unit=world.unit_a1).count() == 2
    assert AuditEvent.unscoped.filter(verb="pegawai.import", actor=world.ani).count() == 1
    # The fragment the page polls now carries the result and no trigger (the polling stops).
    fragment = client.get(job_url(job, "unit_kerja:import-job-status")).content.decode()
    assert 'data-status="done"' in fragment
    assert "hx-trigger" not in fragment
    assert "Impor selesai: 2 ditambahkan, 0 diperbarui, 0 tidak berubah." in fragment
    # A second delivery of the same message finds the job finished and does nothing.
    assert run(job) is False
    assert Pegawai.unscoped.count() == 2


def test_row_errors_are_listed_on_the_job_page_and_nothing_is_saved(world: World, login: Login, in_scope) -> None:
    PegawaiFactory(unit=world.unit_a1, nip=NIP_2, name="Lama")
    client = login(world.ani)
    rows = [["nip", "nama", "kode_unit"], [NIP_2, "Baru", "A1"], ["123", "Dua", "A1"], [NIP_1, "Tiga", "A2"]]
    client.post(UPLOAD, {"file": csv_file(rows)})
    job = the_job(world, in_scope)
    assert run(job) is True
    job.refresh_from_db()
    assert job.status == ImportJobStatus.FAILED
    assert [(e["row"], e["column"]) for e in job.errors] == [(3, "nip"), (4, "kode_unit")]
    page = client.get(job_url(job)).content.decode()
    assert "<td>3</td>" in page
    assert "<td>4</td>" in page
    assert indonesian(validators.NIP_INVALID_LENGTH) in page
    assert indonesian(IMPORT_UNIT_OUTSIDE) % {"code": "A2"} in page
    assert "Ditemukan 2 masalah" in page
    assert "hx-trigger" not in page
    # All or nothing: the good row changed nothing either.
    assert list(Pegawai.unscoped.values_list("nip", "name")) == [(NIP_2, "Lama")]
    assert not AuditEvent.unscoped.filter(verb="pegawai.import").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"nama,kode_unit\nSatu,A1\n", tabular.IMPORT_MISSING_COLUMNS % {"columns": "nip"}),
        (b"nip,nama,kode_unit\n", tabular.IMPORT_NO_ROWS),
        (b"\xff\xfen\x00i\x00p\x00", tabular.IMPORT_FILE_TYPE),
    ],
    ids=["missing-column", "no-rows", "not-a-table"],
)
def test_a_file_that_is_not_a_roster_fails_with_an_indonesian_message(
    world: World, login: Login, in_scope, content: bytes, message: object
) -> None:
    client = login(world.citra)
    client.post(UPLOAD, {"file": SimpleUploadedFile("pegawai.csv", content)})
    job = the_job(world, in_scope)
    assert run(job) is True
    job.refresh_from_db()
    assert job.status == ImportJobStatus.FAILED
    assert job.message == indonesian(message)
    page = client.get(job_url(job)).content.decode()
    assert indonesian(message) in page
    assert "Tidak ada yang diimpor." in page
    assert not Pegawai.unscoped.exists()


def test_an_empty_or_oversize_upload_is_refused_on_the_form_without_a_job(world: World, login: Login, settings) -> None:
    client = login(world.ani)
    empty = client.post(UPLOAD, {"file": SimpleUploadedFile("kosong.csv", b"")})
    assert empty.status_code == 200
    assert indonesian(tabular.IMPORT_FILE_EMPTY) in empty.content.decode()
    settings.ZI_IMPORT_MAX_BYTES = 10
    big = client.post(UPLOAD, {"file": csv_file(GOOD)})
    assert big.status_code == 200
    assert indonesian(tabular.IMPORT_FILE_TOO_LARGE) % {"limit": 0} in big.content.decode()
    assert not ImportJob.unscoped.exists()


def test_the_import_runs_in_the_importers_scope_checked_again_at_run_time(world: World, login: Login, in_scope) -> None:
    """The job carries the importer's role: a unit-narrowed operator's rows outside the unit are
    refused as in the synchronous import, and a role revoked before the worker runs imports nothing."""
    client = login(world.ani)
    client.post(UPLOAD, {"file": csv_file(GOOD)})
    job = the_job(world, in_scope)
    Membership.objects.filter(user=world.ani).update(is_active=False)
    assert run(job) is True
    job.refresh_from_db()
    assert job.status == ImportJobStatus.FAILED
    assert job.message == indonesian(IMPORT_JOB_NOT_ALLOWED)
    assert not Pegawai.unscoped.exists()


def test_the_claim_lets_one_run_import_and_a_dead_workers_job_be_taken_again(
    world: World, login: Login, in_scope, settings
) -> None:
    client = login(world.citra)
    client.post(UPLOAD, {"file": csv_file(GOOD)})
    job = the_job(world, in_scope)
    # Another worker holds the claim (running, recently): this run leaves it alone.
    ImportJob.unscoped.filter(pk=job.pk).update(status=ImportJobStatus.RUNNING, started_at=timezone.now())
    assert run(job) is False
    assert not Pegawai.unscoped.exists()
    # That worker died: past the task's time limit the redelivered message claims the job again.
    long_ago = timezone.now() - datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 120)
    ImportJob.unscoped.filter(pk=job.pk).update(started_at=long_ago)
    assert run(job) is True
    job.refresh_from_db()
    assert (job.status, job.created) == (ImportJobStatus.DONE, 2)
    assert Pegawai.unscoped.count() == 2


def test_a_task_for_another_instansi_finds_no_job(world: World, login: Login, in_scope) -> None:
    login(world.citra).post(UPLOAD, {"file": csv_file(GOOD)})
    job = the_job(world, in_scope)
    assert run_import_job(instansi_id=world.instansi_b.pk, job_id=job.pk) is False
    job.refresh_from_db()
    assert job.status == ImportJobStatus.PENDING
    assert not Pegawai.unscoped.exists()


def test_job_page_access_both_sides(world: World, login: Login, in_scope) -> None:
    rina = UserFactory(email="rina@alfa.go.id", name="Rina Operator A2")
    MembershipFactory(user=rina, instansi=world.instansi_a, unit=world.unit_a2, role=Role.TIM_KERJA)
    login(world.ani).post(UPLOAD, {"file": csv_file(GOOD)})
    ani_job = the_job(world, in_scope)
    login(world.citra).post(UPLOAD, {"file": csv_file(GOOD)})
    with in_scope(world.instansi_a):
        citra_job = ImportJob.objects.exclude(pk=ani_job.pk).get()
    for name in ("unit_kerja:import-job", "unit_kerja:import-job-status"):
        ani_url, citra_url = job_url(ani_job, name), job_url(citra_job, name)
        # Who gets in: the importer, and the instansi roles that manage pegawai.
        assert login(world.ani).get(ani_url).status_code == 200
        assert login(world.citra).get(ani_url).status_code == 200
        assert login(world.citra).get(citra_url).status_code == 200
        # Who is refused: another instansi, another unit's operator, a unit operator on an
        # instansi-wide import, a member who may not manage pegawai.
        assert login(world.dodi).get(ani_url).status_code == 404
        assert login(rina).get(ani_url).status_code == 404
        assert login(world.ani).get(citra_url).status_code == 404
        assert login(world.evi).get(ani_url).status_code == 403
        assert login(world.ani).post(ani_url).status_code == 405


def test_upload_permissions_and_method(world: World, login: Login) -> None:
    assert login(world.evi).get(UPLOAD).status_code == 403
    assert login(world.evi).post(UPLOAD, {"file": csv_file(GOOD)}).status_code == 403
    assert login(world.ani).delete(UPLOAD).status_code == 405
    assert login(world.ani).get(UPLOAD).status_code == 200
    assert not ImportJob.unscoped.exists()
