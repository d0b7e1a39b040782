"""Evidence uploads: content decides the type, size is bounded, nothing is stored on refusal."""

from __future__ import annotations

import hashlib
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from apps.audit.models import AuditEvent
from apps.bukti_dukung.models import BuktiDukung, FileKind
from apps.bukti_dukung.services import bukti_dukung_upload
from apps.tenancy.models import Membership
from tests.conftest import World

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def test_pdf_is_stored_with_hash_and_audit(world: World, in_scope) -> None:
    actor = Membership.objects.get(user=world.ani)
    with in_scope(world.instansi_a):
        bukti = bukti_dukung_upload(actor=actor, file=SimpleUploadedFile("sk.pdf", PDF, "application/pdf"))
        assert bukti.kind == FileKind.PDF
        assert bukti.sha256 == hashlib.sha256(PDF).hexdigest()
        assert bukti.size == len(PDF)
        assert bukti.file.name.startswith(f"instansi/{world.instansi_a.pk}/bukti/")
        assert "sk.pdf" not in bukti.file.name
        assert AuditEvent.objects.filter(verb="bukti_dukung.upload", object_id=bukti.public_id).exists()


def test_xlsx_detected_by_content(world: World, in_scope) -> None:
    actor = Membership.objects.get(user=world.ani)
    with in_scope(world.instansi_a):
        bukti = bukti_dukung_upload(actor=actor, file=SimpleUploadedFile("data.bin", _xlsx_bytes()))
    assert bukti.kind == FileKind.XLSX


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("evil.pdf", b"MZ\x90\x00 this is an executable"),
        ("page.pdf", b"<html><script>alert(1)</script></html>"),
        ("fake.xlsx", b"PK\x03\x04 not really a zip"),
    ],
)
def test_disguised_files_are_refused_and_nothing_stored(world: World, in_scope, name: str, content: bytes) -> None:
    actor = Membership.objects.get(user=world.ani)
    with in_scope(world.instansi_a), pytest.raises(ValidationError) as excinfo:
        bukti_dukung_upload(actor=actor, file=SimpleUploadedFile(name, content))
    assert excinfo.value.code == "file_type"
    assert BuktiDukung.unscoped.count() == 0


def test_other_zip_archives_are_refused(world: World, in_scope) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hi")
    actor = Membership.objects.get(user=world.ani)
    with in_scope(world.instansi_a), pytest.raises(ValidationError):
        bukti_dukung_upload(actor=actor, file=SimpleUploadedFile("x.docx", buffer.getvalue()))


def test_oversize_is_refused(world: World, in_scope, settings) -> None:
    settings.ZI_UPLOAD_MAX_BYTES = 1024
    actor = Membership.objects.get(user=world.ani)
    with in_scope(world.instansi_a), pytest.raises(ValidationError) as excinfo:
        bukti_dukung_upload(actor=actor, file=SimpleUploadedFile("big.pdf", PDF + b"0" * 2048))
    assert excinfo.value.code == "file_too_large"
    assert BuktiDukung.unscoped.count() == 0


def test_empty_file_is_refused(world: World, in_scope) -> None:
    actor = Membership.objects.get(user=world.ani)
    with in_scope(world.instansi_a), pytest.raises(ValidationError) as excinfo:
        bukti_dukung_upload(actor=actor, file=SimpleUploadedFile("empty.pdf", b""))
    assert excinfo.value.code == "file_empty"


def test_replacement_keeps_the_old_file(world: World, in_scope) -> None:
    actor = Membership.objects.get(user=world.ani)
    with in_scope(world.instansi_a):
        first = bukti_dukung_upload(actor=actor, file=SimpleUploadedFile("v1.pdf", PDF))
        second = bukti_dukung_upload(actor=actor, file=SimpleUploadedFile("v2.pdf", PDF + b"%v2"), replaces=first)
        first.refresh_from_db()
    assert second.replaces == first
    assert first.sha256 == hashlib.sha256(PDF).hexdigest()
