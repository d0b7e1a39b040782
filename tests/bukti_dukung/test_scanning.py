"""ClamAV scanning of uploads through a real clamd (ASVS V5.2; tests/clamav_fixtures.py).

The EICAR test string is refused with the Indonesian message, logged on ``zi.security`` and
nothing is stored, on every upload path; a clean PDF passes; a configured but unreachable clamd
refuses every upload (fail closed); the embedded demo does not scan.
"""

from __future__ import annotations

import hashlib
import html
import logging
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.bukti_dukung.models import BuktiDukung, FileKind
from apps.bukti_dukung.scanning import scan_chunks
from apps.bukti_dukung.services import bukti_dukung_upload
from apps.pencanangan import services as pencanangan_services
from apps.pencanangan.models import PaktaIntegritas
from apps.penilaian.forms.worksheet import WorkbookUploadForm
from apps.tenancy.models import Membership
from apps.unit_kerja.models import Pegawai
from tests.clamav_fixtures import EICAR, SIGNATURE, Clamd
from tests.conftest import World
from tests.ops.helpers import ROOT, run_manage
from tests.pencanangan.conftest import PaktaWorld
from tests.pencanangan.conftest import pakta as pakta  # the fixture, for this module

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PDF_WITH_EICAR = b"%PDF-1.4\n%" + EICAR + b"\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
INFECTED_ID = "Berkas mengandung virus atau malware"
UNAVAILABLE_ID = "Pemindai virus tidak dapat dihubungi"


def _stored_files() -> list[Path]:
    media = Path(settings.MEDIA_ROOT)
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


@pytest.mark.parametrize("content", [EICAR, PDF_WITH_EICAR], ids=["eicar-file", "eicar-inside-a-pdf"])
def test_infected_upload_is_refused_logged_and_nothing_stored(
    world: World, in_scope, clamav_scanning: Clamd, caplog: pytest.LogCaptureFixture, content: bytes
) -> None:
    actor = Membership.objects.get(user=world.ani)
    caplog.set_level(logging.WARNING, logger="zi.security")
    with in_scope(world.instansi_a), pytest.raises(ValidationError) as refused:
        bukti_dukung_upload(actor=actor, file=SimpleUploadedFile("laporan.pdf", content, "application/pdf"))
    assert refused.value.code == "file_infected"
    message = refused.value.messages[0]
    assert message.startswith(INFECTED_ID)
    assert SIGNATURE in message
    assert not BuktiDukung.unscoped.exists()
    assert not AuditEvent.unscoped.filter(verb="bukti_dukung.upload").exists()
    assert _stored_files() == []
    lines = [r for r in caplog.records if r.name == "zi.security" and "upload_infected" in r.getMessage()]
    assert len(lines) == 1
    line = lines[0].getMessage()
    assert SIGNATURE in line
    assert hashlib.sha256(content).hexdigest() in line
    assert f"instansi={world.instansi_a.pk}" in line
    assert str(world.ani.public_id) in line


@pytest.mark.parametrize("transport", ["unix-socket", "tcp"])
def test_clean_pdf_passes_the_real_scanner(world: World, in_scope, clamd: Clamd, settings, transport: str) -> None:
    settings.ZI_CLAMAV_SOCKET = clamd.socket_path if transport == "unix-socket" else clamd.tcp_address
    assert scan_chunks([EICAR]).signature.startswith(SIGNATURE)  # the same clamd finds the test virus
    actor = Membership.objects.get(user=world.ani)
    with in_scope(world.instansi_a):
        bukti = bukti_dukung_upload(actor=actor, file=SimpleUploadedFile("sk.pdf", PDF, "application/pdf"))
    assert bukti.kind == FileKind.PDF
    assert bukti.sha256 == hashlib.sha256(PDF).hexdigest()
    assert len(_stored_files()) == 1


def test_a_large_clean_file_is_streamed_in_chunks(world: World, in_scope, clamav_scanning: Clamd) -> None:
    big = PDF + b"%" + b"x" * (3 * 1024 * 1024) + b"\n"
    actor = Membership.objects.get(user=world.ani)
    with in_scope(world.instansi_a):
        bukti = bukti_dukung_upload(actor=actor, file=SimpleUploadedFile("besar.pdf", big, "application/pdf"))
    assert bukti.size == len(big)


@pytest.mark.parametrize("address", ["/nonexistent/clamd.sock", "127.0.0.1:1"], ids=["socket", "tcp"])
def test_configured_but_unreachable_scanner_refuses_uploads(
    world: World, in_scope, settings, caplog: pytest.LogCaptureFixture, address: str
) -> None:
    settings.ZI_CLAMAV_SOCKET = address
    caplog.set_level(logging.ERROR, logger="zi.security")
    actor = Membership.objects.get(user=world.ani)
    with in_scope(world.instansi_a), pytest.raises(ValidationError) as refused:
        bukti_dukung_upload(actor=actor, file=SimpleUploadedFile("sk.pdf", PDF, "application/pdf"))
    assert refused.value.code == "scanner_unavailable"
    assert refused.value.messages[0].startswith(UNAVAILABLE_ID)
    assert not BuktiDukung.unscoped.exists()
    assert _stored_files() == []
    assert any("upload_scan_unavailable" in r.getMessage() for r in caplog.records)


