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

import io
import re
import warnings
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, BinaryIO, Literal

from django.core.exceptions import ValidationError
from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from apps.core.imports import xlsx_guard
from apps.lke.excel import messages as m
from apps.lke.excel.cells import evaluate, read_number, read_option, urls_in
from apps.lke.excel.export import INFO_KEY_COL, SHEET
from apps.lke.excel.layout import TYPE_LABELS, WorkbookLayout, layout_for_spec, split_numbering, tree_rows
from apps.lke.scoring import OPTION_TYPES, AnswerError, SoalSpec, TemplateSpec, contradictions, derived_value

MAX_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # a zip bomb is refused before openpyxl unpacks it
MAX_ROWS = 3000  # the LKE has about 250 rows; nothing further down is read
MAX_COLS = 40
PERCENT_TOLERANCE = Decimal("0.005")  # units type 67% for 2/3
LABEL_WARN = 0.85  # a label holding less of the master's text (or vice versa) than this gets a warning
FOREIGN_LABEL = 0.35  # below this, a label is another question's
MIN_FOUND = 0.3  # a sheet where fewer soal than this share are found is not this LKE

Layout = Literal["jawaban", "lke_zi"]
Tier = Literal["unit", "tpi"]
Message = tuple[int | None, str]

FIELDS = ("answer_unit", "note_unit", "evidence_unit", "answer_tpi", "note_tpi")

_TYPE_BY_LABEL = {
    "ya/tidak": "YA_TIDAK",
    "ya/tdk": "YA_TIDAK",
    "a/b/c": "ABC",
    "a/b/c/d": "ABCD",
    "a/b/c/d/e": "ABCDE",
    "jumlah": "JUMLAH",
    "nilai(0-4)": "NILAI_0_4",
    "nilai0-4": "NILAI_0_4",
    "0-4": "NILAI_0_4",
    "%": "PERCENT",
    "persentase": "PERCENT",
}
_NUMBER_TOKEN = re.compile(r"^\(?([A-Za-z]{1,4}|\d{1,2})[.)]$|^([-–•])$")
_BULLET = re.compile(r"^\s*[-–•]\s*(.*)$", re.DOTALL)


class WorkbookError(ValidationError):
    """The file as a whole cannot be read (not an xlsx, too large, not an LKE workbook)."""


@dataclass(frozen=True)
class Problem:
    """A row (or soal) that was not understood: listed in the preview, never a reason to refuse the rest."""

    sheet: str
    row: int | None
    column: str | None
    found: str
    expected: str
    message: str
    soal_id: int | None = None

    def text(self) -> str:
        if self.row is None:
            return self.message
        line = str(m.PROBLEM_LINE).format(
            sheet=self.sheet, row=self.row, column=self.column or "—", found=self.found, expected=self.expected
        )
        return f"{line} {self.message}"


@dataclass(frozen=True)
class ParsedRow:
    """One soal as the workbook answers it (answers normalised; blanks are None)."""

    excel_row: int
    answer_unit: str | None = None
    note_unit: str | None = None
    evidence_unit: str | None = None
    answer_tpi: str | None = None
    note_tpi: str | None = None
    links: tuple[str, ...] = ()  # every web address found for the unit, in order
    answer_column: str | None = None
    evidence_column: str | None = None


