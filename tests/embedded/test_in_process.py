"""Everything a person starts under ``make run`` finishes under ``make run`` (issue 21): PDF reports,
the periodic sweeps, imports and the PortalRB log, with SQLite and tasks run in-process.

Collected only in the embedded configuration (see ``conftest.py``); the same features are proven on
PostgreSQL, Redis and a real worker by their own suites."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils.module_loading import import_string

from apps.accounts.models import User
from apps.rencana_aksi.models import Kegiatan, RencanaAksi
from apps.reports.models import Report, ReportStatus
from apps.unit_kerja.models import ImportJob, ImportJobStatus, Pegawai, UnitKerja
from tests.embedded.test_demo_walk import shape, walk

# Every form that asks for a PDF report: the generic one and each app's own (rencana aksi, survei, pakta).
REPORT_FORM = re.compile(
    r'<form method="post" action="([^"]*/(?:laporan/(?:buat/)?|rekap/)(?:\?[^"]*)?)"[^>]*>(.*?)</form>', re.S
)
HIDDEN = re.compile(r'<input type="hidden" name="(\w+)" value="([^"]*)">')
SELECT = re.compile(r'<select[^>]*name="(\w+)"[^>]*>.*?<option value="([^"]*)"', re.S)


@pytest.fixture
def demo(transactional_db: None, settings) -> None:
    """Real commits, as under ``make run``: work enqueued on commit runs when the request commits."""
    settings.ZI_DEMO = True
    call_command("seed_demo", verbosity=0)


def test_this_is_the_embedded_configuration(db: None) -> None:
    assert connection.vendor == "sqlite"
    assert settings.CELERY_TASK_ALWAYS_EAGER is True
    assert "locmem" in settings.CACHES["default"]["BACKEND"].lower()


def test_every_pdf_report_offered_in_the_demo_is_ready_when_the_page_comes_back(demo: None) -> None:
    offered: dict[str, tuple[Client, str, dict[str, str]]] = {}
    for email in ("admin@kemen-contoh.go.id", "tpi@kemen-contoh.go.id"):
        client = Client()
        client.force_login(User.objects.get(email=email))
        pages: dict[str, str] = {}
        walk(client, reverse("core:dashboard"), pages)
        for html in pages.values():
            for action, body in REPORT_FORM.findall(html):
                fields = dict(SELECT.findall(body)) | dict(HIDDEN.findall(body))
                fields.pop("csrfmiddlewaretoken", None)
                offered.setdefault(fields.get("kind") or shape(action.split("?")[0]), (client, action, fields))
    kinds = set()
    for client, action, fields in offered.values():
        before = set(Report.unscoped.values_list("pk", flat=True))
        response = client.post(action, fields, follow=True)
        assert response.status_code == 200, action
        [report] = Report.unscoped.exclude(pk__in=before)
        kinds.add(report.kind)
        assert report.status == ReportStatus.DONE, (report.kind, report.error)
        with report.file.open("rb") as handle:
            assert handle.read(5) == b"%PDF-"
        # The page says it is ready, never "being generated" beside "ready".
        page = response.content.decode()
        assert 'data-status="done"' in page
        assert "sedang dibuat" not in page
    assert {"lhe", "pakta_rekap", "survei_hasil"} <= kinds, kinds


@pytest.mark.parametrize("task", sorted(settings.CELERY_BEAT_SCHEDULE))
def test_every_periodic_sweep_runs_in_process(demo: None, task: str) -> None:
    result = import_string(settings.CELERY_BEAT_SCHEDULE[task]["task"]).delay()
    assert result.successful(), result.traceback


def test_a_unit_import_is_finished_when_its_job_page_comes_back(demo: None) -> None:
    client = Client()
    client.force_login(User.objects.get(email="admin@kemen-contoh.go.id"))
    parent = UnitKerja.unscoped.get(instansi__code="kemen-contoh", code="DIT-IZIN")
    upload = SimpleUploadedFile("unit.csv", f"kode,nama,kode_induk\nSEKSI-9,Seksi Sembilan,{parent.code}\n".encode())
    response = client.post(reverse("unit_kerja:unit-import"), {"file": upload}, follow=True)
    assert response.status_code == 200
    assert UnitKerja.unscoped.filter(code="SEKSI-9", parent=parent).exists()
    assert 'data-status="done"' in response.content.decode()


def test_a_roster_import_is_finished_when_its_job_page_comes_back(demo: None) -> None:
    client = Client()
    client.force_login(User.objects.get(email="admin@kemen-contoh.go.id"))
    upload = SimpleUploadedFile("pegawai.csv", b"nip,nama,kode_unit\n198501012010011099,Pegawai Impor,DIT-IZIN\n")
    response = client.post(reverse("unit_kerja:pegawai-import"), {"file": upload}, follow=True)
    assert response.status_code == 200
    [job] = ImportJob.unscoped.all()
    assert response.redirect_chain == [(reverse("unit_kerja:import-job", kwargs={"public_id": job.public_id}), 302)]
    assert job.status == ImportJobStatus.DONE, (job.message, job.errors)
    assert Pegawai.unscoped.filter(nip="198501012010011099", unit__code="DIT-IZIN").exists()
    page = response.content.decode()
    assert 'data-status="done"' in page
    assert "hx-trigger" not in page


def test_a_kegiatan_import_is_finished_when_its_job_page_comes_back(demo: None) -> None:
    client = Client()
    client.force_login(User.objects.get(email="operator.izin@kemen-contoh.go.id"))
    rencana = RencanaAksi.unscoped.filter(unit__code="DIT-IZIN").order_by("-cycle__tahun").first()
    assert rencana is not None
    pic = Pegawai.unscoped.filter(unit=rencana.unit, is_active=True).order_by("nip").first()
    assert pic is not None
    before = Kegiatan.unscoped.filter(rencana=rencana).count()
    sheet = (
        "area,kegiatan,output,indikator,target,satuan,nip_pic,bulan,tenggat\n"
        f"1,Kegiatan hasil impor,Dokumen,Ada,1,dokumen,{pic.nip},12,{rencana.cycle.tahun}-12-31\n"
    )
    url = reverse("rencana_aksi:kegiatan-import", kwargs={"public_id": rencana.public_id})
    upload = SimpleUploadedFile("kegiatan.csv", sheet.encode())
    response = client.post(url, {"file": upload, "reason": "Tambahan dari rapat"}, follow=True)
    assert response.status_code == 200
    [job] = ImportJob.unscoped.filter(kind="kegiatan")
    job_url = reverse("rencana_aksi:kegiatan-import-job", kwargs={"public_id": job.public_id})
    assert response.redirect_chain == [(job_url, 302)]
    assert job.status == ImportJobStatus.DONE, (job.message, job.errors)
    assert Kegiatan.unscoped.filter(rencana=rencana).count() == before + 1
    page = response.content.decode()
    assert 'data-status="done"' in page
    assert "hx-trigger" not in page
