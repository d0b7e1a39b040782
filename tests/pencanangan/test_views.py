"""The pencanangan pages as their users see them: signing, the PDF with its QR verify link, the
public verify page, coverage, exports and the rekap through the reports pipeline."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from apps.demo.management.commands.seed_demo import minimal_pdf
from apps.pencanangan import services
from apps.pencanangan.models import PaktaIntegritas, PaktaSetting, PaktaText
from apps.reports.models import Report
from apps.reports.services import report_render
from apps.tenancy.models import Membership
from apps.tenancy.roles import Role
from tests.conftest import PASSWORD, enrol_totp
from tests.factories import MembershipFactory, UserFactory
from tests.pencanangan.conftest import PaktaWorld
from tests.reports.factories import pdf_fill_colours

pytestmark = pytest.mark.django_db


def _pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_a_pegawai_signs_on_their_page_and_downloads_the_pdf(pakta: PaktaWorld, login) -> None:
    client = login(pakta.sari)
    page = client.get(reverse("pencanangan:my-pakta"))
    assert page.status_code == 200
    assert "PAKTA INTEGRITAS" in page.content.decode()

    refused = client.post(reverse("pencanangan:my-pakta"), {"password": PASSWORD})
    assert refused.status_code == 400
    assert "Centang kotak" in refused.content.decode()
    assert not PaktaIntegritas.unscoped.exists()

    done = client.post(reverse("pencanangan:my-pakta"), {"confirm": "on", "password": PASSWORD})
    pakta_row = PaktaIntegritas.unscoped.get()
    assert done.status_code == 302
    assert done["Location"] == reverse("pencanangan:pakta-detail", args=[pakta_row.public_id])

    pdf = client.get(reverse("pencanangan:pakta-pdf", args=[pakta_row.public_id]))
    assert pdf["Content-Type"] == "application/pdf"
    text = _pdf_text(b"".join(pdf.streaming_content))
    assert "Sari Wulandari" in text
    assert pakta_row.verify_code in text
    assert f"/pakta/verifikasi/{pakta_row.verify_code}/" in text.replace("\n", "")
    again = client.get(reverse("pencanangan:my-pakta"))
    assert "Anda menandatangani" in again.content.decode()


def test_the_public_verify_page_shows_name_unit_date_and_status_without_login(
    pakta: PaktaWorld, in_scope, client
) -> None:
    with in_scope(pakta.world.instansi_a):
        signed = services.pakta_sign_with_password(
            actor=pakta.sari_membership, cycle=pakta.cycle, password=PASSWORD, confirm=True
        )
    page = client.get(reverse("pakta-public:verify-code", args=[signed.verify_code]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "Sari Wulandari" in body
    assert pakta.world.unit_a1.name in body
    assert "Tanda tangan sah." in body
    assert pakta.sari_pegawai.nip not in body  # the NIP is not published
    missing = client.get(reverse("pakta-public:verify-code", args=["ZZZZZZZZZZZZ"]))
    assert missing.status_code == 404
    typed = client.get(reverse("pakta-public:verify"), {"code": signed.verify_code.lower()})
    assert typed["Location"] == reverse("pakta-public:verify-code", args=[signed.verify_code])


def test_the_link_page_signs_once_and_refuses_bad_input_with_a_message(pakta: PaktaWorld, in_scope, client) -> None:
    target = pakta.pegawai[3]
    with in_scope(pakta.world.instansi_a):
        new = services.signing_link_create(
            actor=Membership.objects.get(user=pakta.world.ani), pegawai=target, cycle=pakta.cycle
        )
    url = reverse("pakta-public:sign", args=[new.token])
    assert target.name in client.get(url).content.decode()
    wrong = client.post(url, {"confirm": "on", "nip": "123"})
    assert wrong.status_code == 400
    assert "NIP tidak sesuai" in wrong.content.decode()
    done = client.post(url, {"confirm": "on", "nip": target.nip})
    assert done.status_code == 302
    success = client.get(done["Location"])
    download = re.search(r'href="(/pakta/unduh/[^"]+)"', success.content.decode()).group(1)
    pdf = client.get(download)
    assert target.name in _pdf_text(b"".join(pdf.streaming_content))
    used = client.get(url)
    assert used.status_code == 410
    assert "sudah digunakan" in used.content.decode()
    forged = client.get(reverse("pakta-public:sign", args=["x" * 43]))
    assert forged.status_code == 410
    assert client.get(reverse("pakta-public:download", args=["forged:token"])).status_code == 404
    assert PaktaIntegritas.unscoped.count() == 1


def test_operator_makes_a_link_uploads_a_scan_and_sees_coverage_move(pakta: PaktaWorld, login) -> None:
    client = login(pakta.world.ani)
    unit_url = reverse("pencanangan:unit-detail", args=[pakta.world.unit_a1.public_id])
    before = client.get(unit_url).content.decode()
    assert 'data-coverage="0/10"' in before

    link_page = client.post(reverse("pencanangan:pegawai-link", args=[pakta.pegawai[1].public_id]))
    assert "/pakta/t/" in link_page.content.decode()
    assert "wa.me" in link_page.content.decode()

    bad = client.post(
        reverse("pencanangan:scan-upload", args=[pakta.world.unit_a1.public_id]),
        {"nip": "000", "file": SimpleUploadedFile("p.pdf", minimal_pdf("x"), "application/pdf")},
    )
    assert bad.status_code == 400
    assert "Tidak ada pegawai aktif dengan NIP 000" in bad.content.decode()
    ok = client.post(
        reverse("pencanangan:scan-upload", args=[pakta.world.unit_a1.public_id]),
        {"nip": pakta.pegawai[2].nip, "file": SimpleUploadedFile("p.pdf", minimal_pdf("x"), "application/pdf")},
    )
    assert ok.status_code == 302
    assert 'data-coverage="1/10"' in client.get(unit_url).content.decode()

    export = client.get(reverse("pencanangan:unit-export", args=[pakta.world.unit_a1.public_id]))
    sheet = load_workbook(io.BytesIO(export.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "NIP"
    assert rows[1][0] == pakta.pegawai[2].nip
    assert rows[1][5] == "Pindaian kertas (diunggah operator)"


def test_the_rekap_pdf_renders_through_the_reports_pipeline(pakta: PaktaWorld, in_scope, login) -> None:
    with in_scope(pakta.world.instansi_a):
        services.pakta_sign_with_password(
            actor=pakta.sari_membership, cycle=pakta.cycle, password=PASSWORD, confirm=True
        )
    client = login(pakta.world.ani)
    response = client.post(reverse("pencanangan:unit-rekap", args=[pakta.world.unit_a1.public_id]))
    assert response.status_code == 302
    report = Report.unscoped.get(kind="pakta_rekap")
    with in_scope(pakta.world.instansi_a):
        assert report_render(report_id=report.pk) is True
        report.refresh_from_db()
        text = " ".join(_pdf_text(report.file.read()).split())
    assert "Rekap Pakta Integritas" in text
    assert "Sari Wulandari" in text
    assert "Pegawai 05" in text
    assert "1 / 10" in text
    # The coverage as a chart (issue 21): caption, bars (signed, threshold), the numbers as a table.
    assert f"Pakta Integritas {pakta.cycle.tahun}: pegawai yang sudah menandatangani, per unit" in text
    assert f"{pakta.world.unit_a1.name} 10 % " in text
    report.file.open("rb")
    assert {"#1f5f8b", "#c0661a"} <= pdf_fill_colours(report.file.read())


def test_admin_edits_the_text_and_the_threshold_bad_input_changes_nothing(pakta: PaktaWorld, login) -> None:
    client = login(pakta.world.citra)
    url = reverse("pencanangan:text")
    assert client.get(url).status_code == 200
    bad = client.post(url, {"version": "1", "body": "Saya {nama} {nip} {gaji}"})
    assert bad.status_code == 400
    assert "{gaji}" in bad.content.decode()
    assert client.post(url, {"version": "0", "threshold_pct": "150"}).status_code == 400
    assert client.post(url, {"version": "1", "body": "Saya {nama}, NIP {nip}, berjanji."}).status_code == 302
    assert client.post(url, {"version": "0", "threshold_pct": "80"}).status_code == 302
    assert PaktaText.unscoped.filter(instansi=pakta.world.instansi_a).count() == 2
    # The tim kerja may read the text but not change it.
    assert login(pakta.world.ani).post(url, {"version": "1", "threshold_pct": "50"}).status_code == 403


def test_a_stale_text_or_threshold_form_is_a_conflict_that_keeps_the_input(pakta: PaktaWorld, login) -> None:
    client = login(pakta.world.citra)
    url = reverse("pencanangan:text")
    client.get(url)  # version 1 of the text exists
    assert client.post(url, {"version": "1", "body": "Versi dua: {nama} {nip}."}).status_code == 302
    stale = client.post(url, {"version": "1", "body": "Ketikan saya dari versi satu: {nama} {nip}."})
    body = stale.content.decode()
    assert stale.status_code == 400
    assert "Pengguna lain telah menyimpan" in body
    assert "Ketikan saya dari versi satu" in body
    assert PaktaText.unscoped.filter(instansi=pakta.world.instansi_a).count() == 2
    assert client.post(url, {"version": "0", "threshold_pct": "80"}).status_code == 302
    assert client.post(url, {"version": "0", "threshold_pct": "70"}).status_code == 400
    assert PaktaSetting.unscoped.get(instansi=pakta.world.instansi_a).threshold_pct == 80


def test_pencanangan_form_and_declaration_by_the_head(pakta: PaktaWorld, login) -> None:
    head = UserFactory(email="kepala@alfa.go.id", name="Kepala A1")
    enrol_totp(head)  # the head of a unit must use two-factor authentication
    MembershipFactory(user=head, instansi=pakta.world.instansi_a, unit=pakta.world.unit_a1, role=Role.PIMPINAN_UNIT)
    unit = pakta.world.unit_a1.public_id
    ani = login(pakta.world.ani)
    bad = ani.post(
        reverse("pencanangan:pencanangan-edit", args=[unit]),
        {
            "date": f"{pakta.cycle.tahun}-02-03",
            "place": "Aula",
            "form": "ceremony",
            "publication_links": "bukan tautan",
            "version": "0",
        },
    )
    assert bad.status_code == 400
    assert "Baris 1" in bad.content.decode()
    photo = SimpleUploadedFile("berita-acara.pdf", minimal_pdf("Berita acara"), "application/pdf")
    saved = ani.post(
        reverse("pencanangan:pencanangan-edit", args=[unit]),
        {
            "date": f"{pakta.cycle.tahun}-02-03",
            "place": "Aula A1",
            "form": "inauguration",
            "documents": [photo],
            "version": "0",
        },
    )
    assert saved.status_code == 302
    kepala = login(head)
    assert kepala.post(reverse("pencanangan:declare", args=[unit])).status_code == 302
    assert "Draf" in kepala.get(reverse("pencanangan:unit-detail", args=[unit])).content.decode()
    signed = kepala.post(reverse("pencanangan:komitmen-sign", args=[unit]), {"confirm": "on", "password": PASSWORD})
    assert signed.status_code == 302
    kepala.post(reverse("pencanangan:declare", args=[unit]))
    page = kepala.get(reverse("pencanangan:unit-detail", args=[unit])).content.decode()
    assert "Dicanangkan" in page
    assert "berita-acara.pdf" in page
