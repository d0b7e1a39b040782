"""PDF reports of the unit kerja app: "Profil unit kerja" (unit, penetapan, head, roster counts).

Imported at start-up by the reports app's autodiscovery (``autodiscover_modules("reports")``), which
registers the kinds below. The context builder runs in the Celery worker inside the instansi scope.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from apps.reports.registry import ReportParams, register_report
from apps.tenancy.models import Instansi, Membership
from apps.tenancy.roles import Cap
from apps.unit_kerja.access import access_unit_kerja
from apps.unit_kerja.models import Pegawai, Penetapan, UnitKerja

UNIT_PROFILE = "unit_profile"
UNIT_REQUIRED = _("Choose the unit kerja for the report.")

# The three designation criteria of PermenPANRB 90/2021, in the order the regulation lists them.
_CRITERIA = ("is_core_service", "is_high_risk", "is_broad_impact")


def clean_unit_profile_params(actor: Membership, raw: Mapping[str, Any]) -> ReportParams:
    """``unit=<public_id>`` of a unit the actor may see (``access_unit_kerja``): another instansi's
    unit, or one outside a unit-narrowed member's subtree, is a 404."""
    public_id = raw.get("unit")
    if not public_id:
        raise ValidationError({"unit": UNIT_REQUIRED}, code="required")
    unit = access_unit_kerja(actor, public_id)
    return ReportParams(params={"unit": str(unit.public_id)}, subject=unit.name)


def build_unit_profile_context(*, instansi: Instansi, params: Mapping[str, Any]) -> dict[str, Any]:
    """Everything the profile shows, read now (the PDF is a snapshot of the moment it is rendered)."""
    unit = UnitKerja.objects.select_related("parent", "head").get(instansi=instansi, public_id=params["unit"])
    penetapan_rows = [
        {
            "tahun": penetapan.cycle.tahun,
            "criteria": [
                Penetapan._meta.get_field(name).verbose_name for name in _CRITERIA if getattr(penetapan, name)
            ],
            "afirmasi": penetapan.get_afirmasi_type_display() if penetapan.afirmasi_type else "",
            "sk_number": penetapan.sk_number,
            "sk_date": penetapan.sk_date,
            "status": penetapan.get_status_display(),
        }
        for penetapan in Penetapan.objects.filter(instansi=instansi, unit=unit)
        .select_related("cycle")
        .order_by("-cycle__tahun")
    ]
    roster_qs = Pegawai.objects.filter(instansi=instansi, unit=unit)
    counts = roster_qs.aggregate(
        active=Count("id", filter=Q(is_active=True)), inactive=Count("id", filter=Q(is_active=False))
    )
    by_position = [
        {"name": row["position"], "count": row["count"]}
        for row in roster_qs.filter(is_active=True)
        .values("position")
        .annotate(count=Count("id"))
        .order_by("-count", "position")
    ]
    return {
        "unit": unit,
        "parent": unit.parent,
        "head": unit.head,
        "children_count": UnitKerja.objects.filter(instansi=instansi, parent=unit, is_active=True).count(),
        "penetapan_rows": penetapan_rows,
        "roster": {"active": counts["active"], "inactive": counts["inactive"], "by_position": by_position},
    }


register_report(
    UNIT_PROFILE,
    title=_("Work unit profile"),
    template="reports/unit_profile.html",
    build_context=build_unit_profile_context,
    capability=Cap.UNIT_VIEW,
    clean_params=clean_unit_profile_params,
)
