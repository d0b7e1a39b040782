"""Export a unit's LKE as the official workbook: sheet ``Jawaban`` (REFERENCE §2.6).

Every soal sits at its master ``excel_baris`` with the master's columns (unit answer K, unit note L,
evidence M, TPI answer N, TPI note Q). Around them the sheet carries the tree (numbering in B–F,
text in G), weights (H), criteria (I), answer types (J) and formulas that reproduce the scoring
engine (REFERENCE §2.3, DESIGN §7), so Excel or LibreOffice shows the same scores as ZI:

* R / S — the item value (0..1) of the unit / TPI answer; on node rows the node's points:
  ``AVERAGE`` of its item values × weight (blank items ignored, nothing answered → 0), per-item
  nodes (hasil) Σ value × item weight, other nodes the sum of their children;
* T / U — points ÷ weight on node rows;
* derived percentage rows compute their ratio in K (unit) and N (TPI) from the ``Jumlah`` rows
  beneath them, capped at 1, with the DESIGN §7 edge cases; they are blank while an input is blank.

Column O and P are left free (PortalRB's master does not name them).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from apps.core.xlsx import set_text_cell
from apps.lke.excel import messages as m
from apps.lke.excel.layout import (
    DERIVED_TYPE_LABEL,
    TYPE_LABELS,
    SoalLayout,
    TreeRow,
    WorkbookLayout,
    derived_inputs,
    describe_formula,
    tree_rows,
    workbook_layout,
)
from apps.lke.scoring import DerivedSpec, NodeSpec, SoalSpec, TemplateSpec

SHEET = "Jawaban"
COL_ID = "A"
NUMBER_COLS = ("B", "C", "D", "E", "F")
COL_TEXT = "G"
COL_WEIGHT = "H"
COL_CRITERIA = "I"
COL_TYPE = "J"
COL_VALUE_UNIT = "R"
COL_VALUE_TPI = "S"
COL_PERCENT_UNIT = "T"
COL_PERCENT_TPI = "U"
INFO_KEY_COL = "C"  # machine-readable keys of the Info sheet (read back by the import)

Answers = Mapping[int, Mapping[str, Any]]

_BOLD = Font(bold=True)
_FORMULA_FILL = PatternFill("solid", fgColor="EEF6F2")
_WRAP = Alignment(wrap_text=True, vertical="top")


def _num(value: Decimal) -> str:
    """A Decimal as a formula literal: ``0.67``, ``1``, never an exponent."""
    return format(value.normalize(), "f")


def option_value_formula(soal: SoalSpec, cell: str) -> str:
    """Nested IFs from the master's multipliers; anything else (blank, unknown) gives "" (AVERAGE skips it)."""
    formula = '""'
    for key, multiplier in reversed(list(soal.options.items())):
        formula = f'IF({cell}="{key}",{_num(multiplier)},{formula})'
    return f"={formula}"


def value_formula(soal: SoalSpec, cell: str) -> str | None:
    if soal.answer_type == "JUMLAH":
        return None
    if soal.answer_type == "NILAI_0_4":
        return f'=IF(ISNUMBER({cell}),{cell}/4,"")'
    return option_value_formula(soal, cell)


def derived_formula(formula: Mapping[str, Any], cell_of: Mapping[int, str]) -> str:
    """The derived percentage over the input cells, exactly as ``scoring.derived_value`` computes it."""
    if formula["type"] == "ratio":
        numerator = [cell_of[i] for i in formula["numerator"]]
        denominator = [cell_of[i] for i in formula["denominator"]]
        every = ",".join(denominator + numerator)
        count = len(denominator) + len(numerator)
        num = f"SUM({','.join(numerator)})" if len(numerator) > 1 else numerator[0]
        den = f"SUM({','.join(denominator)})" if len(denominator) > 1 else denominator[0]
        empty = "1" if formula.get("empty_denominator") == "one" else "0"
        return f'=IF(COUNT({every})<{count},"",IF({den}=0,{empty},MIN(1,{num}/{den})))'
    if formula["type"] == "decrease":
        previous, current = cell_of[formula["previous"]], cell_of[formula["current"]]
        return (
            f'=IF(COUNT({previous},{current})<2,"",IF({previous}=0,IF({current}=0,1,0),'
            f"MAX(0,MIN(1,({previous}-{current})/{previous}))))"
        )
    raise ValueError(f"unknown formula type {formula['type']}")