@dataclass
class ParsedWorkbook:
    layout: Layout
    sheet: str
    rows: dict[int, ParsedRow]
    warnings: list[Message] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    exported_at: datetime | None = None
    template_label: str = ""

    @property
    def ok(self) -> bool:
        """Something could be read (problems only leave their rows out)."""
        return bool(self.rows)

    @property
    def errors(self) -> list[Message]:
        """The problems as ``(row, text)``, rows first in sheet order."""
        return [(p.row, p.text()) for p in self.problems]

    def answers(self, tier: Tier = "unit") -> dict[int, str | None]:
        """``{soal_id: answer}`` of one tier, as ``scoring.score`` takes it."""
        attr = "answer_unit" if tier == "unit" else "answer_tpi"
        return {soal_id: getattr(row, attr) for soal_id, row in self.rows.items()}


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
        data = _read_bytes(file_or_bytes)
        formulas = _open(data)
    names = formulas.sheetnames
    by_key = {_sheet_key(name): name for name in names}
    if _sheet_key(SHEET) in by_key:
        name = by_key[_sheet_key(SHEET)]
        parsed = _Reader("jawaban", formulas[name], _SavedValues(data, name), spec, layout).read()
    else:
        name = by_key.get("lkezi") or _sheet_with_answer_types(formulas)
        if name is None:
            raise WorkbookError(str(m.UNKNOWN_LAYOUT).format(sheets=", ".join(names) or "—"), code="unknown_layout")
        parsed = _Reader("lke_zi", formulas[name], _SavedValues(data, name), spec, layout).read()
    _read_info(formulas, parsed, layout)
    parsed.problems.sort(key=lambda p: (0 if p.row is None else 1, p.row or 0, p.column or ""))
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


class _SavedValues:
    """Excel's saved results of formula cells, loaded only when a formula's value is needed."""

    def __init__(self, data: bytes, sheet: str) -> None:
        self.data, self.sheet = data, sheet
        self.ws: Worksheet | None = None

    def get(self, row: int, col: int) -> Any:
        if not self.data:
            return None  # a workbook built in memory: no formula was ever calculated
        if self.ws is None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self.ws = load_workbook(io.BytesIO(self.data), data_only=True)[self.sheet]
        return self.ws.cell(row, col).value


def _open(data: bytes) -> Workbook:
    """The workbook with its formulas (to see what was typed; saved results come from ``_SavedValues``)."""
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
            return load_workbook(io.BytesIO(data), data_only=False)
    except Exception as exc:  # a damaged or non-workbook zip fails anywhere in the zip/XML layers
        raise WorkbookError(str(m.NOT_XLSX), code="not_xlsx") from exc


def _sheet_key(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", name).casefold()


def _type_column(ws: Worksheet) -> tuple[int | None, int]:
    """The column holding the answer-type labels (Ya/Tidak, A/B/C, Jumlah…) and how many it holds."""
    counts: dict[int, int] = {}
    for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, MAX_ROWS), max_col=MAX_COLS):
        for cell in row:
            if isinstance(cell.value, str) and _answer_type_of(cell.value) is not None:
                counts[cell.column] = counts.get(cell.column, 0) + 1
    if not counts:
        return None, 0
    col = max(counts, key=lambda c: counts[c])
    return col, counts[col]


def _sheet_with_answer_types(workbook: Workbook) -> str | None:
    """A renamed Lampiran III sheet: the one with a column full of answer-type labels."""
    for ws in workbook.worksheets:
        if _type_column(ws)[1] >= 10:
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
# Text
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


def _grams(text: str) -> frozenset[str]:
    """Character trigrams of the text without spaces: robust to spacing, misspelling and cuts."""
    squashed = re.sub(r"[^\w%]+", "", text.casefold())
    if len(squashed) < 3:
        return frozenset({squashed}) if squashed else frozenset()
    return frozenset(squashed[i : i + 3] for i in range(len(squashed) - 2))


