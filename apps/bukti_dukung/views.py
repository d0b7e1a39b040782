"""Evidence downloads: only through this permission-checked view, never from a public URL.

``download`` always sends an attachment (from the object store: a redirect to a short-lived
presigned URL, apps/core/files.py); ``preview`` shows PDFs and images inline inside a
sandboxing CSP so that even a crafted file cannot run script in our origin.
"""

from __future__ import annotations

import uuid
from pathlib import PurePath

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.text import slugify
from django.views.decorators.http import require_GET

from apps.audit.services import audit_download
from apps.bukti_dukung.access import access_bukti_dukung
from apps.bukti_dukung.models import BuktiDukung
from apps.core.files import file_response
from apps.tenancy.decorators import instansi_member_required


def safe_download_name(bukti: BuktiDukung) -> str:
    """The name a download is saved under (issue 18): never the uploaded name as typed — only
    letters, digits and dashes of its stem, and the extension of the type detected from the content."""
    stem = slugify(PurePath(bukti.original_name or "").stem)[:80].strip("-")
    return f"{stem or 'bukti-dukung'}{bukti.extension}"


def _file_response(bukti: BuktiDukung, *, as_attachment: bool) -> HttpResponse:
    # Preview streams from our origin (its sandbox CSP is ours to set); downloads may redirect to
    # the object store's presigned URL (apps/core/files.py).
    return file_response(
        bukti.file,
        filename=safe_download_name(bukti),
        content_type=bukti.content_type,
        as_attachment=as_attachment,
        stream=not as_attachment,
    )


@instansi_member_required
@require_GET
def download(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    bukti = access_bukti_dukung(request.membership, public_id)  # type: ignore[attr-defined]
    response = _file_response(bukti, as_attachment=True)
    audit_download(actor=request.membership, verb="bukti_dukung.download", obj=bukti)  # type: ignore[attr-defined]
    return response


@instansi_member_required
@require_GET
def preview(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    bukti = access_bukti_dukung(request.membership, public_id)  # type: ignore[attr-defined]
    if not bukti.can_preview:
        raise Http404
    response = _file_response(bukti, as_attachment=False)
    audit_download(actor=request.membership, verb="bukti_dukung.preview", obj=bukti)  # type: ignore[attr-defined]
    # Inline, but sandboxed: no script, no same-origin access, may only be framed by our own pages.
    response["Content-Security-Policy"] = (
        "sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'self'"
    )
    response["X-Frame-Options"] = "SAMEORIGIN"
    return response