def _cell_answer(soal: SoalSpec, answer: Any) -> Any:
    """An answer as the cell should hold it: counts and survey values as numbers, options as text."""
    if answer is None or answer == "":
        return None
    if soal.answer_type in {"JUMLAH", "NILAI_0_4"}:
        try:
            number = Decimal(str(answer).replace(",", "."))
        except InvalidOperation:
            return str(answer)  # not ours to fix here: the import will name it
        return int(number) if soal.answer_type == "JUMLAH" and number == number.to_integral_value() else number
    return str(answer)


def _number_col(depth: int) -> str:
    return NUMBER_COLS[min(depth, len(NUMBER_COLS) - 1)]


def _node_formula(node: NodeSpec, head: TreeRow, value_col: str, row_of_node: Mapping[int, int]) -> str:
    if node.scoring == "sum":
        parts = [f"{value_col}{row_of_node[child.node_id]}" for child in node.children]
        return "=" + ("+".join(parts) if parts else "0")
    if node.scoring == "per_item":
        parts = [
            f"IF(ISNUMBER({value_col}{item.row}),{value_col}{item.row}*{COL_WEIGHT}{item.row},0)"
            for item in head.items
            if item.kind == "soal" and item.soal is not None and item.soal.answer_type != "JUMLAH"
        ]
        return "=" + ("+".join(parts) if parts else "0")
    first, last = head.items[0].row, head.items[-1].row
    span = f"{value_col}{first}:{value_col}{last}"
    return f"=IF(COUNT({span})=0,0,AVERAGE({span})*{COL_WEIGHT}{head.row})"


def _write_headers(ws: Worksheet) -> None:
    headers = {
        COL_ID: m.HEADER_ID,
        NUMBER_COLS[0]: m.HEADER_NUMBER,
        COL_TEXT: m.HEADER_ITEM,
        COL_WEIGHT: m.HEADER_WEIGHT,
        COL_CRITERIA: m.HEADER_CRITERIA,
        COL_TYPE: m.HEADER_TYPE,
        "K": m.HEADER_ANSWER_UNIT,
        "L": m.HEADER_NOTE_UNIT,
        "M": m.HEADER_EVIDENCE_UNIT,
        "N": m.HEADER_ANSWER_TPI,
        "Q": m.HEADER_NOTE_TPI,
        COL_VALUE_UNIT: m.HEADER_VALUE_UNIT,
        COL_VALUE_TPI: m.HEADER_VALUE_TPI,
        COL_PERCENT_UNIT: m.HEADER_PERCENT_UNIT,
        COL_PERCENT_TPI: m.HEADER_PERCENT_TPI,
    }
    for col, label in headers.items():
        cell = ws[f"{col}1"]
        cell.value = str(label)
        cell.font = _BOLD
        cell.alignment = _WRAP
    widths = {"A": 8, "B": 4, "C": 4, "D": 4, "E": 4, "F": 4, "G": 70, "H": 8, "I": 50, "J": 11}
    for col, width in widths.items():
        ws.column_dimensions[col].width = width
    for col in ("K", "N"):
        ws.column_dimensions[col].width = 10
    for col in ("L", "M", "Q"):
        ws.column_dimensions[col].width = 30
    ws.freeze_panes = "H2"


def _add_option_lists(ws: Worksheet, rows: list[TreeRow]) -> None:
    """Drop-down lists on option answers, so Excel users pick a valid key."""
    cells: dict[tuple[str, ...], list[str]] = {}
    for row in rows:
        if row.kind != "soal" or row.soal is None or not row.soal.options or row.soal_layout is None:
            continue
        keys = tuple(row.soal.options)
        cells.setdefault(keys, []).extend(
            [f"{row.soal_layout.col_answer_unit}{row.row}", f"{row.soal_layout.col_answer_tpi}{row.row}"]
        )
    for keys, refs in cells.items():
        validation = DataValidation(type="list", formula1=f'"{",".join(keys)}"', allow_blank=True)
        for ref in refs:
            validation.add(ref)
        ws.add_data_validation(validation)


