"""The signed Pakta Integritas as a one-page PDF, with its verification code and a QR code that
opens the public verification page.

Rendered on request (the signer needs it at once, also without an account) with the same
network-less renderer as the reports; the document is fully determined by the stored signature.
"""

from __future__ import annotations

import base64
import io

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from apps.pencanangan.models import PaktaIntegritas
from apps.reports.pdf import html_to_pdf


def verify_url(pakta: PaktaIntegritas) -> str:
    return settings.SITE_URL + reverse("pakta-public:verify-code", kwargs={"code": pakta.verify_code})


def qr_data_uri(url: str) -> str:
    """An SVG QR code as a data: URI (the renderer loads data: URIs and nothing remote)."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def pakta_pdf(pakta: PaktaIntegritas) -> bytes:
    url = verify_url(pakta)
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(
            "pencanangan/pakta_pdf.html",
            {
                "pakta": pakta,
                "verify_url": url,
                "qr": qr_data_uri(url),
                # the letterhead and metadata of reports/base.html
                "instansi": pakta.instansi,
                "unit": pakta.unit,
                "generated_at": timezone.localtime(),
                "report": {"title": f"Pakta Integritas {pakta.cycle.tahun} — {pakta.name}", "kind": "pakta"},
            },
        )
    return html_to_pdf(html)


def pakta_pdf_filename(pakta: PaktaIntegritas) -> str:
    return f"pakta-integritas-{pakta.nip}-{pakta.cycle.tahun}.pdf"
