"""The monitoring report renders through the reports pipeline (WeasyPrint) and is read back."""

from __future__ import annotations

from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.rencana_aksi.reports import MONITORING_REPORT, monitoring_report_queue
from apps.rencana_aksi.services.realisasi import realisasi_save, realisasi_verify
from apps.reports.models import Report, ReportStatus
from apps.reports.services import report_render
from apps.tenancy.scope import scope
from tests.rencana_aksi.conftest import TAHUN, RAWorld
from tests.rencana_aksi.test_services import PDF
from tests.reports.factories import pdf_fill_colours, pdf_text


def _reported(ra: RAWorld) -> None:
    kegiatan = ra.add_kegiatan(months=[3], area=4, description="Reviu SAKIP unit")
    ra.approve()
    with scope(ra.world.instansi_a.pk):
        realisasi = realisasi_save(
            actor=ra.actor(ra.world.ani),
            kegiatan=kegiatan,
            periode=f"{TAHUN}-03",
            progress=80,
            value=Decimal("4"),
            narrative="Reviu triwulan pertama selesai",
            files=[SimpleUploadedFile("notulen-reviu.pdf", PDF)],
            submit=True,
        )
        realisasi_verify(actor=ra.actor(ra.hadi), realisasi=realisasi)


def test_requested_from_the_plan_page_and_read_back(ra: RAWorld, login) -> None:
    _reported(ra)
    url = reverse("rencana_aksi:rencana-report", kwargs={"public_id": ra.rencana.public_id})
    response = login(ra.world.ani).post(url, {"periode": f"{TAHUN}-03"})
    assert response.status_code == 302
    with scope(ra.world.instansi_a.pk):
        report = Report.objects.get(kind=MONITORING_REPORT)
        assert response["Location"] == reverse("reports:report-detail", kwargs={"public_id": report.public_id})
        assert report_render(report_id=report.pk) is True
        report.refresh_from_db()
    assert report.status == ReportStatus.DONE, report.error
    text = pdf_text(report.file.read())
    for expected in (
        "Laporan monitoring rencana aksi",
        ra.world.unit_a1.name,
        f"{TAHUN}-03",
        "Reviu SAKIP unit",
        "Penguatan Akuntabilitas Kinerja",
        "Reviu triwulan pertama selesai",
        "reviu.pdf",  # the evidence file (the name wraps at its hyphen)
        "80 %",
        "Terverifikasi",
    ):
        assert expected in text, expected
    # The progress over the periods as a chart (issue 21): caption, legend, bars, numbers.
    assert "Kemajuan dari periode ke periode" in text
    assert "Kemajuan per periode (rata-rata kegiatan yang dilaporkan)" in text
    assert f"Butir Dilaporkan Terverifikasi {TAHUN}-03 80 % 80 %" in text
    assert {"#1f5f8b", "#c0661a"} <= pdf_fill_colours(report.file.open("rb").read())


def test_a_period_outside_the_year_is_refused(ra: RAWorld, login) -> None:
    url = reverse("rencana_aksi:rencana-report", kwargs={"public_id": ra.rencana.public_id})
    response = login(ra.world.ani).post(url, {"periode": f"{TAHUN + 1}-01"}, follow=True)
    assert "Pilih periode monitoring pada tahun rencana." in response.content.decode()
    with scope(ra.world.instansi_a.pk):
        assert not Report.objects.exists()


def test_the_beat_report_of_a_closed_period_renders_without_a_requester(ra: RAWorld) -> None:
    _reported(ra)
    with scope(ra.world.instansi_a.pk):
        monitoring_report_queue(rencana=ra.rencana, periode=f"{TAHUN}-03")
        report = Report.objects.get(kind=MONITORING_REPORT)
        assert report.requested_by is None
        assert report_render(report_id=report.pk) is True
        report.refresh_from_db()
    text = pdf_text(report.file.read())
    assert "Reviu SAKIP unit" in text
    assert "Realisasi dilaporkan 1 / 1" in text  # realisasi reported / kegiatan due
