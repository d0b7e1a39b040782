"""The full answer sheet (lembar jawaban LKE) as a PDF report: every soal of the LKE in sheet order
under its komponen / area / sub-area headings, with each tier's answer and note, the unit's evidence
(link and uploaded files) and the return history — the document TPI and units print and sign
(issue 16, item 8). Registered in ``apps/penilaian/reports.py``; rendered by the reports Celery task
like the LHE, with the same access (``clean_lhe_params``).

The context is built in the worker inside the instansi scope from a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from apps.bukti_dukung.models import BuktiDukung
from apps.lke.excel.layout import TYPE_LABELS, tree_rows, workbook_layout
from apps.lke.models import Soal
from apps.penilaian import selectors
from apps.penilaian.models import ItemReturn, Jawaban, Penilaian
from apps.penilaian.pages.review import Column, columns_for, results_for, score_table, shown_levels
from apps.penilaian.selectors import UNIT_TIER
from apps.tenancy.models import Instansi

ANSWER_SHEET = "lembar_jawaban"
ANSWER_SHEET_TITLE = _("LKE answer sheet (lembar jawaban)")


@dataclass
class TierAnswer:
    column: Column
    answer: str | None
    note: str


@dataclass
class SheetItem:
    """One soal: each tier's answer and note, the unit's evidence and the return history."""

    number: str
    soal: Soal
    type_label: str
    tiers: list[TierAnswer]
    evidence_link: str
    files: list[BuktiDukung]
    returns: list[ItemReturn]
    revisions: int


@dataclass
class SheetHeading:
    depth: int
    number: str
    label: str
    weight: Any


@dataclass
class SheetLine:
    heading: SheetHeading | None = None
    item: SheetItem | None = None
    kind: str = field(init=False, default="")

    def __post_init__(self) -> None:
        self.kind = "heading" if self.heading is not None else "item"


def build_answer_sheet_context(*, instansi: Instansi, params: Mapping[str, Any]) -> dict[str, Any]:
    """What ``reports/lembar_jawaban.html`` needs (runs in the worker, inside the instansi scope)."""
    penilaian = Penilaian.objects.select_related("unit", "cycle", "template").get(
        instansi=instansi, public_id=params["penilaian"]
    )
    spec = selectors.penilaian_spec(penilaian)
    layout = workbook_layout(penilaian.template_id)
    names = selectors.tpi_tier_names(instansi_id=instansi.pk)
    columns = columns_for(shown_levels(penilaian, max(1, len(names))), names)
    by_tier: dict[selectors.TierKey, dict[int, Jawaban]] = selectors.jawaban_by_tier(penilaian=penilaian)
    soal_rows = {s.portalrb_soal_id: s for s in selectors.soal_list(penilaian=penilaian)}
    returns = selectors.item_returns_by_soal(penilaian=penilaian, with_history=True)
    lines: list[SheetLine] = []
    answered = 0
    for row in tree_rows(spec, layout):
        if row.kind == "node":
            lines.append(SheetLine(heading=SheetHeading(row.depth, row.shown_number, row.label, row.weight)))
            continue
        if row.kind != "soal" or row.soal is None:
            continue
        soal_id = row.soal.soal_id
        unit_row = by_tier.get(UNIT_TIER, {}).get(soal_id)
        tiers = []
        for column in columns:
            jawaban = by_tier.get(column.key, {}).get(soal_id)
            tiers.append(TierAnswer(column, jawaban.answer if jawaban else None, jawaban.note if jawaban else ""))
        if unit_row is not None and unit_row.answer is not None:
            answered += 1
        files = sorted(getattr(unit_row, "evidence_files", []), key=lambda b: b.created_at) if unit_row else []
        item = SheetItem(
            number=row.shown_number,
            soal=soal_rows[soal_id],
            type_label=TYPE_LABELS.get(row.soal.answer_type, row.soal.answer_type),
            tiers=tiers,
            evidence_link=unit_row.evidence_link if unit_row else "",
            files=files,
            returns=list(reversed(returns.get(soal_id, []))),
            revisions=unit_row.revision_count if unit_row else 0,
        )
        lines.append(SheetLine(item=item))
    results = results_for(spec, columns, by_tier)
    return {
        "penilaian": penilaian,
        "unit": penilaian.unit,
        "columns": columns,
        "lines": lines,
        "table": score_table(spec, results),
        "answered": answered,
        "soal_count": len(soal_rows),
    }
