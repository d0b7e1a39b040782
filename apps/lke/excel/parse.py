"""Read a filled LKE workbook into plain answers, in either layout (REFERENCE §2.6, §2.7).

* ``jawaban`` — the official sheet ``Jawaban`` (what ZI exports): every soal at its master row, in
  the master's columns (unit answer K, note L, evidence M, TPI answer N, TPI note Q). Each row's
  question text (when present) must be the master's, so a sheet of another template is refused.
* ``lke_zi`` — the Lampiran III sheet ``LKE ZI`` that units have filled since 2022: the tree in
  columns B–G, weight H, criteria I, answer type J, answer K, value L, percent M and the unit's note
  and evidence to the right. Row numbers differ from workbook to workbook, so rows are recognised
  by their numbering and text: a heading ("1. MANAJEMEN PERUBAHAN", "i. Penyusunan Tim Kerja")
  moves the cursor through the tree; under it, a row is the soal of that node whose text it
  matches.

Nothing here writes anything. ``parse_workbook`` returns the answers (normalised with
``scoring.normalise_answer``) with ``errors`` — any error means "apply nothing" — and ``warnings``
(a typed number over a percentage or total formula that disagrees with its parts: the score uses
the parts, as the official formulas would). A file that is not an xlsx, or holds neither layout,
raises ``WorkbookError``.
"""

from __future__ import annotations

import difflib
import io
import re
import warnings
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, BinaryIO, Literal

from django.core.exceptions import ValidationError
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from apps.core.imports import xlsx_guard
from apps.lke.excel import messages as m
from apps.lke.excel.export import INFO_KEY_COL, SHEET
from apps.lke.excel.layout import (
    TYPE_LABELS,
    WorkbookLayout,
    layout_for_spec,
    split_numbering,
    tree_rows,
)
from apps.lke.scoring import (
    AnswerError,
    DerivedSpec,
    NodeSpec,
    SoalSpec,
    TemplateSpec,
    contradictions,
    derived_value,
    normalise_answer,
)

MAX_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # a zip bomb is refused before openpyxl unpacks it
MAX_ROWS = 3000  # the LKE has about 250 rows; nothing further down is read
TEXT_MATCH = 0.75  # similarity at which a row's text is taken for a soal's text
STRICT_MATCH = 0.9
HEADING_MATCH = 0.8
PERCENT_TOLERANCE = Decimal("0.005")  # units type 67% for 2/3

Layout = Literal["jawaban", "lke_zi"]
Tier = Literal["unit", "tpi"]
Message = tuple[int | None, str]

FIELDS = ("answer_unit", "note_unit", "evidence_unit", "answer_tpi", "note_tpi")
LABEL_COLS = range(2, 8)  # B–G
LKE_ZI_ANSWER_COL = "K"
LKE_ZI_TYPE_COL = "J"

_TYPE_BY_LABEL = {
    "ya/tidak": "YA_TIDAK",
    "a/b/c": "ABC",
    "a/b/c/d": "ABCD",
    "a/b/c/d/e": "ABCDE",
    "jumlah": "JUMLAH",
    "nilai(0-4)": "NILAI_0_4",
    "0-4": "NILAI_0_4",
    "%": "PERCENT",
}
_NUMBER_TOKEN = re.compile(r"^(?:[A-Za-z]{1,4}|\d{1,2})[.)]$|^[-–•]$")


class WorkbookError(ValidationError):
    """The file as a whole cannot be read (not an xlsx, too large, another layout)."""


@dataclass(frozen=True)
class ParsedRow:
    """One soal as the workbook answers it (answers normalised; blanks are None)."""

    excel_row: int
    answer_unit: str | None = None
    note_unit: str | None = None
    evidence_unit: str | None = None
    answer_tpi: str | None = None
    note_tpi: str | None = None


@dataclass
class ParsedWorkbook:
    layout: Layout
    sheet: str
    rows: dict[int, ParsedRow]
    warnings: list[Message] = field(default_factory=list)
    errors: list[Message] = field(default_factory=list)
    exported_at: datetime | None = None
    template_label: str = ""

    @property
    def ok(self) -> bool:
        return not self.errors

    def answers(self, tier: Tier = "unit") -> dict[int, str | None]:
        """``{soal_id: answer}`` of one tier, as ``scoring.score`` takes it."""
        attr = "answer_unit" if tier == "unit" else "answer_tpi"
        return {soal_id: getattr(row, attr) for soal_id, row in self.rows.items()}


