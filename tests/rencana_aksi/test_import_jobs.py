"""The kegiatan import in the background (issue 21): upload → job page that follows the import.

The upload's own checks (size, virus scan) and what is known before reading the sheet (a plan
waiting for approval, an approved plan without a reason) answer on the upload form; the import
itself — the same ``kegiatan_import`` service the synchronous page called, all or nothing — runs in
unit_kerja's ``run_import_job`` with the importer's membership, and its result lands on the job page.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.rencana_aksi.imports import IMPORT_PIC_UNKNOWN
from apps.rencana_aksi.models import Kegiatan, PlanStatus, RencanaAksi
from apps.rencana_aksi.services.base import REASON_REQUIRED, WAITING_APPROVAL
from apps.rencana_aksi.services.plans import rencana_aksi_submit
from apps.tenancy.roles import Role
from apps.unit_kerja import tabular
from apps.unit_kerja.models import ImportJob, ImportJobStatus
from apps.unit_kerja.tasks import run_import_job
from tests.factories import MembershipFactory, UserFactory
from tests.rencana_aksi.conftest import TAHUN, RAWorld
from tests.rencana_aksi.test_import import good_rows, workbook

Login = Callable[[User], Client]


def upload_url(ra: RAWorld) -> str:
    return reverse("rencana_aksi:kegiatan-import", kwargs={"public_id": ra.rencana.public_id})


def job_url(job: ImportJob, name: str = "rencana_aksi:kegiatan-import-job") -> str:
    return reverse(name, kwargs={"public_id": job.public_id})


def the_job(ra: RAWorld, in_scope) -> ImportJob:
    with in_scope(ra.world.instansi_a):
        return ImportJob.objects.get()


def run(job: ImportJob) -> bool:
    """What the worker does with the job's message (the task opens the job's instansi scope)."""
    return run_import_job(instansi_id=job.instansi_id, job_id=job.pk)


def indonesian(message: object, **params: object) -> str:
    with translation.override("id"):
        return str(message) % params if params else str(message)


def test_upload_lands_on_a_polling_job_page_and_the_task_imports(ra: RAWorld, login: Login, in_scope) -> None:
    client = login(ra.world.ani)
    response = client.post(upload_url(ra), {"file": workbook(*good_rows(ra))})
    job = the_job(ra, in_scope)
    assert response.status_code == 302
    assert response.url == job_url(job)
    # Nothing is imported in the request: the job waits for the worker, with the file and the plan kept.
    assert (job.status, job.kind, job.file_name, job.requested_by) == (
        ImportJobStatus.PENDING,
        "kegiatan",
        "kegiatan.xlsx",
        ra.world.ani,
    )
    assert job.params == {"rencana": str(ra.rencana.public_id), "reason": ""}
    assert not Kegiatan.unscoped.exists()
    assert AuditEvent.unscoped.filter(verb="import_job.request", actor=ra.world.ani).count() == 1
    page = client.get(job_url(job)).content.decode()
    assert 'data-status="pending"' in page
    assert 'hx-trigger="every 2s"' in page
    assert job_url(job, "rencana_aksi:kegiatan-import-job-status") in page
    assert "Berkas sedang diproses…" in page

    assert run(job) is True
    job.refresh_from_db()
    assert (job.status, job.total, job.created, job.errors) == (ImportJobStatus.DONE, 2, 2, [])
    assert Kegiatan.unscoped.filter(rencana=ra.rencana).count() == 2
    assert AuditEvent.unscoped.filter(verb="kegiatan.import", actor=ra.world.ani).count() == 1
    # The fragment the page polls now carries the result and no trigger (the polling stops).
    fragment = client.get(job_url(job, "rencana_aksi:kegiatan-import-job-status")).content.decode()
    assert 'data-status="done"' in fragment
    assert "hx-trigger" not in fragment
    assert "Impor selesai: 2 kegiatan ditambahkan." in fragment
    assert reverse("rencana_aksi:rencana-detail", kwargs={"public_id": ra.rencana.public_id}) in fragment
    # A second delivery of the same message finds the job finished and does nothing.
    assert run(job) is False
    assert Kegiatan.unscoped.count() == 2


def test_row_errors_are_listed_on_the_job_page_and_nothing_is_saved(ra: RAWorld, login: Login, in_scope) -> None:
    bad = [3, "1", "Survei", "Laporan", "IKM", 80, "%", "199901012020011999", "6", f"{TAHUN}-06-30", ""]
    client = login(ra.world.ani)
    client.post(upload_url(ra), {"file": workbook(*good_rows(ra), bad)})
    job = the_job(ra, in_scope)
    assert run(job) is True
    job.refresh_from_db()
    assert job.status == ImportJobStatus.FAILED
    assert [(e["row"], e["column"]) for e in job.errors] == [(4, "nip_pic")]
    page = client.get(job_url(job)).content.decode()
    assert indonesian(IMPORT_PIC_UNKNOWN, value="199901012020011999") in page
    assert "Tidak ada pegawai dengan NIP 199901012020011999." in page
    assert "Ditemukan 1 masalah — tidak ada data yang diimpor" in page
    assert "hx-trigger" not in page
    assert upload_url(ra) in page  # "upload a corrected file"
    # All or nothing: the good rows were not saved either.
    assert not Kegiatan.unscoped.exists()
    assert not AuditEvent.unscoped.filter(verb="kegiatan.import").exists()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"area,kegiatan\n1,Sosialisasi\n", None),
        (b"area,kegiatan,output,indikator,target,satuan,nip_pic,bulan,tenggat\n", tabular.IMPORT_NO_ROWS),
        (b"MZ\x90\x00 not a workbook", tabular.IMPORT_FILE_TYPE),
    ],
    ids=["missing-columns", "no-rows", "not-a-table"],
)
def test_a_file_that_is_not_a_kegiatan_sheet_fails_with_an_indonesian_message(
    ra: RAWorld, login: Login, in_scope, content: bytes, message: object
) -> None:
    client = login(ra.world.ani)
    client.post(upload_url(ra), {"file": SimpleUploadedFile("kegiatan.csv", content)})
    job = the_job(ra, in_scope)
    assert run(job) is True
    job.refresh_from_db()
    assert job.status == ImportJobStatus.FAILED
    if message is None:
        missing = "output, indikator, target, satuan, nip_pic, bulan, tenggat"
        message = indonesian(tabular.IMPORT_MISSING_COLUMNS, columns=missing)
    assert job.message == indonesian(message)
    page = client.get(job_url(job)).content.decode()
    assert indonesian(message) in page
    assert "Tidak ada yang diimpor." in page
    assert not Kegiatan.unscoped.exists()


def test_what_is_known_before_reading_the_sheet_is_refused_on_the_form(ra: RAWorld, login: Login, settings) -> None:
    client = login(ra.world.ani)
    empty = client.post(upload_url(ra), {"file": SimpleUploadedFile("kosong.csv", b"")})
    assert empty.status_code == 200
    assert indonesian(tabular.IMPORT_FILE_EMPTY) in empty.content.decode()
    # An approved plan: the reason is asked beside the form (it opens a new revision).
    ra.add_kegiatan()
    ra.approve()
    response = client.post(upload_url(ra), {"file": workbook(*good_rows(ra))})
    assert response.status_code == 200
    assert indonesian(REASON_REQUIRED) in response.content.decode()
    assert not ImportJob.unscoped.exists()


def test_an_approved_plan_with_a_reason_opens_a_revision_in_the_job(ra: RAWorld, login: Login, in_scope) -> None:
    ra.add_kegiatan()
    ra.approve()
    client = login(ra.world.ani)
    response = client.post(upload_url(ra), {"file": workbook(*good_rows(ra)), "reason": "Tambahan dari rapat"})
    job = the_job(ra, in_scope)
    assert response.url == job_url(job)
    assert job.params["reason"] == "Tambahan dari rapat"
    assert run(job) is True
    job.refresh_from_db()
    assert (job.status, job.created) == (ImportJobStatus.DONE, 2)
    with in_scope(ra.world.instansi_a):
        plan = RencanaAksi.objects.get()
    assert (plan.status, plan.revision) == (PlanStatus.DRAFT, 2)


def test_a_plan_submitted_before_the_job_runs_is_a_message_on_the_job_page(ra: RAWorld, login: Login, in_scope) -> None:
    ra.add_kegiatan()
    client = login(ra.world.ani)
    client.post(upload_url(ra), {"file": workbook(*good_rows(ra))})
    job = the_job(ra, in_scope)
    with in_scope(ra.world.instansi_a):
        rencana_aksi_submit(actor=ra.actor(ra.world.ani), rencana=RencanaAksi.objects.get())
    assert run(job) is True
    job.refresh_from_db()
    assert job.status == ImportJobStatus.FAILED
    assert job.message == indonesian(WAITING_APPROVAL)
    assert Kegiatan.unscoped.count() == 1


def test_job_page_access_both_sides(ra: RAWorld, login: Login, in_scope) -> None:
    """Whoever sees the plan sees its import: the unit's people, the instansi roles and its TPI."""
    world = ra.world
    rina = UserFactory(email="rina@alfa.go.id", name="Rina Operator A2")
    MembershipFactory(user=rina, instansi=world.instansi_a, unit=world.unit_a2, role=Role.TIM_KERJA)
    login(world.ani).post(upload_url(ra), {"file": workbook(*good_rows(ra))})
    job = the_job(ra, in_scope)
    for name in ("rencana_aksi:kegiatan-import-job", "rencana_aksi:kegiatan-import-job-status"):
        url = job_url(job, name)
        # Who gets in: the importer, the unit's pimpinan, the admin ZI, the TPI, a read-only member.
        for user in (world.ani, ra.hadi, world.citra, world.budi, world.evi):
            assert login(user).get(url).status_code == 200, (name, user)
        # Who is refused: another instansi, another unit's operator (404); a member who may not see
        # the plan (403); a write method (405).
        assert login(world.dodi).get(url).status_code == 404
        assert login(rina).get(url).status_code == 404
        assert login(ra.sari_user).get(url).status_code == 403
        assert login(world.ani).post(url).status_code == 405
    # The roster job page does not show a kegiatan import (its access rules are the plan's).
    assert login(world.citra).get(job_url(job, "unit_kerja:import-job")).status_code == 404


def test_upload_permissions(ra: RAWorld, login: Login) -> None:
    """Uploading needs the right to write the plan: a pimpinan of another unit, a read-only member or
    the TPI cannot queue an import."""
    assert login(ra.world.evi).post(upload_url(ra), {"file": workbook(*good_rows(ra))}).status_code == 403
    assert login(ra.world.budi).post(upload_url(ra), {"file": workbook(*good_rows(ra))}).status_code == 403
    assert login(ra.world.dodi).post(upload_url(ra), {"file": workbook(*good_rows(ra))}).status_code == 404
    assert not ImportJob.unscoped.exists()
