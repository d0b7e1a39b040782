"""Read a filled LKE workbook into plain answers, in either layout, by structure (issue 16).

* ``jawaban`` — the official sheet ``Jawaban``: every soal at its master ``excel_baris``, in the
  master's ``excel_kolom_*`` columns (unit answer K, note L, evidence M, TPI answer N, TPI note Q).
* ``lke_zi`` — the Lampiran III sheet ``LKE ZI`` units have filled since 2022: the tree in the
  label columns, then weight, criteria, the answer-type column and the answer.

Both are read the same way: the template's rows in sheet order (komponen → area → sub-area headings,
then the items with their numbering a., b., -, 1), …, answer type and master row) are *aligned* with
the sheet's rows (a dynamic-programming alignment, like a diff): a heading matches by its numbering,
an item by its answer type, its numbering, its place in the sequence, its master row (``Jawaban``)
and the soal id in column A when there is one. Text similarity only breaks ties, so a label that is
cut, reworded, abbreviated, misspelt or differently spaced is at most a warning; inserted, hidden,
blank or shifted rows and inserted columns change nothing.

Nothing here writes anything, and some rows never make a whole workbook fail: every row that is not
understood becomes a ``Problem`` (sheet, row, column letter, what was found, what was expected) and
the rest is read. Only a file that is not an LKE workbook at all raises ``WorkbookError``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO

from openpyxl.utils import column_index_from_string
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from apps.lke.excel import messages as m
from apps.lke.excel.align import align, template_slots
from apps.lke.excel.cells import read_number, urls_in
from apps.lke.excel.export import INFO_KEY_COL, SHEET
from apps.lke.excel.layout import WorkbookLayout, layout_for_spec
from apps.lke.excel.parsed import Layout, Message, ParsedRow, ParsedWorkbook, Problem, WorkbookError
from apps.lke.excel.sheet import Columns, Sheet
from apps.lke.excel.text import (
    containment,
    is_formula,
    normalise_answer,
    shorten,
    show,
    show_number,
    show_percent,
    similarity,
    text_of,
)
from apps.lke.excel.xlsx import SavedValues, open_workbook, read_bytes, sheet_key, sheet_with_answer_types
from apps.lke.scoring import AnswerError, SoalSpec, TemplateSpec, contradictions, derived_value

PERCENT_TOLERANCE = Decimal("0.005")  # units type 67% for 2/3
LABEL_WARN = 0.85  # a label holding less of the master's text (or vice versa) than this gets a warning
FOREIGN_LABEL = 0.35  # below this, a label is another question's
MIN_FOUND = 0.3  # a sheet where fewer soal than this share are found is not this LKE


# -----------------------------------------------------------------------------
# Entry point
# -----------------------------------------------------------------------------


def parse_workbook(
    file_or_bytes: bytes | BinaryIO | str | Path | Workbook,
    spec: TemplateSpec,
    layout: WorkbookLayout | None = None,
) -> ParsedWorkbook:
    """Read a workbook of either layout against one template.

    ``layout`` (texts and master cells) defaults to the imported template whose spec this is.
    An openpyxl ``Workbook`` already in memory is read as it is (it has no saved formula results).
    Raises ``WorkbookError`` for a file that is not an xlsx or not an LKE workbook.
    """
    layout = layout or layout_for_spec(spec)
    if isinstance(file_or_bytes, Workbook):
        formulas, data = file_or_bytes, b""
    else:
        data = read_bytes(file_or_bytes)
        formulas = open_workbook(data)
    names = formulas.sheetnames
    by_key = {sheet_key(name): name for name in names}
    if sheet_key(SHEET) in by_key:
        name = by_key[sheet_key(SHEET)]
        parsed = _Reader("jawaban", formulas[name], SavedValues(data, name), spec, layout).read()
    else:
        name = by_key.get("lkezi") or sheet_with_answer_types(formulas)
        if name is None:
            raise WorkbookError(str(m.UNKNOWN_LAYOUT).format(sheets=", ".join(names) or "—"), code="unknown_layout")
        parsed = _Reader("lke_zi", formulas[name], SavedValues(data, name), spec, layout).read()
    _read_info(formulas, parsed, layout)
    parsed.problems.sort(key=lambda p: (0 if p.row is None else 1, p.row or 0, p.column or ""))
    parsed.warnings.sort(key=_message_order)
    return parsed


def _message_order(message: Message) -> tuple[int, int]:
    return (0 if message[0] is None else 1, message[0] or 0)


def _read_info(workbook: Workbook, parsed: ParsedWorkbook, layout: WorkbookLayout) -> None:
    """The export's Info sheet: when the file was exported and from which template version."""
    info_name = next((n for n in workbook.sheetnames if n != parsed.sheet and _has_info_keys(workbook[n])), None)
    if info_name is None:
        return
    ws = workbook[info_name]
    key_col = column_index_from_string(INFO_KEY_COL)
    for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, 20)):
        key = text_of(row[key_col - 1].value) if len(row) >= key_col else None
        value = text_of(row[1].value) if len(row) > 1 else None
        if key == "exported_at" and value:
            try:
                parsed.exported_at = datetime.fromisoformat(value)
            except ValueError:
                parsed.exported_at = None
        elif key == "template" and value:
            parsed.template_label = value
    if parsed.template_label and parsed.template_label != layout.label:
        message = str(m.OTHER_TEMPLATE).format(found=parsed.template_label, template=layout.label)
        parsed.warnings.append((None, message))