# -----------------------------------------------------------------------------
# Entry point
# -----------------------------------------------------------------------------


def parse_workbook(
    file_or_bytes: bytes | BinaryIO | str | Path, spec: TemplateSpec, layout: WorkbookLayout | None = None
) -> ParsedWorkbook:
    """Read a workbook of either layout against one template.

    ``layout`` (texts and master cells) defaults to the imported template whose spec this is.
    Raises ``WorkbookError`` for a file that is not an xlsx or has neither layout.
    """
    layout = layout or layout_for_spec(spec)
    data = _read_bytes(file_or_bytes)
    formulas, values = _open(data)
    names = formulas.sheetnames
    by_key = {_sheet_key(name): name for name in names}
    if _sheet_key(SHEET) in by_key:
        name = by_key[_sheet_key(SHEET)]
        parsed = _JawabanReader(formulas[name], values[name], spec, layout).read()
    else:
        name = by_key.get("lkezi") or _sheet_with_answer_types(formulas)
        if name is None:
            raise WorkbookError(str(m.UNKNOWN_LAYOUT).format(sheets=", ".join(names) or "—"), code="unknown_layout")
        parsed = _LkeZiReader(formulas[name], values[name], spec, layout).read()
    _read_info(formulas, parsed, layout)
    parsed.errors.sort(key=_message_order)
    parsed.warnings.sort(key=_message_order)
    return parsed


def _message_order(message: Message) -> tuple[int, int]:
    return (0 if message[0] is None else 1, message[0] or 0)


