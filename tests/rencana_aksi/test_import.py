"""Importing kegiatan from XLSX: every row checked first, errors by row, nothing saved on any error."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from apps.rencana_aksi.models import Kegiatan, PlanStatus, RencanaAksi
from apps.rencana_aksi.services.imports import kegiatan_import
from apps.rencana_aksi.services.kegiatan import DEADLINE_OUTSIDE_YEAR, PIC_OTHER_UNIT
from apps.tenancy.scope import scope
from tests.rencana_aksi.conftest import TAHUN, RAWorld

HEADER = [
    "No.",
    "area",
    "kegiatan",
    "output",
    "indikator",
    "target",
    "satuan",
    "nip_pic",
    "bulan",
    "tenggat",
    "anggaran",
]


def workbook(*rows: list[object]) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("kegiatan.xlsx", buffer.getvalue())


def good_rows(ra: RAWorld) -> list[list[object]]:
    return [
        [1, "1", "Pembentukan tim kerja", "SK tim", "SK terbit", 1, "dokumen", ra.sari.nip, "1", f"{TAHUN}-01-31", 0],
        [
            2,
            "Penguatan Pengawasan",
            "Pemetaan risiko",
            "Peta risiko",
            "Ada",
            1,
            "dokumen",
            ra.joko.nip,
            "2-4",
            f"{TAHUN}-04-30",
            2500000,
        ],
    ]


def test_one_bad_row_saves_nothing_and_every_error_is_listed(ra: RAWorld) -> None:
    bad = [3, "9", "Survei", "Laporan", "IKM", "banyak", "%", ra.outsider_pegawai.nip, "13", f"{TAHUN + 1}-01-05", ""]
    with scope(ra.world.instansi_a.pk):
        result = kegiatan_import(actor=ra.actor(ra.world.ani), rencana=ra.rencana, file=workbook(*good_rows(ra), bad))
        assert not Kegiatan.objects.exists()
    assert not result.ok
    errors = {(e.row, e.column) for e in result.errors}
    assert errors == {(4, "area"), (4, "target"), (4, "bulan")}  # unreadable cells first
    fixed = [3, "6", "Survei", "Laporan", "IKM", 80, "%", ra.outsider_pegawai.nip, "6", f"{TAHUN + 1}-01-05", ""]
    with scope(ra.world.instansi_a.pk):
        result = kegiatan_import(actor=ra.actor(ra.world.ani), rencana=ra.rencana, file=workbook(*good_rows(ra), fixed))
        assert not Kegiatan.objects.exists()
    messages = {(e.row, e.column): e.message for e in result.errors}
    assert messages == {
        (4, "nip_pic"): str(PIC_OTHER_UNIT % {"unit": ra.world.unit_a1.name}),
        (4, "tenggat"): str(DEADLINE_OUTSIDE_YEAR % {"tahun": TAHUN}),
    }


def test_a_clean_file_adds_every_row_and_an_approved_plan_needs_a_reason(ra: RAWorld) -> None:
    with scope(ra.world.instansi_a.pk):
        result = kegiatan_import(actor=ra.actor(ra.world.ani), rencana=ra.rencana, file=workbook(*good_rows(ra)))
        assert (result.ok, result.created) == (True, 2)
        rows = list(Kegiatan.objects.order_by("deadline").values_list("area", "schedule", "budget"))
    assert rows == [(1, 0b1, 0), (5, 0b1110, 2500000)]
    ra.approve()
    with scope(ra.world.instansi_a.pk):
        with pytest.raises(ValidationError) as excinfo:
            kegiatan_import(actor=ra.actor(ra.world.ani), rencana=ra.rencana, file=workbook(*good_rows(ra)))
        assert "reason" in excinfo.value.error_dict
        assert Kegiatan.objects.count() == 2
        kegiatan_import(
            actor=ra.actor(ra.world.ani),
            rencana=ra.rencana,
            file=workbook(*good_rows(ra)),
            reason="Tambahan dari rapat",
        )
        assert Kegiatan.objects.count() == 4
        plan = RencanaAksi.objects.get()
    assert (plan.status, plan.revision) == (PlanStatus.DRAFT, 2)


def test_the_import_page_has_one_upload_form_and_the_template(ra: RAWorld, login) -> None:
    """The page lists the columns and has one form (file and reason); the errors by row are on the
    job's page (tests/rencana_aksi/test_import_jobs.py)."""
    url = reverse("rencana_aksi:kegiatan-import", kwargs={"public_id": ra.rencana.public_id})
    html = login(ra.world.ani).get(url).content.decode()
    assert html.count('enctype="multipart/form-data"') == 1
    assert "<code>nip_pic</code>" in html
    template = login(ra.world.ani).get(reverse("rencana_aksi:import-template"))
    assert template.status_code == 200
    assert template.content.startswith(b"PK")


def test_a_disguised_file_is_refused(ra: RAWorld) -> None:
    fake = SimpleUploadedFile("kegiatan.xlsx", b"MZ\x90\x00 not a workbook")
    with scope(ra.world.instansi_a.pk), pytest.raises(ValidationError) as excinfo:
        kegiatan_import(actor=ra.actor(ra.world.ani), rencana=ra.rencana, file=fake)
    assert "file" in excinfo.value.error_dict
