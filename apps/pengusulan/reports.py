"""The surat pengusulan (proposal letter) as a PDF report: one letter per instansi and year listing
every unit proposed, with predikat, kategori, the TPI scores and the hash of each frozen snapshot.

Registered at start-up by the reports app's autodiscovery. The context is read from the frozen
snapshots only (never the live LKE), so the letter shows exactly what was proposed.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from apps.pengusulan.models import PengusulanSnapshot, PengusulanStatus, SuratPengusulan
from apps.pengusulan.snapshot import last_tpi_tier
from apps.reports.registry import ReportParams, register_report
from apps.tenancy.access import get_in_scope_or_404
from apps.tenancy.models import Instansi, Membership
from apps.tenancy.roles import Cap

SURAT_PENGUSULAN = "surat_pengusulan"
SURAT_REQUIRED = _("Choose the proposal letter.")


def clean_surat_params(actor: Membership, raw: Mapping[str, Any]) -> ReportParams:
    """``surat=<public_id>`` of the actor's instansi (another instansi's → 404)."""
    public_id = raw.get("surat")
    if not public_id:
        raise ValidationError({"surat": SURAT_REQUIRED}, code="required")
    surat = get_in_scope_or_404(SuratPengusulan, actor, public_id)
    return ReportParams(params={"surat": str(surat.public_id)}, subject=f"{surat.number} ({surat.cycle.tahun})")


def build_surat_context(*, instansi: Instansi, params: Mapping[str, Any]) -> dict[str, Any]:
    surat = SuratPengusulan.objects.select_related("cycle", "sptjm_file", "sptjm_signed_by").get(
        instansi=instansi, public_id=params["surat"]
    )
    snapshots = (
        PengusulanSnapshot.objects.filter(
            instansi=instansi,
            is_current=True,
            pengusulan__cycle=surat.cycle,
            pengusulan__status=PengusulanStatus.PROPOSED,
        )
        .select_related("pengusulan", "pengusulan__unit")
        .order_by("pengusulan__unit__path")
    )
    rows = []
    for snapshot in snapshots:
        tier = last_tpi_tier(snapshot.data)
        scores = snapshot.data["scores"].get(tier or "unit", {})
        rows.append(
            {
                "pengusulan": snapshot.pengusulan,
                "unit": snapshot.data["unit"],
                "kategori": snapshot.data["kategori"],
                "predikat": snapshot.data["predikat"],
                "afirmasi": snapshot.data["afirmasi"],
                "tier": tier or "unit",
                "total": scores.get("total", "0"),
                "pengungkit": scores.get("pengungkit", "0"),
                "hasil": scores.get("hasil", "0"),
                "number": snapshot.number,
                "sha256": snapshot.sha256,
            }
        )
    return {"surat": surat, "rows": rows, "tahun": surat.cycle.tahun}


register_report(
    SURAT_PENGUSULAN,
    title=_("Surat pengusulan Zona Integritas"),
    template="reports/surat_pengusulan.html",
    build_context=build_surat_context,
    capability=Cap.PENGUSULAN_VIEW,
    clean_params=clean_surat_params,
)
