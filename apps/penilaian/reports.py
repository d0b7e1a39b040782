"""PDF reports of the penilaian app: the LHE (Laporan Hasil Evaluasi) of the TPI review, and the
full answer sheet (``apps/penilaian/answer_sheet.py``) with the same audience.

Imported at start-up by the reports app's autodiscovery (``autodiscover_modules("reports")``), which
registers the kind below. The context builder runs in the Celery worker inside the instansi scope and
reads everything through ``selectors`` (a fixed number of queries for the full LKE and three tiers).

Who may have it: the TPI reviewers assigned to the unit that year, the admin ZI and the pimpinan
instansi. The registry takes one capability per kind; ``Cap.AUDIT_VIEW`` is the one exactly those
roles hold (an LHE is the Inspektorat's audit output), and ``clean_lhe_params`` narrows a reviewer's
requests to the units they review. A dedicated capability would read better (see the README).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from apps.core.charts import BarChart, Series
from apps.core.errors import PermissionDeniedError
from apps.lke.models import Soal
from apps.penilaian import selectors
from apps.penilaian.answer_sheet import ANSWER_SHEET, ANSWER_SHEET_TITLE, build_answer_sheet_context
from apps.penilaian.models import ItemReturn, Jawaban, Penilaian, Recommendation, Tier, TPIAssignment
from apps.penilaian.pages.review import (
    columns_for,
    predikat_view,
    results_for,
    score_table,
    shown_levels,
    tier_label,
)
from apps.penilaian.selectors import UNIT_TIER, answers_for
from apps.reports.registry import ReportParams, register_report
from apps.tenancy.access import get_in_scope_or_404
from apps.tenancy.models import Instansi, Membership
from apps.tenancy.roles import Cap

LHE = "lhe"
LHE_CAPABILITY = Cap.AUDIT_VIEW
PENILAIAN_REQUIRED = _("Choose the penilaian for the LHE.")
LHE_NOT_ALLOWED = _("Only the TPI reviewers of this unit, the admin ZI and the pimpinan instansi may request its LHE.")


def clean_lhe_params(actor: Membership, raw: Mapping[str, Any]) -> ReportParams:
    """``penilaian=<public_id>`` of the actor's instansi (another instansi's → 404). A TPI member
    must be assigned to the unit that year; those who designate and propose units (admin ZI,
    pimpinan instansi: Cap.PENILAIAN_MANAGE or Cap.PENETAPAN_MANAGE, instansi-wide) may have any."""
    public_id = raw.get("penilaian")
    if not public_id:
        raise ValidationError({"penilaian": PENILAIAN_REQUIRED}, code="required")
    penilaian = get_in_scope_or_404(Penilaian, actor, public_id)
    instansi_wide = not actor.is_unit_narrowed and (actor.can(Cap.PENILAIAN_MANAGE) or actor.can(Cap.PENETAPAN_MANAGE))
    reviewer = actor.can(Cap.PENILAIAN_REVIEW) and bool(selectors.tpi_assigned_levels(actor=actor, penilaian=penilaian))
    if not (instansi_wide or reviewer):
        raise PermissionDeniedError(LHE_NOT_ALLOWED)
    return ReportParams(
        params={"penilaian": str(penilaian.public_id)}, subject=f"{penilaian.unit.name} {penilaian.cycle.tahun}"
    )


@dataclass
class NoteRow:
    """One soal where a TPI tier wrote a note: the unit's answer and each tier's answer and note."""

    soal: Soal
    unit_answer: str | None
    tiers: list[tuple[str, str | None, str]]


@dataclass
class ReviewerRow:
    level: int
    label: str
    names: list[str]


def lke_area_chart(table: list[Any], columns: list[Any], penilaian: Penilaian) -> Any:
    """The LKE per area as a chart (issue 21): the unit's points beside each TPI tier's, as % of the
    area's weight — the dashboard's picture, drawn into the PDF with its numbers as a table."""
    areas = [row for row in table if row.kind == "area"]
    if not areas:
        return None
    return BarChart(
        title=gettext("LKE %(tahun)s per area — %(unit)s (%% of each area's weight)")
        % {"tahun": penilaian.cycle.tahun, "unit": penilaian.unit.name},
        categories=[row.label for row in areas],
        series=[
            Series(
                str(column.label),
                [(row.points[i] * 100 / row.weight).quantize(Decimal("0.1")) if row.weight else None for row in areas],
            )
            for i, column in enumerate(columns)
        ],
        maximum=100,
        unit=" %",
    )


def build_lhe_context(*, instansi: Instansi, params: Mapping[str, Any]) -> dict[str, Any]:
    """Everything the LHE shows, read now (the PDF is a snapshot of the moment it is rendered)."""
    penilaian = Penilaian.objects.select_related("unit", "cycle", "template").get(
        instansi=instansi, public_id=params["penilaian"]
    )
    spec = selectors.penilaian_spec(penilaian)
    names = selectors.tpi_tier_names(instansi_id=instansi.pk)
    levels = shown_levels(penilaian, max(1, len(names)))
    columns = columns_for(levels, names)
    by_tier: dict[selectors.TierKey, dict[int, Jawaban]] = selectors.jawaban_by_tier(penilaian=penilaian)
    results = results_for(spec, columns, by_tier)

    notes: list[NoteRow] = []
    soal_rows = selectors.soal_list(penilaian=penilaian)
    for soal in soal_rows:
        soal_id = soal.portalrb_soal_id
        tiers = []
        for level in levels:
            row = by_tier.get((Tier.TPI, level), {}).get(soal_id)
            if row is not None and row.note.strip():
                tiers.append((tier_label(level, names), row.answer, row.note))
        if tiers:
            unit_row = by_tier.get(UNIT_TIER, {}).get(soal_id)
            notes.append(NoteRow(soal=soal, unit_answer=unit_row.answer if unit_row else None, tiers=tiers))

    order = {soal.portalrb_soal_id: soal.order for soal in soal_rows}
    returns_by_soal = selectors.item_returns_by_soal(penilaian=penilaian, with_history=True)
    returns: list[ItemReturn] = sorted(
        (item for items in returns_by_soal.values() for item in items),
        key=lambda item: (order.get(item.soal.portalrb_soal_id, 0), item.created_at),
    )
    revisions = {
        soal_id: row.revision_count for soal_id, row in by_tier.get(UNIT_TIER, {}).items() if row.revision_count
    }

    reviewers: dict[int, list[str]] = {}
    for assignment in TPIAssignment.objects.filter(
        instansi=instansi, cycle_id=penilaian.cycle_id, unit_id=penilaian.unit_id
    ).select_related("reviewer"):
        reviewers.setdefault(assignment.level, []).append(str(assignment.reviewer))
    recommendation = (
        Recommendation.objects.filter(instansi=instansi, penilaian=penilaian).select_related("decided_by").first()
    )
    table = score_table(spec, results)
    return {
        "penilaian": penilaian,
        "unit": penilaian.unit,
        "columns": columns,
        "table": table,
        "area_chart": lke_area_chart(table, columns, penilaian),
        "predikat": (
            predikat_view(spec, columns[-1], results[-1], answers_for(dict(by_tier.get(columns[-1].key, {}))))
            if len(columns) > 1
            else None
        ),
        "notes": notes,
        "returns": [{"item": item, "revisions": revisions.get(item.soal.portalrb_soal_id, 0)} for item in returns],
        "reviewers": [
            ReviewerRow(level, tier_label(level, names), reviewers.get(level, []))
            for level in sorted({1, *names, *reviewers})
        ],
        "recommendation": recommendation,
        "soal_count": len(soal_rows),
    }


register_report(
    LHE,
    title=_("LHE (Laporan Hasil Evaluasi) Zona Integritas"),
    template="reports/lhe.html",
    build_context=build_lhe_context,
    capability=LHE_CAPABILITY,
    clean_params=clean_lhe_params,
)


# The full answer sheet: same audience and the same parameter (a penilaian) as the LHE.
register_report(
    ANSWER_SHEET,
    title=ANSWER_SHEET_TITLE,
    template="reports/lembar_jawaban.html",
    build_context=build_answer_sheet_context,
    capability=LHE_CAPABILITY,
    clean_params=clean_lhe_params,
)