def build_workbook(
    spec: TemplateSpec,
    layout: WorkbookLayout | Iterable[Any],
    answers: Answers,
    *,
    title: str,
    exported_at: datetime | None = None,
) -> bytes:
    """The official ``Jawaban`` workbook for one set of answers, as xlsx bytes.

    ``answers`` is ``{soal_id: {"answer_unit", "note_unit", "evidence_unit", "answer_tpi",
    "note_tpi"}}`` (missing keys are blank). ``exported_at`` (default now) is written to the Info
    sheet so a later import can tell which answers in ZI are newer than the file. ``layout`` may
    also be the template's ``Soal`` rows; the layout of their template is then read.
    """
    if not isinstance(layout, WorkbookLayout):
        first = next(iter(layout))
        layout = workbook_layout(first.template_id)
    rows = tree_rows(spec, layout)
    row_of_node = {r.node.node_id: r.row for r in rows if r.kind == "node" and r.node is not None}
    workbook = Workbook()
    ws = workbook.active
    ws.title = SHEET
    _write_headers(ws)
    for item in rows:
        r = item.row
        if item.kind == "node" and item.node is not None:
            ws[f"{_number_col(item.depth)}{r}"] = item.shown_number or None
            ws[f"{COL_TEXT}{r}"] = item.label
            ws[f"{COL_WEIGHT}{r}"] = item.weight
            for value_col, percent_col in ((COL_VALUE_UNIT, COL_PERCENT_UNIT), (COL_VALUE_TPI, COL_PERCENT_TPI)):
                ws[f"{value_col}{r}"] = _node_formula(item.node, item, value_col, row_of_node)
                ws[f"{percent_col}{r}"] = f'=IF({COL_WEIGHT}{r}=0,"",{value_col}{r}/{COL_WEIGHT}{r})'
                ws[f"{percent_col}{r}"].number_format = "0.00%"
            for col in ("B", "C", "D", "E", "F", "G", "H", COL_VALUE_UNIT, COL_VALUE_TPI):
                ws[f"{col}{r}"].font = _BOLD
        elif item.kind == "soal" and item.soal is not None and item.soal_layout is not None:
            _write_soal(ws, item, item.soal, item.soal_layout, answers.get(item.soal.soal_id, {}))
        elif item.kind == "derived" and item.derived is not None:
            _write_derived(ws, item, item.derived, layout)
        elif item.kind == "total":
            _write_total(ws, item, layout)
    total_row = rows[-1].row + 2
    ws[f"{COL_TEXT}{total_row}"] = str(m.TOTAL_SCORE)
    ws[f"{COL_WEIGHT}{total_row}"] = sum((root.weight for root in spec.roots), Decimal(0))
    for value_col in (COL_VALUE_UNIT, COL_VALUE_TPI):
        parts = [f"{value_col}{row_of_node[root.node_id]}" for root in spec.roots]
        ws[f"{value_col}{total_row}"] = "=" + "+".join(parts)
        ws[f"{value_col}{total_row}"].font = _BOLD
    ws[f"{COL_TEXT}{total_row}"].font = _BOLD
    _add_option_lists(ws, rows)
    _write_info(workbook, layout, title=title, exported_at=exported_at or timezone.now())
    workbook.properties.title = title
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_soal(ws: Worksheet, item: TreeRow, soal: SoalSpec, where: SoalLayout, answer: Mapping[str, Any]) -> None:
    r = item.row
    ws[f"{COL_ID}{r}"] = soal.soal_id
    ws[f"{_number_col(item.depth)}{r}"] = item.shown_number
    ws[f"{COL_TEXT}{r}"] = item.label
    ws[f"{COL_TEXT}{r}"].alignment = _WRAP
    if item.weight is not None:
        ws[f"{COL_WEIGHT}{r}"] = item.weight
    ws[f"{COL_CRITERIA}{r}"] = where.criteria
    ws[f"{COL_CRITERIA}{r}"].alignment = _WRAP
    ws[f"{COL_TYPE}{r}"] = TYPE_LABELS.get(soal.answer_type, soal.answer_type)
    ws[f"{where.col_answer_unit}{r}"] = _cell_answer(soal, answer.get("answer_unit"))
    # User text: written as strings, never formulas (apps.core.xlsx, issue 18).
    set_text_cell(ws[f"{where.col_note_unit}{r}"], answer.get("note_unit") or None)
    set_text_cell(ws[f"{where.col_evidence_unit}{r}"], answer.get("evidence_unit") or None)
    ws[f"{where.col_answer_tpi}{r}"] = _cell_answer(soal, answer.get("answer_tpi"))
    set_text_cell(ws[f"{where.col_note_tpi}{r}"], answer.get("note_tpi") or None)
    for answer_col, value_col in ((where.col_answer_unit, COL_VALUE_UNIT), (where.col_answer_tpi, COL_VALUE_TPI)):
        formula = value_formula(soal, f"{answer_col}{r}")
        if formula is not None:
            ws[f"{value_col}{r}"] = formula


