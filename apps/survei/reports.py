"""Survei PDF reports (rendered by the reports app's worker with WeasyPrint, nothing fetched):

* ``survei_hasil`` — the results of one survey period: indices per statement and overall with n and
  the 95 % interval, the suggested LKE values, respondents per service and month. The unit's
  evidence for the LKE's IPAK/IPKP soal.
* ``survei_poster`` — the A4 poster of one service's link with its QR code, for the counter.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.reports.registry import ReportParams, register_report
from apps.survei import selectors
from apps.survei.access import access_layanan, access_survei
from apps.survei.instrument import LKE_SOAL, Instrumen, Skala
from apps.survei.models import Layanan, Survei
from apps.survei.qr import public_url, qr_data_uri
from apps.tenancy.models import Instansi, Membership
from apps.tenancy.roles import Cap

SURVEI_HASIL = "survei_hasil"
SURVEI_POSTER = "survei_poster"
SURVEI_REQUIRED = _("Choose the survey.")
LAYANAN_REQUIRED = _("Choose the service.")


def clean_hasil_params(actor: Membership, raw: Mapping[str, Any]) -> ReportParams:
    if not raw.get("survei"):
        raise ValidationError({"survei": SURVEI_REQUIRED}, code="required")
    survei = access_survei(actor, raw["survei"])
    return ReportParams(
        params={"survei": str(survei.public_id)}, subject=f"{survei.unit.name}, {survei.label} {survei.tahun}"
    )


def build_hasil_context(*, instansi: Instansi, params: Mapping[str, Any]) -> dict[str, Any]:
    survei = Survei.objects.select_related("unit").get(instansi=instansi, public_id=params["survei"])
    indices = selectors.survei_indices(survei=survei)
    return {
        "survei": survei,
        "unit": survei.unit,
        "ipkp": indices[Instrumen.SPKP],
        "ipak": indices[Instrumen.SPAK],
        "lke_soal": LKE_SOAL,
        "months": selectors.survei_by_month(survei=survei),
        "breakdown": selectors.survei_breakdown(survei=survei),
        "scale": Skala.choices,
    }


def clean_poster_params(actor: Membership, raw: Mapping[str, Any]) -> ReportParams:
    if not raw.get("layanan"):
        raise ValidationError({"layanan": LAYANAN_REQUIRED}, code="required")
    layanan = access_layanan(actor, raw["layanan"], for_write=True)
    return ReportParams(params={"layanan": str(layanan.public_id)}, subject=f"{layanan.unit.name}, {layanan.name}")


def build_poster_context(*, instansi: Instansi, params: Mapping[str, Any]) -> dict[str, Any]:
    layanan = Layanan.objects.select_related("unit").get(instansi=instansi, public_id=params["layanan"])
    url = public_url(layanan)
    return {"layanan": layanan, "unit": layanan.unit, "url": url, "qr": qr_data_uri(url)}


register_report(
    SURVEI_HASIL,
    title=_("Survey results (IPKP and IPAK)"),
    template="reports/survei_hasil.html",
    build_context=build_hasil_context,
    capability=Cap.SURVEI_VIEW,
    clean_params=clean_hasil_params,
)
register_report(
    SURVEI_POSTER,
    title=_("Survey poster (QR code)"),
    template="reports/survei_poster.html",
    build_context=build_poster_context,
    capability=Cap.SURVEI_VIEW,
    clean_params=clean_poster_params,
)
