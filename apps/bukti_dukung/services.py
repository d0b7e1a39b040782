"""Storing evidence: type checked by content, size bounded, hashed, immutable."""

from __future__ import annotations

import hashlib
import io
import zipfile
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from apps.audit.services import audit_record
from apps.bukti_dukung.models import BuktiDukung, FileKind
from apps.bukti_dukung.scanning import scan_upload
from apps.tenancy.models import Membership

FILE_TOO_LARGE = _("The file is larger than %(limit)s MB.")
FILE_EMPTY = _("The file is empty.")
FILE_TYPE_NOT_ALLOWED = _("Only PDF, PNG, JPEG, XLSX and DOCX files are accepted (the content decides, not the name).")
REPLACES_OTHER_INSTANSI = _("The file to replace was not found.")

_CHUNK = 64 * 1024


def sniff_kind(head: bytes, stream: IO[bytes]) -> str | None:
    """Detect the file type from its content. ``head`` is the first bytes; ``stream`` is seekable.

    Office files are ZIP archives: XLSX has ``xl/workbook.xml``, DOCX ``word/document.xml``.
    A renamed executable, HTML page or script is rejected whatever its name says.
    """
    if head.startswith(b"%PDF-"):
        return FileKind.PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return FileKind.PNG
    if head.startswith(b"\xff\xd8\xff"):
        return FileKind.JPEG
    if head.startswith(b"PK\x03\x04"):
        stream.seek(0)
        try:
            with zipfile.ZipFile(stream) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError):
            return None
        if "[Content_Types].xml" not in names:
            return None
        if "xl/workbook.xml" in names:
            return FileKind.XLSX
        if "word/document.xml" in names:
            return FileKind.DOCX
    return None


def validate_upload(file: UploadedFile[bytes], *, actor: Membership | None = None) -> tuple[str, str, int]:
    """Check size, viruses (ClamAV) and content type; returns ``(kind, sha256, size)`` or raises
    ValidationError. The scan comes before the type check, so an infected file is logged as such
    whatever it pretends to be; ``actor`` names the uploader in that log line."""
    limit = settings.ZI_UPLOAD_MAX_BYTES
    if file.size is not None and file.size > limit:
        raise ValidationError(FILE_TOO_LARGE, code="file_too_large", params={"limit": limit // (1024 * 1024)})
    digest = hashlib.sha256()
    size = 0
    file.seek(0)
    for chunk in file.chunks(_CHUNK):
        size += len(chunk)
        if size > limit:
            raise ValidationError(FILE_TOO_LARGE, code="file_too_large", params={"limit": limit // (1024 * 1024)})
        digest.update(chunk)
    if size == 0:
        raise ValidationError(FILE_EMPTY, code="file_empty")
    scan_upload(file, sha256=digest.hexdigest(), actor=actor)
    file.seek(0)
    head = file.read(16)
    raw = getattr(file, "file", None)
    stream = raw if raw is not None else io.BytesIO(file.read())
    kind = sniff_kind(head, stream)
    file.seek(0)
    if kind is None:
        raise ValidationError(FILE_TYPE_NOT_ALLOWED, code="file_type")
    return kind, digest.hexdigest(), size


@transaction.atomic
def bukti_dukung_upload(
    *,
    actor: Membership,
    file: UploadedFile[bytes],
    description: str = "",
    replaces: BuktiDukung | None = None,
) -> BuktiDukung:
    """Store one evidence file for the actor's instansi and record it in the audit trail.

    Raises ValidationError (nothing stored) for an empty, oversized, infected or disallowed file. ``replaces``
    must be a file of the same instansi; the old row stays untouched (immutability).
    """
    if replaces is not None and replaces.instansi_id != actor.instansi_id:
        raise ValidationError(REPLACES_OTHER_INSTANSI, code="replaces_foreign")
    kind, sha256, size = validate_upload(file, actor=actor)
    bukti = BuktiDukung(
        instansi_id=actor.instansi_id,  # type: ignore[misc]  # no instansi: the row is refused (NOT NULL)
        original_name=(file.name or "berkas")[-255:],
        kind=kind,
        size=size,
        sha256=sha256,
        description=description[:255],
        uploaded_by=actor.user,
        replaces=replaces,
    )
    bukti.file.save(bukti_storage_name(bukti), file, save=False)
    bukti.save()
    audit_record(
        actor=actor.user,
        verb="bukti_dukung.upload",
        obj=bukti,
        after={"name": bukti.original_name, "kind": kind, "size": size, "sha256": sha256},
    )
    return bukti


def bukti_storage_name(bukti: BuktiDukung) -> str:
    return f"{bukti.public_id.hex}{bukti.extension}"