def _has_info_keys(ws: Worksheet) -> bool:
    key_col = column_index_from_string(INFO_KEY_COL)
    return any(text_of(ws.cell(row, key_col).value) == "exported_at" for row in range(1, min(ws.max_row, 20) + 1))


class _Reader(Sheet):
    def __init__(
        self, layout_name: Layout, ws: Worksheet, ws_values: SavedValues, spec: TemplateSpec, layout: WorkbookLayout
    ):
        super().__init__(layout_name, ws, ws_values, layout)
        self.spec = spec
        self.soal = spec.soal_by_id()
        self.warnings: list[Message] = []
        self.problems: list[Problem] = []
        self.rows: dict[int, ParsedRow] = {}
        self.places: dict[int, int] = {}  # soal id → sheet row
        self.derived_rows: dict[str, int] = {}

    # -- reading ----------------------------------------------------------------------------------

    def read(self) -> ParsedWorkbook:
        cols = self.columns()
        lines = self.lines(cols)
        slots = template_slots(self.spec, self.layout)
        pairs = align(lines, slots, jawaban=self.layout_name == "jawaban")
        matched_lines = {id(line) for line, _ in pairs}
        foreign = 0
        labelled = 0
        for line, slot in pairs:
            if slot.kind == "node":
                continue
            if slot.kind == "derived" and slot.code:
                self.derived_rows[slot.code] = line.row
            elif slot.kind == "total" and slot.code:
                self.total_rows[slot.code] = line.row
            elif slot.soal is not None:
                self.places[slot.soal.soal_id] = line.row
                if line.text:
                    labelled += 1
                    ratio = similarity(line.grams, slot.grams)
                    if ratio < FOREIGN_LABEL:
                        foreign += 1
                    if containment(line.grams, slot.grams) < LABEL_WARN:
                        message = str(m.MATCHED_BY_POSITION).format(
                            found=shorten(line.text), expected=shorten(slot.text), soal_id=slot.soal.soal_id
                        )
                        self.warnings.append((line.row, message))
        total = len(self.soal)
        if len(self.places) < MIN_FOUND * total or (labelled and foreign > labelled / 2):
            if self.layout_name == "jawaban":
                count = foreign if foreign > labelled / 2 else total - len(self.places)
                raise WorkbookError(
                    str(m.NOT_THIS_TEMPLATE).format(template=self.layout.label, count=count), code="unknown_layout"
                )
            raise WorkbookError(str(m.NO_QUESTIONS_FOUND).format(sheet=self.ws.title), code="unknown_layout")
        # rows holding an answer that stand nowhere in the tree
        prev_text = ""
        slot_of_line = {id(line): slot for line, slot in pairs}
        first_row = pairs[0][0].row if pairs else 0
        last_row = pairs[-1][0].row if pairs else 0
        for line in lines:
            if not first_row <= line.row <= last_row:
                continue  # title lines, column headers and totals around the tree
            slot = slot_of_line.get(id(line))
            if slot is not None:
                prev_text = slot.text
                continue
            if id(line) not in matched_lines and line.item_like:
                expected = str(m.EXPECTED_QUESTION).format(template=self.layout.label, previous=shorten(prev_text, 50))
                found = line.text or show(line.answer)
                self.problems.append(
                    Problem(
                        self.ws.title,
                        line.row,
                        self.letter(cols.answer_unit if line.answer is not None else (cols.type or 1)),
                        shorten(found, 60),
                        expected,
                        str(m.ROW_NOT_UNDERSTOOD).format(template=self.layout.label),
                    )
                )
        for soal_id in sorted(set(self.soal) - set(self.places)):
            text = shorten(self.layout.soal[soal_id].text)
            message = str(m.QUESTION_NOT_FOUND_LINE).format(soal_id=soal_id, text=text)
            self.problems.append(Problem(self.ws.title, None, None, "—", text, message, soal_id))
        for soal_id, row in sorted(self.places.items(), key=lambda p: p[1]):
            self.rows[soal_id] = self._read_row(self.soal[soal_id], row, cols)
        for tier in ("unit", "tpi"):
            self._check_contradictions(tier, cols)
            answers = {i: getattr(r, f"answer_{tier}") for i, r in self.rows.items()}
            self._check_typed(answers, tier, cols)
        return ParsedWorkbook(self.layout_name, self.ws.title, self.rows, self.warnings, self.problems)

    def _answer(self, soal: SoalSpec, col: int | None, row: int) -> str | None:
        if col is None:
            return None
        value, formula_missing = self.value(col, row)
        letter = self.letter(col)
        if formula_missing:
            if value is None:
                self.warnings.append((row, str(m.FORMULA_WITHOUT_VALUE).format(column=letter)))
                return None
            self.warnings.append((row, str(m.FORMULA_EVALUATED).format(column=letter, value=show_number(value))))
        if text_of(value) is None:
            return None
        try:
            return normalise_answer(soal, value)
        except AnswerError as exc:
            expected = {
                "unknown_option": str(m.EXPECTED_OPTION).format(options=", ".join(soal.options)),
                "not_whole_number": str(m.EXPECTED_WHOLE),
                "out_of_range": str(m.EXPECTED_RANGE),
            }.get(exc.code, str(m.EXPECTED_NUMBER))
            self.problems.append(
                Problem(self.ws.title, row, letter, show(value), expected, str(m.WRONG_ANSWER), soal.soal_id)
            )
            return None

    def _cell_text(self, col: int | None, row: int) -> tuple[str | None, list[str]]:
        """A cell's text and the web addresses in it (hyperlink target first)."""
        if col is None:
            return None, []
        value, _ = self.value(col, row)
        text = text_of(value)
        target = self.links.get(self.merged.get((row, col), (row, col)))
        urls = ([target] if target else []) + [u for u in urls_in(text) if u != target]
        return text, urls

    def _read_row(self, soal: SoalSpec, row: int, cols: Columns) -> ParsedRow:
        note, _ = self._cell_text(cols.note_unit, row)
        evidence_text, links = self._cell_text(cols.evidence_unit, row)
        # every other web address to the right of the answer (but not in the TPI's or the note's cells)
        skip = {cols.answer_unit, cols.note_unit, cols.evidence_unit, cols.answer_tpi, cols.note_tpi}
        for col in range(cols.answer_unit + 1, self.max_col + 1):
            if col in skip or is_formula(self.raw(col, row)):
                continue
            _, more = self._cell_text(col, row)
            links.extend(u for u in more if u not in links)
        evidence = links[0] if links else evidence_text
        if len(links) > 1:
            extra = f"{m.MORE_LINKS}: " + " ".join(links[1:])
            if not note or extra not in note:
                note = f"{note}\n{extra}" if note else extra
        return ParsedRow(
            excel_row=row,
            answer_unit=self._answer(soal, cols.answer_unit, row),
            note_unit=note,
            evidence_unit=evidence,
            answer_tpi=self._answer(soal, cols.answer_tpi, row),
            note_tpi=self._cell_text(cols.note_tpi, row)[0],
            links=tuple(links),
            answer_column=self.letter(cols.answer_unit),
            evidence_column=self.letter(cols.evidence_unit) if cols.evidence_unit else None,
        )

    # -- checks across rows -----------------------------------------------------------------------

    def _tier_col(self, cols: Columns, tier: str) -> int | None:
        return cols.answer_unit if tier == "unit" else cols.answer_tpi

    def _check_contradictions(self, tier: str, cols: Columns) -> None:
        """A count larger than the total it is part of: listed, and that count is not imported."""
        col = self._tier_col(cols, tier)
        if col is None:
            return
        attr = f"answer_{tier}"
        answers = {i: getattr(r, attr) for i, r in self.rows.items()}
        derived_by_code = {d.code: d for d in self.spec.derived()}
        for soal_id, code in contradictions(self.spec, answers):
            formula = derived_by_code[code].formula
            numerator = sum(Decimal(answers[i] or 0) for i in formula["numerator"])
            denominator = sum(Decimal(answers[i] or 0) for i in formula["denominator"])
            rows = ", ".join(str(self.places[i]) for i in formula["denominator"] if i in self.places)
            row = self.places[soal_id]
            expected = str(m.EXPECTED_NOT_MORE).format(total=show_number(denominator), rows=rows)
            self.problems.append(
                Problem(
                    self.ws.title,
                    row,
                    self.letter(col),
                    show_number(numerator),
                    expected,
                    str(m.CONTRADICTION_SKIPPED),
                    soal_id,
                )
            )
            old = self.rows[soal_id]
            self.rows[soal_id] = ParsedRow(**{**old.__dict__, attr: None})

    def _check_typed(self, answers: Mapping[int, str | None], tier: str, cols: Columns) -> None:
        """Numbers typed over the percentage and total formulas: say so; the parts decide."""
        col = self._tier_col(cols, tier)
        if col is None:
            return
        letter = self.letter(col)
        derived_by_code = {d.code: d for d in self.spec.derived()}
        for code, row in self.derived_rows.items():
            raw = self.raw(col, row)
            if raw is None or is_formula(raw) or text_of(raw) is None:
                continue
            computed = derived_value(derived_by_code[code].formula, answers)
            found = read_number(raw)
            typed = None
            if found is not None:
                typed = found[0] / 100 if found[1] or found[0] > 1 else found[0]
            typed_text = show_percent(typed) if typed is not None else str(text_of(raw))
            if computed is None:
                self.warnings.append((row, str(m.TYPED_PERCENT_NO_PARTS).format(column=letter, typed=typed_text)))
            elif typed is None or abs(typed - computed) > PERCENT_TOLERANCE:
                message = str(m.TYPED_PERCENT_DISAGREES).format(
                    column=letter, typed=typed_text, computed=show_percent(computed)
                )
                self.warnings.append((row, message))
        for code, row in self.total_rows.items():
            raw = self.raw(col, row)
            if raw is None or is_formula(raw) or text_of(raw) is None:
                continue
            parts = derived_by_code[code].formula["denominator"]
            if any(answers.get(i) is None for i in parts):
                continue
            computed = sum((Decimal(answers[i] or 0) for i in parts), Decimal(0))
            found = read_number(raw, whole=True)
            if found is None or found[0] != computed:
                message = str(m.TYPED_TOTAL_DISAGREES).format(
                    column=letter,
                    typed=text_of(raw),
                    computed=show_number(computed),
                    rows=", ".join(str(self.places[i]) for i in parts if i in self.places),
                )
                self.warnings.append((row, message))