def _input_cells(layout: WorkbookLayout, soal_ids: list[int], tier: str) -> dict[int, str]:
    cells = {}
    for soal_id in soal_ids:
        where = layout.soal[soal_id]
        col = where.col_answer_unit if tier == "unit" else where.col_answer_tpi
        cells[soal_id] = f"{col}{where.row}"
    return cells


def _write_derived(ws: Worksheet, item: TreeRow, derived: DerivedSpec, layout: WorkbookLayout) -> None:
    r = item.row
    inputs = derived_inputs(derived.formula)
    anchor = layout.soal[inputs[0]]
    ws[f"{COL_ID}{r}"] = derived.code
    ws[f"{_number_col(item.depth)}{r}"] = item.shown_number
    ws[f"{COL_TEXT}{r}"] = item.label
    ws[f"{COL_TEXT}{r}"].alignment = _WRAP
    ws[f"{COL_CRITERIA}{r}"] = describe_formula(derived.formula, layout)
    ws[f"{COL_CRITERIA}{r}"].alignment = _WRAP
    ws[f"{COL_TYPE}{r}"] = DERIVED_TYPE_LABEL
    for tier, answer_col, value_col in (
        ("unit", anchor.col_answer_unit, COL_VALUE_UNIT),
        ("tpi", anchor.col_answer_tpi, COL_VALUE_TPI),
    ):
        cell = ws[f"{answer_col}{r}"]
        cell.value = derived_formula(derived.formula, _input_cells(layout, inputs, tier))
        cell.number_format = "0.00%"
        cell.fill = _FORMULA_FILL
        ws[f"{value_col}{r}"] = f'=IF(ISNUMBER({answer_col}{r}),{answer_col}{r},"")'


def _write_total(ws: Worksheet, item: TreeRow, layout: WorkbookLayout) -> None:
    r = item.row
    anchor = layout.soal[item.parts[0]]
    ws[f"{COL_TEXT}{r}"] = str(m.TOTAL_OBLIGED)
    ws[f"{COL_TYPE}{r}"] = TYPE_LABELS["JUMLAH"]
    for tier, answer_col in (("unit", anchor.col_answer_unit), ("tpi", anchor.col_answer_tpi)):
        cells = _input_cells(layout, list(item.parts), tier)
        ws[f"{answer_col}{r}"] = f"=SUM({','.join(cells[i] for i in item.parts)})"
        ws[f"{answer_col}{r}"].fill = _FORMULA_FILL


def _write_info(workbook: Workbook, layout: WorkbookLayout, *, title: str, exported_at: datetime) -> None:
    info = workbook.create_sheet(str(m.SHEET_INFO))
    entries = [
        (m.INFO_TITLE, title, "title"),
        (m.INFO_TEMPLATE, layout.label, "template"),
        (m.INFO_EXPORTED_AT, exported_at.isoformat(), "exported_at"),
    ]
    for index, (label, value, key) in enumerate(entries, start=1):
        info[f"A{index}"] = str(label)
        info[f"A{index}"].font = _BOLD
        set_text_cell(info[f"B{index}"], value)  # the title holds the unit's name
        info[f"{INFO_KEY_COL}{index}"] = key
        info[f"{INFO_KEY_COL}{index}"].font = Font(color="999999")
    info[f"A{len(entries) + 2}"] = str(m.INFO_HOW)
    info.column_dimensions["A"].width = 24
    info.column_dimensions["B"].width = 60
    info.column_dimensions[INFO_KEY_COL].hidden = True