def test_pakta_scan_page_refuses_an_infected_scan(pakta: PaktaWorld, login, in_scope, clamav_scanning: Clamd) -> None:
    response = login(pakta.world.ani).post(
        reverse("pencanangan:scan-upload", args=[pakta.world.unit_a1.public_id]),
        {"nip": pakta.pegawai[2].nip, "file": SimpleUploadedFile("pakta.pdf", PDF_WITH_EICAR, "application/pdf")},
    )
    assert response.status_code == 400
    assert INFECTED_ID in html.unescape(response.content.decode())
    assert not PaktaIntegritas.unscoped.exists()
    assert not BuktiDukung.unscoped.exists()
    # The pencanangan documents go through the same check.
    actor = Membership.objects.get(user=pakta.world.ani)
    with in_scope(pakta.world.instansi_a), pytest.raises(ValidationError):
        pencanangan_services.pakta_scan_upload(
            actor=actor, cycle=pakta.cycle, nip=pakta.pegawai[3].nip, file=SimpleUploadedFile("p.pdf", EICAR)
        )


def test_roster_import_refuses_an_infected_file_before_reading_it(world: World, login, clamav_scanning: Clamd) -> None:
    infected_csv = b"nip,nama,kode_unit\n199001012015011001,Satu,A1\n" + EICAR + b"\n"
    response = login(world.ani).post(
        reverse("unit_kerja:pegawai-import"), {"file": SimpleUploadedFile("pegawai.csv", infected_csv, "text/csv")}
    )
    assert response.status_code == 200
    assert INFECTED_ID in html.unescape(response.content.decode())
    assert not Pegawai.unscoped.exists()


def test_lke_workbook_upload_is_scanned(world: World, in_scope, clamav_scanning: Clamd) -> None:
    with in_scope(world.instansi_a):
        form = WorkbookUploadForm(files={"file": SimpleUploadedFile("lke.xlsx", b"PK\x03\x04" + EICAR)})
        assert not form.is_valid()
    assert form.errors["file"][0].startswith(INFECTED_ID)


def test_the_embedded_demo_does_not_scan_and_says_so(tmp_path: Path) -> None:
    """No DATABASE_URL, DEBUG on (the embedded mode): no scanner is needed, uploads are accepted
    unscanned, and every page and the health endpoint say so. DEBUG off, the same host refuses."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "ZI_VAR_DIR": str(tmp_path / "var"), "DEBUG": "true"}
    env["DJANGO_SETTINGS_MODULE"] = "zi.settings.base"
    code = (
        "from django.test import Client; from apps.bukti_dukung.scanning import scanning_enabled, unscanned_allowed\n"
        "print('scan', scanning_enabled(), 'unscanned', unscanned_allowed())\n"
        "print(Client().get('/akun/login/').content.decode())\n"
        "print(Client().get('/sehat/').json()['scanner'])"
    )
    proc = run_manage("shell", "-c", code, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "scan False unscanned True" in proc.stdout
    assert "Mode demo: berkas yang diunggah tidak dipindai virus." in proc.stdout
    assert "off: uploads are not scanned (embedded mode)" in proc.stdout
    first_lines = "\n".join(code.split("\n")[:2])
    production_like = run_manage("shell", "-c", first_lines, env={**env, "DEBUG": "false"})
    assert "scan False unscanned False" in production_like.stdout
    assert (ROOT / "scripts" / "ensure_clamav.sh").exists()


def test_without_a_scanner_and_debug_off_uploads_are_refused_at_run_time(
    pakta: PaktaWorld, login, in_scope, settings, caplog: pytest.LogCaptureFixture
) -> None:
    settings.ZI_CLAMAV_SOCKET = ""
    settings.ZI_ALLOW_UNSCANNED = False  # what zi.settings.base gives a host with DEBUG off
    caplog.set_level(logging.ERROR, logger="zi.security")
    response = login(pakta.world.ani).post(
        reverse("pencanangan:scan-upload", args=[pakta.world.unit_a1.public_id]),
        {"nip": pakta.pegawai[2].nip, "file": SimpleUploadedFile("pakta.pdf", PDF, "application/pdf")},
    )
    assert response.status_code == 400
    assert "Unggahan ditolak: tidak ada pemindai virus yang dipasang" in html.unescape(response.content.decode())
    assert not PaktaIntegritas.unscoped.exists()
    assert not BuktiDukung.unscoped.exists()
    assert _stored_files() == []
    assert any("upload_refused_no_scanner" in r.getMessage() for r in caplog.records)
    health = login(pakta.world.ani).get(reverse("core:health")).json()
    assert health["status"] == "degraded"
    assert health["scanner"] == "refusing uploads: no virus scanner configured (ZI_CLAMAV_SOCKET)"


def test_with_the_real_clamd_uploads_pass_and_health_says_ok(
    world: World, in_scope, clamav_scanning: Clamd, settings
) -> None:
    settings.ZI_ALLOW_UNSCANNED = False
    actor = Membership.objects.get(user=world.ani)
    with in_scope(world.instansi_a):
        bukti_dukung_upload(actor=actor, file=SimpleUploadedFile("sk.pdf", PDF, "application/pdf"))
    assert BuktiDukung.unscoped.count() == 1
    assert Client().get(reverse("core:health")).json()["scanner"] == "ok"