def _containment(a: frozenset[str], b: frozenset[str]) -> float:
    """How much of the shorter text the longer one holds (1 for a cut or an added explanation)."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def _similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """0..1: how much of the shorter text the longer holds, and how alike they are overall."""
    if not a or not b:
        return 0.0
    common = len(a & b)
    if not common:
        return 0.0
    return 0.6 * common / min(len(a), len(b)) + 0.4 * common / len(a | b)


def _answer_type_of(value: Any) -> str | None:
    text = _text(value)
    if text is None or len(text) > 20:
        return None
    return _TYPE_BY_LABEL.get(re.sub(r"\s+", "", text).casefold())


def _number_key(token: str) -> str:
    token = token.strip().strip("().").casefold()
    return "-" if token in {"-", "–", "•"} else token


def _show(value: Any) -> str:
    text = _text(value)
    return shorten(text or "", 60) if text else "—"


def _show_percent(value: Decimal) -> str:
    return f"{format((value * 100).quantize(Decimal('0.01')).normalize(), 'f')}%"


def _show_number(value: Decimal) -> str:
    return format(value.normalize(), "f")


def shorten(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -----------------------------------------------------------------------------
# The template's rows (slots) and the sheet's rows (lines)
# -----------------------------------------------------------------------------


@dataclass
class _Slot:
    kind: str  # node / soal / derived / total
    number: str
    type: str | None
    text: str
    grams: frozenset[str]
    master_row: int
    key: int | str | None  # soal id / derived code
    soal: SoalSpec | None = None
    code: str | None = None
    parts: tuple[int, ...] = ()

    @property
    def scored_item(self) -> bool:
        return self.kind == "derived" or (self.kind == "soal" and self.type != "JUMLAH")


@dataclass
class _Line:
    row: int
    number: str
    text: str
    grams: frozenset[str]
    type: str | None
    id_value: Any
    answer: Any

    @property
    def item_like(self) -> bool:
        return self.type is not None or self.answer is not None


def _slots(spec: TemplateSpec, layout: WorkbookLayout) -> list[_Slot]:
    out = []
    for row in tree_rows(spec, layout):
        number = _number_key(row.number)
        if row.kind == "node":
            out.append(_Slot("node", number, None, row.label, _grams(row.label), row.row, None))
        elif row.kind == "soal" and row.soal is not None:
            soal = row.soal
            out.append(
                _Slot("soal", number, soal.answer_type, row.label, _grams(row.label), row.row, soal.soal_id, soal=soal)
            )
        elif row.kind == "derived" and row.derived is not None:
            code = row.derived.code
            out.append(_Slot("derived", number, "PERCENT", row.label, _grams(row.label), row.row, code, code=code))
        elif row.kind == "total" and row.derived is not None:
            text = f"{m.TOTAL_OBLIGED} jumlah yang wajib melaporkan"
            out.append(
                _Slot("total", "", "JUMLAH", text, _grams(text), row.row, None, code=row.derived.code, parts=row.parts)
            )
    return out


@dataclass
class _Columns:
    answer_unit: int
    note_unit: int | None
    evidence_unit: int | None
    answer_tpi: int | None
    note_tpi: int | None
    labels: tuple[int, ...]
    type: int | None
    id: int | None


class _Reader:
    def __init__(
        self, layout_name: Layout, ws: Worksheet, ws_values: _SavedValues, spec: TemplateSpec, layout: WorkbookLayout
    ):
        self.layout_name: Layout = layout_name
        self.ws = ws
        self.values = ws_values
        self.spec = spec
        self.layout = layout
        self.soal = spec.soal_by_id()
        self.warnings: list[Message] = []
        self.problems: list[Problem] = []
        self.rows: dict[int, ParsedRow] = {}
        self.places: dict[int, int] = {}  # soal id → sheet row
        self.derived_rows: dict[str, int] = {}
        self.total_rows: dict[str, int] = {}
        # every cell once (random access through openpyxl is slow): (row, col) → value / link target
        self.grid: dict[tuple[int, int], Any] = {}
        self.links: dict[tuple[int, int], str] = {}
        self.max_row = min(ws.max_row, MAX_ROWS)
        self.max_col = min(ws.max_column, MAX_COLS)
        for cells in ws.iter_rows(min_row=1, max_row=self.max_row, max_col=self.max_col):
            for cell in cells:
                if cell.value is not None:
                    self.grid[(cell.row, cell.column)] = cell.value
                link = getattr(cell, "hyperlink", None)
                if link is not None and link.target:
                    self.links[(cell.row, cell.column)] = link.target
        self.merged: dict[tuple[int, int], tuple[int, int]] = {}
        for rng in ws.merged_cells.ranges:
            top = (rng.min_row, rng.min_col)
            for r in range(rng.min_row, min(rng.max_row, MAX_ROWS) + 1):
                for c in range(rng.min_col, min(rng.max_col, MAX_COLS) + 1):
                    if (r, c) != top:
                        self.merged[(r, c)] = top

    # -- cells ------------------------------------------------------------------------------------

    def raw(self, col: int, row: int) -> Any:
        return self.grid.get(self.merged.get((row, col), (row, col)))

    def value(self, col: int, row: int) -> tuple[Any, bool]:
        """(value, came from a formula without a saved result); a formula gives Excel's saved result,
        or ZI's own computation of a simple formula."""
        raw = self.raw(col, row)
        if not _is_formula(raw):
            return raw, False
        r, c = self.merged.get((row, col), (row, col))
        saved = self.values.get(r, c)
        if saved is not None:
            return saved, False
        if isinstance(raw, str):
            computed = evaluate(raw, lambda letter, rr: self.raw(column_index_from_string(letter), rr))
            if computed is not None:
                return computed, True
        return None, True

    def letter(self, col: int) -> str:
        return get_column_letter(col)

    # -- columns ----------------------------------------------------------------------------------

    def _type_column(self) -> int | None:
        counts: dict[int, int] = {}
        for (_, col), value in self.grid.items():
            if isinstance(value, str) and _answer_type_of(value) is not None:
                counts[col] = counts.get(col, 0) + 1
        return max(counts, key=lambda c: counts[c]) if counts else None

    def columns(self) -> _Columns:
        type_col = self._type_column()
        headers = self._headers()
        if self.layout_name == "jawaban":
            first = next(iter(self.layout.soal.values()))
            shift = (type_col - column_index_from_string("J")) if type_col else 0

            def at(letter: str) -> int:
                return column_index_from_string(letter) + shift

            # ZI's own export names its answer columns in row 1: a column inserted among them moves
            # nothing. Otherwise the master's columns, moved by any column inserted before J.
            named = self._export_headers()
            return _Columns(
                answer_unit=named.get("answer_unit", at(first.col_answer_unit)),
                note_unit=named.get("note_unit", at(first.col_note_unit)),
                evidence_unit=named.get("evidence_unit", at(first.col_evidence_unit)),
                answer_tpi=named.get("answer_tpi", at(first.col_answer_tpi)),
                note_tpi=named.get("note_tpi", at(first.col_note_tpi)),
                labels=tuple(range(2, at("G") + 1)),
                type=type_col,
                id=1,
            )
        type_col = type_col or column_index_from_string("J")
        answer = next(
            (c for c, t in headers.items() if c > type_col and t in {"jawaban", "jawaban unit", "jawaban unit kerja"}),
            type_col + 1,
        )
        weight = next((c for c, t in headers.items() if c < type_col and t.startswith("bobot")), None)
        label_end = (weight or type_col - 2) - 1
        found: dict[str, int] = {}
        for col in sorted(c for c in headers if c > answer):
            text = headers[col]
            is_note = any(w in text for w in ("catatan", "penjelasan", "keterangan", "note"))
            if "tpi" in text or "penilai" in text:
                key = "note_tpi" if is_note else ("answer_tpi" if "jawaban" in text or "nilai" in text else "")
            elif any(w in text for w in ("bukti", "link", "eviden", "tautan", "dukung")):
                key = "evidence_unit"
            else:
                key = "note_unit" if is_note else ""
            if key and key not in found:
                found[key] = col
        return _Columns(
            answer_unit=answer,
            note_unit=found.get("note_unit", answer + 3),
            evidence_unit=found.get("evidence_unit", answer + 4),
            answer_tpi=found.get("answer_tpi"),
            note_tpi=found.get("note_tpi"),
            labels=tuple(range(2, max(label_end, 2) + 1)),
            type=type_col,
            id=None,
        )

    def _export_headers(self) -> dict[str, int]:
        """The answer columns of a ZI export, by the header texts it writes (in English or Indonesian)."""
        from django.utils import translation

        wanted: dict[str, str] = {}
        for language in ("en", "id"):
            with translation.override(language):
                for key, label in (
                    ("answer_unit", m.HEADER_ANSWER_UNIT),
                    ("note_unit", m.HEADER_NOTE_UNIT),
                    ("evidence_unit", m.HEADER_EVIDENCE_UNIT),
                    ("answer_tpi", m.HEADER_ANSWER_TPI),
                    ("note_tpi", m.HEADER_NOTE_TPI),
                ):
                    wanted[_norm(str(label))] = key
        found: dict[str, int] = {}
        for (row, col), value in sorted(self.grid.items()):
            if row > 3:
                break
            key = wanted.get(_norm(value)) if isinstance(value, str) else None
            if key is not None and key not in found:
                found[key] = col
        return found if "answer_unit" in found else {}

    def _headers(self) -> dict[int, str]:
        """Column → normalised header words, from the first rows (the first text found per column)."""
        out: dict[int, str] = {}
        for (row, col), value in sorted(self.grid.items()):
            if row > 25:
                break
            text = _text(value)
            if text and not _is_formula(text) and col not in out and len(text) < 60:
                words = _norm(text)
                if any(
                    w in words
                    for w in ("jawaban", "bobot", "kriteria", "catatan", "penjelasan", "bukti", "link", "tpi")
                ):
                    out[col] = words
        return out

    # -- lines ------------------------------------------------------------------------------------

    def lines(self, cols: _Columns) -> list[_Line]:
        out = []
        for row in range(1, self.max_row + 1):
            # a label merged across columns is read once, from its first cell
            parts = [t for c in cols.labels if (t := _text(self.grid.get((row, c))))]
            number, text = "", ""
            if parts:
                if _NUMBER_TOKEN.match(parts[0]):
                    number, text = _number_key(parts[0]), " ".join(parts[1:])
                else:
                    joined = " ".join(parts)
                    bullet = _BULLET.match(joined)
                    if bullet:
                        number, text = "-", bullet.group(1).strip()
                    else:
                        token, text = split_numbering(joined)
                        number = _number_key(token)
            type_ = _answer_type_of(self.raw(cols.type, row)) if cols.type else None
            id_value = self.raw(cols.id, row) if cols.id else None
            answer = self.raw(cols.answer_unit, row)
            if _text(answer) is None:
                answer = None
            if not text and not number and type_ is None and answer is None and id_value is None:
                continue
            if isinstance(id_value, float) and id_value.is_integer():
                id_value = int(id_value)
            if isinstance(id_value, str):
                id_value = int(id_value) if id_value.strip().isdigit() else id_value.strip()
            out.append(_Line(row, number, text, _grams(text), type_, id_value, answer))
        return out

    # -- matching ---------------------------------------------------------------------------------

    def match_score(self, line: _Line, slot: _Slot) -> float | None:
        jawaban = self.layout_name == "jawaban"
        if slot.kind == "node":
            if line.item_like or (line.id_value is not None and not isinstance(line.id_value, str)):
                return None
            sim = _similarity(line.grams, slot.grams)
            if line.number and line.number == slot.number:
                return 3 + 2 * sim + (1 if jawaban and line.row == slot.master_row else 0)
            if sim >= 0.75:
                return 1 + 2 * sim
            return None
        score = 0.0
        if line.type is not None:
            if line.type != slot.type:
                return None
            score += 3 if slot.kind != "total" else 2
        elif line.answer is not None:
            if not self._fits(line.answer, slot):
                return None
            score += 1.5
        elif jawaban and line.row == slot.master_row:
            score += 1
        elif _similarity(line.grams, slot.grams) >= 0.8:
            score += 0.5
        else:
            return None
        if slot.scored_item:
            if line.number and line.number != "-":
                score += 1.5 if line.number == slot.number else -1
        elif slot.kind == "total":
            score += 0.5 if not line.number else -0.5
        elif line.number == "-" or line.number.isdigit():
            score += 0.5
        if line.id_value is not None and slot.key is not None:
            if line.id_value == slot.key:
                score += 10
            elif isinstance(line.id_value, int) or (isinstance(slot.key, str) and line.id_value != slot.key):
                score -= 5
        if jawaban and line.row == slot.master_row:
            score += 2
        return score + 3 * _similarity(line.grams, slot.grams)

    def _fits(self, answer: Any, slot: _Slot) -> bool:
        if slot.kind in {"derived", "total"}:
            return _is_formula(answer) or read_number(answer) is not None
        if slot.soal is None:
            return False
        if slot.type in OPTION_TYPES:
            return read_option(answer, list(slot.soal.options)) is not None
        return _is_formula(answer) or read_number(answer) is not None

    def align(self, lines: list[_Line], slots: list[_Slot]) -> list[tuple[_Line, _Slot]]:
        """The best order-preserving matching of lines to slots (a banded Needleman–Wunsch)."""
        n, k = len(lines), len(slots)
        below, above = 45, 25  # lines may be up to 45 ahead of their slot (titles, inserted rows)
        neg = float("-inf")
        line_gap = [1.0 if line.item_like else 0.05 for line in lines]
        slot_gap = [0.5 if s.kind == "node" else (0.8 if s.kind == "total" else 2.0) for s in slots]
        # score[i][j] over the band j - above <= i <= j + below
        best: list[dict[int, float]] = [{} for _ in range(n + 1)]
        move: list[dict[int, int]] = [{} for _ in range(n + 1)]
        best[0][0] = 0.0
        for i in range(n + 1):
            lo, hi = max(0, i - below), min(k, i + above)
            row_best, row_move = best[i], move[i]
            for j in range(lo, hi + 1):
                if i == 0 and j == 0:
                    continue
                value, how = neg, 0
                if i > 0 and j in best[i - 1]:
                    candidate = best[i - 1][j] - line_gap[i - 1]
                    if candidate > value:
                        value, how = candidate, 1
                if j > 0 and (j - 1) in row_best:
                    candidate = row_best[j - 1] - slot_gap[j - 1]
                    if candidate > value:
                        value, how = candidate, 2
                if i > 0 and j > 0 and (j - 1) in best[i - 1]:
                    pair = self.match_score(lines[i - 1], slots[j - 1])
                    if pair is not None:
                        candidate = best[i - 1][j - 1] + pair
                        if candidate > value:
                            value, how = candidate, 3
                if how:
                    row_best[j], row_move[j] = value, how
        i, j = n, k
        if j not in best[i]:  # the sheet is much shorter than the template: end where the band ends
            j = max(best[i]) if best[i] else 0
        pairs: list[tuple[_Line, _Slot]] = []
        while i > 0 or j > 0:
            how = move[i].get(j, 1 if i > 0 else 2)
            if how == 3:
                pairs.append((lines[i - 1], slots[j - 1]))
                i, j = i - 1, j - 1
            elif how == 1:
                i -= 1
            else:
                j -= 1
        pairs.reverse()
        return pairs

    # -- reading ----------------------------------------------------------------------------------

    def read(self) -> ParsedWorkbook:
        cols = self.columns()
        lines = self.lines(cols)
        slots = _slots(self.spec, self.layout)
        pairs = self.align(lines, slots)
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
                    ratio = _similarity(line.grams, slot.grams)
                    if ratio < FOREIGN_LABEL:
                        foreign += 1
                    if _containment(line.grams, slot.grams) < LABEL_WARN:
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
                found = line.text or _show(line.answer)
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
            self.warnings.append((row, str(m.FORMULA_EVALUATED).format(column=letter, value=_show_number(value))))
        if _text(value) is None:
            return None
        try:
            return _normalise(soal, value)
        except AnswerError as exc:
            expected = {
                "unknown_option": str(m.EXPECTED_OPTION).format(options=", ".join(soal.options)),
                "not_whole_number": str(m.EXPECTED_WHOLE),
                "out_of_range": str(m.EXPECTED_RANGE),
            }.get(exc.code, str(m.EXPECTED_NUMBER))
            self.problems.append(
                Problem(self.ws.title, row, letter, _show(value), expected, str(m.WRONG_ANSWER), soal.soal_id)
            )
            return None

    def _cell_text(self, col: int | None, row: int) -> tuple[str | None, list[str]]:
        """A cell's text and the web addresses in it (hyperlink target first)."""
        if col is None:
            return None, []
        value, _ = self.value(col, row)
        text = _text(value)
        target = self.links.get(self.merged.get((row, col), (row, col)))
        urls = ([target] if target else []) + [u for u in urls_in(text) if u != target]
        return text, urls

    def _read_row(self, soal: SoalSpec, row: int, cols: _Columns) -> ParsedRow:
        note, _ = self._cell_text(cols.note_unit, row)
        evidence_text, links = self._cell_text(cols.evidence_unit, row)
        # every other web address to the right of the answer (but not in the TPI's or the note's cells)
        skip = {cols.answer_unit, cols.note_unit, cols.evidence_unit, cols.answer_tpi, cols.note_tpi}
        for col in range(cols.answer_unit + 1, self.max_col + 1):
            if col in skip or _is_formula(self.raw(col, row)):
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

    def _tier_col(self, cols: _Columns, tier: str) -> int | None:
        return cols.answer_unit if tier == "unit" else cols.answer_tpi

    def _check_contradictions(self, tier: str, cols: _Columns) -> None:
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
            expected = str(m.EXPECTED_NOT_MORE).format(total=_show_number(denominator), rows=rows)
            self.problems.append(
                Problem(
                    self.ws.title,
                    row,
                    self.letter(col),
                    _show_number(numerator),
                    expected,
                    str(m.CONTRADICTION_SKIPPED),
                    soal_id,
                )
            )
            old = self.rows[soal_id]
            self.rows[soal_id] = ParsedRow(**{**old.__dict__, attr: None})

    def _check_typed(self, answers: Mapping[int, str | None], tier: str, cols: _Columns) -> None:
        """Numbers typed over the percentage and total formulas: say so; the parts decide."""
        col = self._tier_col(cols, tier)
        if col is None:
            return
        letter = self.letter(col)
        derived_by_code = {d.code: d for d in self.spec.derived()}
        for code, row in self.derived_rows.items():
            raw = self.raw(col, row)
            if raw is None or _is_formula(raw) or _text(raw) is None:
                continue
            computed = derived_value(derived_by_code[code].formula, answers)
            found = read_number(raw)
            typed = None
            if found is not None:
                typed = found[0] / 100 if found[1] or found[0] > 1 else found[0]
            typed_text = _show_percent(typed) if typed is not None else str(_text(raw))
            if computed is None:
                self.warnings.append((row, str(m.TYPED_PERCENT_NO_PARTS).format(column=letter, typed=typed_text)))
            elif typed is None or abs(typed - computed) > PERCENT_TOLERANCE:
                message = str(m.TYPED_PERCENT_DISAGREES).format(
                    column=letter, typed=typed_text, computed=_show_percent(computed)
                )
                self.warnings.append((row, message))
        for code, row in self.total_rows.items():
            raw = self.raw(col, row)
            if raw is None or _is_formula(raw) or _text(raw) is None:
                continue
            parts = derived_by_code[code].formula["denominator"]
            if any(answers.get(i) is None for i in parts):
                continue
            computed = sum((Decimal(answers[i] or 0) for i in parts), Decimal(0))
            found = read_number(raw, whole=True)
            if found is None or found[0] != computed:
                message = str(m.TYPED_TOTAL_DISAGREES).format(
                    column=letter,
                    typed=_text(raw),
                    computed=_show_number(computed),
                    rows=", ".join(str(self.places[i]) for i in parts if i in self.places),
                )
                self.warnings.append((row, message))


def _normalise(soal: SoalSpec, value: Any) -> str:
    """The canonical answer of a cell, read leniently; raises ``AnswerError`` with the scoring codes."""
    if soal.answer_type in OPTION_TYPES:
        key = read_option(value, list(soal.options))
        if key is None:
            raise AnswerError(soal.soal_id, f"{value!r} is no option", "unknown_option")
        return key
    found = read_number(value, whole=soal.answer_type == "JUMLAH")
    if found is None or found[1]:
        raise AnswerError(soal.soal_id, f"{value!r} is not a number", "not_a_number")
    number = found[0]
    if soal.answer_type == "JUMLAH":
        if number < 0 or number != number.to_integral_value():
            raise AnswerError(soal.soal_id, f"{value!r} is no count", "not_whole_number")
        return str(int(number))
    if number < 0 or number > 4:
        raise AnswerError(soal.soal_id, f"{value!r} is out of range", "out_of_range")
    return format(number.normalize(), "f")


__all__ = [
    "FIELDS",
    "TYPE_LABELS",
    "ParsedRow",
    "ParsedWorkbook",
    "Problem",
    "WorkbookError",
    "parse_workbook",
]
