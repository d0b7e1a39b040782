"""Export a unit's LKE in the Lampiran III layout: sheet ``LKE ZI`` (PermenPANRB 90/2021), the form
units have filled since 2022 (issue 16, item 7).

Title lines, a header row and a column-number row, then the tree from row 8 with no gaps: the
numbering and labels in B–G (a label merged to G), weight H, criteria I, answer type J, the unit's
answer K, its value L (formulas that reproduce the engine, as the ``Jawaban`` export does) and the
node's share M, the unit's note N and evidence O, the TPI's answer P and note Q, and the TPI's value
and share in R and S. A percentage row computes its ratio in K (and P) from the counts beneath it;
a multi-part ratio has its "total obliged" line. Reading this sheet back (``parse_workbook``) gives
the same answers, notes and links; LibreOffice's recalculation gives ZI's figures.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from apps.lke.excel import messages as m
from apps.lke.excel.export import (
    _FORMULA_FILL,
    _cell_answer,
    _node_formula,
    _write_info,
    derived_formula,
    value_formula,
)
from apps.lke.excel.layout import DERIVED_TYPE_LABEL, TYPE_LABELS, TreeRow, WorkbookLayout, derived_inputs, tree_rows
from apps.lke.scoring import TemplateSpec

SHEET_LKE_ZI = "LKE ZI"
FIRST_ROW = 8
COL_ANSWER, COL_VALUE, COL_SHARE, COL_NOTE, COL_EVIDENCE = "K", "L", "M", "N", "O"
COL_ANSWER_TPI, COL_NOTE_TPI, COL_VALUE_TPI, COL_SHARE_TPI = "P", "Q", "R", "S"
HEADERS = {
    "B": "KOMPONEN",
    "H": "BOBOT",
    "I": "KRITERIA PENILAIAN",
    "J": "PILIHAN JAWABAN",
    "K": "JAWABAN",
    "L": "NILAI",
    "M": "%",
    "N": "PENJELASAN / CATATAN",
    "O": "LINK BUKTI DUKUNG",
    "P": "JAWABAN TPI",
    "Q": "CATATAN TPI",
    "R": "NILAI TPI",
    "S": "% TPI",
}
_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")


def _relaid(rows: list[TreeRow]) -> list[TreeRow]:
    """The tree rows renumbered from ``FIRST_ROW`` without gaps (node rows' own items too)."""
    new_row = {row.row: FIRST_ROW + index for index, row in enumerate(rows)}

    def move(row: TreeRow) -> TreeRow:
        items = tuple(dataclasses.replace(item, row=new_row[item.row]) for item in row.items)
        return dataclasses.replace(row, row=new_row[row.row], items=items)

    return [move(row) for row in rows]


def build_lke_zi_workbook(
    spec: TemplateSpec,
    layout: WorkbookLayout,
    answers: Mapping[int, Mapping[str, Any]],
    *,
    title: str,
    unit_name: str = "",
    exported_at: datetime | None = None,
) -> bytes:
    """The Lampiran III workbook for one set of answers (same ``answers`` shape as ``build_workbook``)."""
    rows = _relaid(tree_rows(spec, layout))
    soal_row = {r.soal.soal_id: r.row for r in rows if r.kind == "soal" and r.soal is not None}
    row_of_node = {r.node.node_id: r.row for r in rows if r.kind == "node" and r.node is not None}
    workbook = Workbook()
    ws = workbook.active
    ws.title = SHEET_LKE_ZI
    _write_heading(ws, title, unit_name)
    for item in rows:
        r = item.row
        depth = min(item.depth, 4)
        number_col, text_col = "BCDEF"[depth], "CDEFG"[depth]
        label = item.label if item.kind != "total" else str(m.TOTAL_OBLIGED)
        if item.depth >= 5:
            ws[f"G{r}"] = f"{item.shown_number} {label}".strip()
        else:
            if item.shown_number:
                ws[f"{number_col}{r}"] = item.shown_number
            ws[f"{text_col}{r}"] = label
            if text_col != "G":
                ws.merge_cells(f"{text_col}{r}:G{r}")
        ws[f"{text_col if item.depth < 5 else 'G'}{r}"].alignment = _WRAP
        if item.kind == "node" and item.node is not None:
            ws[f"H{r}"] = item.weight
            for value_col, share_col in ((COL_VALUE, COL_SHARE), (COL_VALUE_TPI, COL_SHARE_TPI)):
                ws[f"{value_col}{r}"] = _node_formula(item.node, item, value_col, row_of_node)
                ws[f"{share_col}{r}"] = f'=IF(H{r}=0,"",{value_col}{r}/H{r})'
                ws[f"{share_col}{r}"].number_format = "0.00%"
            for col in ("B", "C", "D", "E", "F", "G", "H", COL_VALUE, COL_VALUE_TPI):
                ws[f"{col}{r}"].font = _BOLD
        elif item.kind == "soal" and item.soal is not None and item.soal_layout is not None:
            soal = item.soal
            answer = answers.get(soal.soal_id, {})
            if item.weight is not None:
                ws[f"H{r}"] = item.weight
            ws[f"I{r}"] = item.soal_layout.criteria
            ws[f"I{r}"].alignment = _WRAP
            ws[f"J{r}"] = TYPE_LABELS.get(soal.answer_type, soal.answer_type)
            ws[f"{COL_ANSWER}{r}"] = _cell_answer(soal, answer.get("answer_unit"))
            ws[f"{COL_NOTE}{r}"] = answer.get("note_unit") or None
            ws[f"{COL_EVIDENCE}{r}"] = answer.get("evidence_unit") or None
            ws[f"{COL_ANSWER_TPI}{r}"] = _cell_answer(soal, answer.get("answer_tpi"))
            ws[f"{COL_NOTE_TPI}{r}"] = answer.get("note_tpi") or None
            for answer_col, value_col in ((COL_ANSWER, COL_VALUE), (COL_ANSWER_TPI, COL_VALUE_TPI)):
                formula = value_formula(soal, f"{answer_col}{r}")
                if formula is not None:
                    ws[f"{value_col}{r}"] = formula
        elif item.kind == "derived" and item.derived is not None:
            ws[f"J{r}"] = DERIVED_TYPE_LABEL
            inputs = derived_inputs(item.derived.formula)
            for answer_col, value_col in ((COL_ANSWER, COL_VALUE), (COL_ANSWER_TPI, COL_VALUE_TPI)):
                cells = {soal_id: f"{answer_col}{soal_row[soal_id]}" for soal_id in inputs}
                ws[f"{answer_col}{r}"] = derived_formula(item.derived.formula, cells)
                ws[f"{answer_col}{r}"].number_format = "0.00%"
                ws[f"{answer_col}{r}"].fill = _FORMULA_FILL
                ws[f"{value_col}{r}"] = f'=IF(ISNUMBER({answer_col}{r}),{answer_col}{r},"")'
        elif item.kind == "total":
            ws[f"J{r}"] = TYPE_LABELS["JUMLAH"]
            for answer_col in (COL_ANSWER, COL_ANSWER_TPI):
                parts = ",".join(f"{answer_col}{soal_row[i]}" for i in item.parts)
                ws[f"{answer_col}{r}"] = f"=SUM({parts})"
                ws[f"{answer_col}{r}"].fill = _FORMULA_FILL
    total_row = rows[-1].row + 2
    ws[f"B{total_row}"] = str(m.TOTAL_SCORE)
    ws[f"B{total_row}"].font = _BOLD
    ws[f"H{total_row}"] = sum((root.weight for root in spec.roots), Decimal(0))
    for value_col in (COL_VALUE, COL_VALUE_TPI):
        ws[f"{value_col}{total_row}"] = "=" + "+".join(f"{value_col}{row_of_node[root.node_id]}" for root in spec.roots)
        ws[f"{value_col}{total_row}"].font = _BOLD
    _write_info(workbook, layout, title=title, exported_at=exported_at or timezone.now())
    workbook.properties.title = title
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def total_row_of(spec: TemplateSpec, layout: WorkbookLayout) -> int:
    """The row of the final "NILAI EVALUASI" line (for readers of the exported sheet)."""
    return FIRST_ROW + len(tree_rows(spec, layout)) + 1


def relaid_rows(spec: TemplateSpec, layout: WorkbookLayout) -> list[TreeRow]:
    """The tree rows as this sheet places them."""
    return _relaid(tree_rows(spec, layout))


def _write_heading(ws: Worksheet, title: str, unit_name: str) -> None:
    lines = [
        "LAMPIRAN III",
        "PERATURAN MENTERI PENDAYAGUNAAN APARATUR NEGARA DAN REFORMASI BIROKRASI NOMOR 90 TAHUN 2021",
        "LEMBAR KERJA EVALUASI ZONA INTEGRITAS MENUJU WBK/WBBM",
        f"Unit Kerja : {unit_name or title}",
    ]
    for index, text in enumerate(lines, start=1):
        ws[f"B{index}"] = text
        ws[f"B{index}"].font = _BOLD
        ws.merge_cells(f"B{index}:S{index}")
    for col, text in HEADERS.items():
        ws[f"{col}6"] = text
        ws[f"{col}6"].font = _BOLD
        ws[f"{col}6"].alignment = _WRAP
    ws.merge_cells("B6:G6")
    for index, col in enumerate("BHIJKLMNOPQRS", start=1):
        ws[f"{col}7"] = f"({index})"
    widths = {"B": 4, "C": 4, "D": 4, "E": 4, "F": 4, "G": 60, "H": 8, "I": 50, "J": 11, "K": 10}
    for col, width in widths.items():
        ws.column_dimensions[col].width = width
    for col in ("N", "O", "Q"):
        ws.column_dimensions[col].width = 30
    ws.freeze_panes = "H8"
