"""QR codes of the public survey links (SVG, drawn by ``qrcode``; nothing fetched)."""

from __future__ import annotations

import base64

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.urls import reverse

from apps.survei.models import Layanan


def public_url(layanan: Layanan) -> str:
    """The absolute link printed on the poster (``SITE_URL`` + ``/s/<token>/``)."""
    return settings.SITE_URL + reverse("survei_public:answer", kwargs={"token": layanan.token})


def qr_svg(data: str) -> bytes:
    image = qrcode.make(
        data,
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        box_size=10,
        border=2,
    )
    return image.to_string(encoding="unicode").encode()


def qr_data_uri(data: str) -> str:
    """For ``<img src>``: the CSP allows ``data:`` images, and the PDF renderer decodes them offline."""
    return "data:image/svg+xml;base64," + base64.b64encode(qr_svg(data)).decode()
