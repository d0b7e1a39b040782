"""The unit's rekap of Pakta Integritas signatures as a PDF report (who signed, when, how), with
the coverage against the instansi's threshold. Registered at start-up by the reports app."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.core.charts import BarChart, Series
from apps.pencanangan.access import access_unit
from apps.pencanangan.models import Pencanangan
from apps.pencanangan.selectors import coverage_of, coverage_of_units, pegawai_with_status, signatures_of
from apps.reports.registry import ReportParams, register_report
from apps.tenancy.models import Instansi, Membership
from apps.tenancy.roles import Cap
from apps.unit_kerja.models import Cycle, UnitKerja

PAKTA_REKAP = "pakta_rekap"
PARAMS_REQUIRED = _("Choose the unit and the year.")


def clean_rekap_params(actor: Membership, raw: Mapping[str, Any]) -> ReportParams:
    """``unit=<public_id>`` within the actor's reach and ``tahun`` of one of the instansi's years."""
    if not raw.get("unit") or not str(raw.get("tahun", "")).isdigit():
        raise ValidationError({"unit": PARAMS_REQUIRED}, code="required")
    unit = access_unit(actor, raw["unit"])
    cycle = Cycle.objects.filter(instansi_id=actor.instansi_id, tahun=int(raw["tahun"])).first()
    if cycle is None:
        raise ValidationError({"tahun": PARAMS_REQUIRED}, code="required")
    return ReportParams(
        params={"unit": str(unit.public_id), "tahun": cycle.tahun}, subject=f"{unit.name} ({cycle.tahun})"
    )


def build_rekap_context(*, instansi: Instansi, params: Mapping[str, Any]) -> dict[str, Any]:
    unit = UnitKerja.objects.get(instansi=instansi, public_id=params["unit"])
    cycle = Cycle.objects.get(instansi=instansi, tahun=params["tahun"])
    units = UnitKerja.objects.filter(pk=unit.pk)
    return {
        "unit": unit,
        "cycle": cycle,
        "coverage": coverage_of(cycle=cycle, units=units),
        "signatures": list(signatures_of(cycle=cycle, units=units)),
        "unsigned": [p for p in pegawai_with_status(cycle=cycle, units=units) if not p.has_signed],
        "pencanangan": Pencanangan.objects.filter(instansi=instansi, cycle=cycle, unit=unit).first(),
        "coverage_chart": coverage_chart(unit=unit, cycle=cycle),
    }


CHART_UNITS = 12


def coverage_chart(*, unit: UnitKerja, cycle: Cycle) -> Any:
    """The unit's and its active sub-units' coverage, each of its own pegawai, beside the
    instansi's threshold (issue 21): the dashboard's picture in the PDF, numbers in a table."""
    units = list(
        UnitKerja.objects.filter(instansi_id=unit.instansi_id, path__under=unit.path, is_active=True).order_by("path")
    )
    rows = [row for row in coverage_of_units(cycle=cycle, units=units) if row.coverage.total][:CHART_UNITS]
    if not rows:
        return None
    return BarChart(
        title=gettext("Pakta Integritas %(tahun)s: pegawai who signed, per unit") % {"tahun": cycle.tahun},
        categories=[row.unit.name for row in rows],
        series=[
            Series(gettext("Signed"), [row.coverage.pct for row in rows]),
            Series(gettext("Threshold"), [row.coverage.threshold_pct for row in rows]),
        ],
        maximum=100,
        unit=" %",
    )


register_report(
    PAKTA_REKAP,
    title=_("Rekap Pakta Integritas"),
    template="reports/pakta_rekap.html",
    build_context=build_rekap_context,
    capability=Cap.PENCANANGAN_VIEW,
    clean_params=clean_rekap_params,
)