def _read_bytes(source: bytes | BinaryIO | str | Path) -> bytes:
    if isinstance(source, bytes | bytearray):
        data = bytes(source)
    elif isinstance(source, str | Path):
        data = Path(source).read_bytes()
    else:
        data = source.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise WorkbookError(str(m.TOO_LARGE).format(limit=MAX_BYTES // (1024 * 1024)), code="too_large")
    return data


def _open(data: bytes) -> tuple[Workbook, Workbook]:
    """The workbook twice: with formulas (to see what was typed) and with Excel's saved results."""
    if not data.startswith(b"PK\x03\x04"):
        raise WorkbookError(str(m.NOT_XLSX), code="not_xlsx")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise WorkbookError(str(m.NOT_XLSX), code="not_xlsx") from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise WorkbookError(str(m.TOO_LARGE).format(limit=MAX_BYTES // (1024 * 1024)), code="too_large")
    try:
        xlsx_guard(data)  # the shared caps on rows, columns, cells and unpacked size (issue 18)
    except ValidationError as exc:
        raise WorkbookError(" ".join(exc.messages), code=exc.code or "too_large") from exc
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about Excel extensions it skips
            return load_workbook(io.BytesIO(data), data_only=False), load_workbook(io.BytesIO(data), data_only=True)
    except Exception as exc:  # a damaged or non-workbook zip fails anywhere in the zip/XML layers
        raise WorkbookError(str(m.NOT_XLSX), code="not_xlsx") from exc


def _sheet_key(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", name).casefold()


def _sheet_with_answer_types(workbook: Workbook) -> str | None:
    """A renamed Lampiran III sheet: the one whose column J is full of answer-type labels."""
    for ws in workbook.worksheets:
        labels = 0
        for (value,) in ws.iter_rows(min_col=10, max_col=10, max_row=min(ws.max_row, MAX_ROWS), values_only=True):
            if _answer_type_of(value) is not None:
                labels += 1
        if labels >= 10:
            return ws.title
    return None


def _read_info(workbook: Workbook, parsed: ParsedWorkbook, layout: WorkbookLayout) -> None:
    """The export's Info sheet: when the file was exported and from which template version."""
    info_name = next((n for n in workbook.sheetnames if n != parsed.sheet and _has_info_keys(workbook[n])), None)
    if info_name is None:
        return
    ws = workbook[info_name]
    key_col = column_index_from_string(INFO_KEY_COL)
    for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, 20)):
        key = _text(row[key_col - 1].value) if len(row) >= key_col else None
        value = _text(row[1].value) if len(row) > 1 else None
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
    return any(_text(ws.cell(row, key_col).value) == "exported_at" for row in range(1, min(ws.max_row, 20) + 1))


# -----------------------------------------------------------------------------
# Cells
# -----------------------------------------------------------------------------


def _text(value: Any) -> str | None:
    """A cell as trimmed text (whole floats lose Excel's ``.0``); blank → None."""
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat()
    text = str(value).strip()
    return text or None


def _is_formula(cell_value: Any) -> bool:
    return (isinstance(cell_value, str) and cell_value.startswith("=")) or type(cell_value).__name__ == "ArrayFormula"


def _norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w%]+", " ", text.casefold()).split())


def _similarity(a: str, b: str) -> float:
    a, b = _norm(a), _norm(b)
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    shorter, longer = sorted((a, b), key=len)
    # A workbook often adds an explanation after the master's text ("… (Jumlah/Jumlah)").
    if longer.startswith(shorter) and len(shorter) >= 0.6 * len(longer):
        return 0.95
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()


def _answer_type_of(value: Any) -> str | None:
    text = _text(value)
    if text is None:
        return None
    return _TYPE_BY_LABEL.get(re.sub(r"\s+", "", text).casefold())


def _percent(value: Any) -> Decimal | None:
    """A typed percentage as a ratio: 0.8, 80 and "80%" all read 0.8."""
    text = _text(value)
    if text is None:
        return None
    is_percent = text.endswith("%")
    try:
        number = Decimal(text.rstrip("%").strip().replace(",", "."))
    except InvalidOperation:
        return None
    if not number.is_finite():
        return None
    return number / 100 if is_percent or number > 1 else number


def _show_percent(value: Decimal) -> str:
    return f"{format((value * 100).quantize(Decimal('0.01')).normalize(), 'f')}%"


def _show_number(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _label_of(ws: Worksheet, row: int) -> tuple[str, str]:
    """The numbering and text of a row's tree label (columns B–G)."""
    parts = [t for c in LABEL_COLS if (t := _text(ws.cell(row, c).value))]
    if not parts:
        return "", ""
    if _NUMBER_TOKEN.match(parts[0]):
        return parts[0].rstrip(".)"), " ".join(parts[1:])
    return split_numbering(" ".join(parts))


# -----------------------------------------------------------------------------
# Shared reading: answers, validation, the typed-over checks
# -----------------------------------------------------------------------------


@dataclass
class _Columns:
    answer_unit: str | None = "K"
    note_unit: str | None = None
    evidence_unit: str | None = None
    answer_tpi: str | None = None
    note_tpi: str | None = None


_ANSWER_MESSAGES = {
    "unknown_option": m.UNKNOWN_OPTION,
    "not_a_number": m.NOT_A_NUMBER,
    "not_whole_number": m.NOT_WHOLE_NUMBER,
    "out_of_range": m.OUT_OF_RANGE,
}


class _Reader:
    layout_name: Layout

    def __init__(self, ws_formulas: Worksheet, ws_values: Worksheet, spec: TemplateSpec, layout: WorkbookLayout):
        self.ws = ws_formulas
        self.values = ws_values
        self.spec = spec
        self.layout = layout
        self.soal = spec.soal_by_id()
        self.warnings: list[Message] = []
        self.errors: list[Message] = []
        self.rows: dict[int, ParsedRow] = {}
        # where each soal's answers are read from: soal id → (row, columns)
        self.places: dict[int, tuple[int, _Columns]] = {}
        self.derived_rows: dict[str, tuple[int, _Columns]] = {}
        self.total_rows: dict[str, tuple[int, _Columns]] = {}

    def read(self) -> ParsedWorkbook:
        self.locate()
        for soal_id, (row, columns) in sorted(self.places.items(), key=lambda p: p[1][0]):
            self.rows[soal_id] = self._read_row(self.soal[soal_id], row, columns)
        for tier in ("unit", "tpi"):
            answers = {i: getattr(r, f"answer_{tier}") for i, r in self.rows.items()}
            self._check_contradictions(answers, tier)
            self._check_typed(answers, tier)
        return ParsedWorkbook(self.layout_name, self.ws.title, self.rows, self.warnings, self.errors)

    def locate(self) -> None:
        raise NotImplementedError

    # -- cells ------------------------------------------------------------------------------------

    def _value(self, col: str, row: int) -> tuple[Any, bool]:
        """(value, came from a formula); a formula's value is Excel's saved result."""
        raw = self.ws[f"{col}{row}"].value
        if _is_formula(raw):
            return self.values[f"{col}{row}"].value, True
        return raw, False

    def _answer(self, soal: SoalSpec, col: str | None, row: int) -> str | None:
        if col is None:
            return None
        raw, from_formula = self._value(col, row)
        if from_formula and raw is None:
            self.warnings.append((row, str(m.FORMULA_WITHOUT_VALUE).format(column=col)))
            return None
        text = _text(raw)
        try:
            return normalise_answer(soal, text)
        except AnswerError as exc:
            message = _ANSWER_MESSAGES.get(exc.code, m.NOT_A_NUMBER)
            options = ", ".join(soal.options)
            self.errors.append((row, str(message).format(column=col, value=text, options=options)))
            return None

    def _note(self, col: str | None, row: int) -> str | None:
        if col is None:
            return None
        cell = self.ws[f"{col}{row}"]
        raw, _ = self._value(col, row)
        text = _text(raw)
        target = cell.hyperlink.target if cell.hyperlink is not None else None
        if target and (not text or target in text):
            return target
        if target:
            return f"{text} {target}"
        return text

    def _read_row(self, soal: SoalSpec, row: int, columns: _Columns) -> ParsedRow:
        return ParsedRow(
            excel_row=row,
            answer_unit=self._answer(soal, columns.answer_unit, row),
            note_unit=self._note(columns.note_unit, row),
            evidence_unit=self._note(columns.evidence_unit, row),
            answer_tpi=self._answer(soal, columns.answer_tpi, row),
            note_tpi=self._note(columns.note_tpi, row),
        )

    # -- checks across rows -----------------------------------------------------------------------

    def _column(self, columns: _Columns, tier: str) -> str | None:
        return columns.answer_unit if tier == "unit" else columns.answer_tpi

    def _check_contradictions(self, answers: Mapping[int, str | None], tier: str) -> None:
        derived_by_code = {d.code: d for d in self.spec.derived()}
        for soal_id, code in contradictions(self.spec, answers):
            formula = derived_by_code[code].formula
            row, columns = self.places[soal_id]
            numerator = sum(Decimal(answers[i] or 0) for i in formula["numerator"])
            denominator = sum(Decimal(answers[i] or 0) for i in formula["denominator"])
            rows = ", ".join(str(self.places[i][0]) for i in formula["denominator"])
            message = str(m.CONTRADICTION).format(
                column=self._column(columns, tier),
                value=_show_number(numerator),
                total=_show_number(denominator),
                rows=rows,
            )
            self.errors.append((row, message))

    def _check_typed(self, answers: Mapping[int, str | None], tier: str) -> None:
        """Numbers typed over the percentage and total formulas: say so; the parts decide."""
        derived_by_code = {d.code: d for d in self.spec.derived()}
        for code, (row, columns) in self.derived_rows.items():
            col = self._column(columns, tier)
            if col is None:
                continue
            raw = self.ws[f"{col}{row}"].value
            if raw is None or _is_formula(raw) or _text(raw) is None:
                continue
            computed = derived_value(derived_by_code[code].formula, answers)
            typed = _percent(raw)
            typed_text = _show_percent(typed) if typed is not None else str(_text(raw))
            if computed is None:
                self.warnings.append((row, str(m.TYPED_PERCENT_NO_PARTS).format(column=col, typed=typed_text)))
            elif typed is None or abs(typed - computed) > PERCENT_TOLERANCE:
                message = str(m.TYPED_PERCENT_DISAGREES).format(
                    column=col, typed=typed_text, computed=_show_percent(computed)
                )
                self.warnings.append((row, message))
        for code, (row, columns) in self.total_rows.items():
            col = self._column(columns, tier)
            if col is None:
                continue
            raw = self.ws[f"{col}{row}"].value
            if raw is None or _is_formula(raw) or _text(raw) is None:
                continue
            parts = derived_by_code[code].formula["denominator"]
            if any(answers.get(i) is None for i in parts):
                continue
            computed = sum((Decimal(answers[i] or 0) for i in parts), Decimal(0))
            try:
                typed: Decimal | None = Decimal(str(_text(raw)).replace(",", "."))
            except InvalidOperation:
                typed = None
            if typed is None or typed != computed:
                message = str(m.TYPED_TOTAL_DISAGREES).format(
                    column=col,
                    typed=_text(raw),
                    computed=_show_number(computed),
                    rows=", ".join(str(self.places[i][0]) for i in parts if i in self.places),
                )
                self.warnings.append((row, message))


# -----------------------------------------------------------------------------
# Layout "jawaban": the master's cells
# -----------------------------------------------------------------------------


class _JawabanReader(_Reader):
    layout_name: Layout = "jawaban"

    def locate(self) -> None:
        mismatched: list[Message] = []
        for soal_id in self.soal:
            where = self.layout.soal[soal_id]
            columns = _Columns(
                answer_unit=where.col_answer_unit,
                note_unit=where.col_note_unit,
                evidence_unit=where.col_evidence_unit,
                answer_tpi=where.col_answer_tpi,
                note_tpi=where.col_note_tpi,
            )
            self.places[soal_id] = (where.row, columns)
            problem = self._row_mismatch(soal_id, where.row, where.text)
            if problem is not None:
                mismatched.append((where.row, problem))
        if len(mismatched) > 10:
            # Most rows hold other questions: this is not a Jawaban sheet of this template at all.
            raise WorkbookError(
                str(m.NOT_THIS_TEMPLATE).format(template=self.layout.label, count=len(mismatched)),
                code="unknown_layout",
            )
        self.errors.extend(mismatched)
        for tree_row in tree_rows(self.spec, self.layout):
            if tree_row.derived is None or tree_row.kind not in {"derived", "total"}:
                continue
            anchor = self.layout.soal[tree_row.parts[0] if tree_row.parts else _first_input(tree_row.derived)]
            columns = _Columns(answer_unit=anchor.col_answer_unit, answer_tpi=anchor.col_answer_tpi)
            target = self.derived_rows if tree_row.kind == "derived" else self.total_rows
            target[tree_row.derived.code] = (tree_row.row, columns)

    def _row_mismatch(self, soal_id: int, row: int, expected: str) -> str | None:
        """A question text (or soal id in column A) that is not this soal's: the sheet is not ours."""
        _, found = _label_of(self.ws, row)
        id_cell = self.ws[f"A{row}"].value
        wrong_id = isinstance(id_cell, int | float) and int(id_cell) != soal_id
        if wrong_id or (found and _similarity(found, expected) < TEXT_MATCH):
            return str(m.WRONG_QUESTION).format(expected=shorten(expected), soal_id=soal_id, found=shorten(found or ""))
        return None


def _first_input(derived: DerivedSpec) -> int:
    formula = derived.formula
    return formula["denominator"][0] if formula["type"] == "ratio" else formula["previous"]


def shorten(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -----------------------------------------------------------------------------
# Layout "lke_zi": Lampiran III, recognised by numbering and text
# -----------------------------------------------------------------------------


class _LkeZiReader(_Reader):
    layout_name: Layout = "lke_zi"

    def locate(self) -> None:
        columns = self._columns()
        derived_columns = _Columns(answer_unit=columns.answer_unit)
        unmatched_soal = set(self.soal)
        unmatched_derived = {d.code for d in self.spec.derived()}
        path: list[NodeSpec] = []
        awaiting_inputs: DerivedSpec | None = None  # a multi-part ratio whose counts have not started
        for row in range(1, min(self.ws.max_row, MAX_ROWS) + 1):
            number, text = _label_of(self.ws, row)
            if not text:
                continue
            heading = _match_heading(path, self.spec.roots, number, text)
            if heading is not None:
                node, depth = heading
                path = [*path[:depth], node]
                awaiting_inputs = None
                continue
            if not path:
                continue  # title lines above the tree
            answer_type = _answer_type_of(self.ws[f"{LKE_ZI_TYPE_COL}{row}"].value)
            # Right under a multi-part ratio the workbook may have its "total obliged" line, worded
            # much like the counts: only a near-identical text makes that row a count.
            threshold = STRICT_MATCH if awaiting_inputs is not None else TEXT_MATCH
            item = self._match_item(
                path[-1], text, number, answer_type, unmatched_soal, unmatched_derived, row, threshold
            )
            if isinstance(item, SoalSpec):
                unmatched_soal.discard(item.soal_id)
                self.places[item.soal_id] = (row, columns)
                awaiting_inputs = None
            elif isinstance(item, DerivedSpec):
                unmatched_derived.discard(item.code)
                self.derived_rows[item.code] = (row, derived_columns)
                formula = item.formula
                multi = formula["type"] == "ratio" and len(formula["denominator"]) > 1
                awaiting_inputs = item if multi else None
            elif awaiting_inputs is not None and (answer_type == "JUMLAH" or _norm(text).startswith("jumlah")):
                self.total_rows[awaiting_inputs.code] = (row, derived_columns)
                awaiting_inputs = None
            elif answer_type is not None:
                message = str(m.UNKNOWN_QUESTION).format(text=shorten(text), template=self.layout.label)
                self.errors.append((row, message))
        if not self.places:
            raise WorkbookError(str(m.NO_QUESTIONS_FOUND).format(sheet=self.ws.title), code="unknown_layout")
        for soal_id in sorted(unmatched_soal):
            text = shorten(self.layout.soal[soal_id].text)
            self.errors.append((None, str(m.QUESTION_MISSING).format(text=text, soal_id=soal_id)))

    def _columns(self) -> _Columns:
        """The unit's note and evidence (and TPI columns, if any) from the header row's words."""
        found: dict[str, str] = {}
        first_note_col = column_index_from_string("N")
        for row in range(1, min(self.ws.max_row, 20) + 1):
            for col in range(first_note_col, first_note_col + 12):
                text = _norm(_text(self.ws.cell(row, col).value) or "")
                if not text:
                    continue
                letter = get_column_letter(col)
                is_note = any(w in text for w in ("catatan", "penjelasan", "keterangan", "note"))
                if "tpi" in text:
                    key = "note_tpi" if is_note else ("answer_tpi" if "jawaban" in text else "")
                elif any(w in text for w in ("bukti", "link", "eviden", "tautan")):
                    key = "evidence_unit"
                else:
                    key = "note_unit" if is_note else ""
                if key and key not in found:
                    found[key] = letter
        return _Columns(
            answer_unit=LKE_ZI_ANSWER_COL,
            note_unit=found.get("note_unit", "N"),
            evidence_unit=found.get("evidence_unit", "O"),
            answer_tpi=found.get("answer_tpi"),
            note_tpi=found.get("note_tpi"),
        )

    def _candidates(self, node: NodeSpec) -> Iterator[tuple[str, SoalSpec | DerivedSpec]]:
        for soal in node.soal:
            yield self.layout.soal[soal.soal_id].text, soal
        for derived in node.derived:
            yield self.layout.derived[derived.code].text, derived

    def _match_item(
        self,
        node: NodeSpec,
        text: str,
        number: str,
        answer_type: str | None,
        unmatched_soal: set[int],
        unmatched_derived: set[str],
        row: int,
        threshold: float,
    ) -> SoalSpec | DerivedSpec | None:
        def open_(item: SoalSpec | DerivedSpec) -> bool:
            return item.soal_id in unmatched_soal if isinstance(item, SoalSpec) else item.code in unmatched_derived

        # 1. the text, among the items of the node the headings led to (first best wins: two
        #    inputs may share a text, "Jumlah Perubahan yang dibuat", and come in sheet order)
        best: tuple[float, SoalSpec | DerivedSpec] | None = None
        for candidate_text, item in self._candidates(node):
            if open_(item):
                ratio = _similarity(text, candidate_text)
                if ratio >= threshold and (best is None or ratio > best[0]):
                    best = (ratio, item)
        if best is not None:
            return best[1]
        # 2. a question whose heading the workbook lacks: a near-identical text anywhere
        for other in self.spec.nodes():
            for candidate_text, item in self._candidates(other):
                if open_(item) and _similarity(text, candidate_text) >= STRICT_MATCH:
                    return item
        # 3. a reworded question: its numbering and answer type, in order, within the node
        if number.isalpha() and answer_type not in {None, "JUMLAH"}:
            for candidate_text, item in self._candidates(node):
                kind = "PERCENT" if isinstance(item, DerivedSpec) else item.answer_type
                if open_(item) and kind == answer_type:
                    soal_id = item.soal_id if isinstance(item, SoalSpec) else item.code
                    self.warnings.append(
                        (
                            row,
                            str(m.MATCHED_BY_POSITION).format(
                                found=shorten(text), expected=shorten(candidate_text), soal_id=soal_id
                            ),
                        )
                    )
                    return item
        return None


def _match_heading(
    path: list[NodeSpec], roots: tuple[NodeSpec, ...], number: str, text: str
) -> tuple[NodeSpec, int] | None:
    """A heading row: a child of the current node or of one of its ancestors (deepest first)."""
    for depth in range(len(path), -1, -1):
        children = roots if depth == 0 else path[depth - 1].children
        for child in children:
            child_number, child_text = split_numbering(child.name)
            same_number = number.casefold() == child_number.casefold()
            ratio = _similarity(text, child_text)
            if (same_number and ratio >= HEADING_MATCH) or (not number and ratio >= 0.92):
                return child, depth
    return None


__all__ = ["FIELDS", "TYPE_LABELS", "ParsedRow", "ParsedWorkbook", "WorkbookError", "parse_workbook"]
