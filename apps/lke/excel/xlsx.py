"""The file: its bytes read within the caps, the workbook opened with its formulas, Excel's saved
results loaded on demand, and the sheet to read found."""

from __future__ import annotations

import io
import re
import warnings
import zipfile
from pathlib import Path
from typing import Any, BinaryIO

from django.core.exceptions import ValidationError
from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from apps.core.imports import xlsx_guard
from apps.lke.excel import messages as m
from apps.lke.excel.parsed import WorkbookError
from apps.lke.excel.text import answer_type_of

MAX_BYTES = 10 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024  # a zip bomb is refused before openpyxl unpacks it
MAX_ROWS = 3000  # the LKE has about 250 rows; nothing further down is read
MAX_COLS = 40


def read_bytes(source: bytes | BinaryIO | str | Path) -> bytes:
    if isinstance(source, bytes | bytearray):
        data = bytes(source)
    elif isinstance(source, str | Path):
        data = Path(source).read_bytes()
    else:
        data = source.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise WorkbookError(str(m.TOO_LARGE).format(limit=MAX_BYTES // (1024 * 1024)), code="too_large")
    return data


class SavedValues:
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


def open_workbook(data: bytes) -> Workbook:
    """The workbook with its formulas (to see what was typed; saved results come from ``SavedValues``)."""
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


def sheet_key(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", name).casefold()


def type_column(ws: Worksheet) -> tuple[int | None, int]:
    """The column holding the answer-type labels (Ya/Tidak, A/B/C, Jumlah…) and how many it holds."""
    counts: dict[int, int] = {}
    for row in ws.iter_rows(min_row=1, max_row=min(ws.max_row, MAX_ROWS), max_col=MAX_COLS):
        for cell in row:
            if isinstance(cell.value, str) and answer_type_of(cell.value) is not None:
                counts[cell.column] = counts.get(cell.column, 0) + 1
    if not counts:
        return None, 0
    col = max(counts, key=lambda c: counts[c])
    return col, counts[col]


def sheet_with_answer_types(workbook: Workbook) -> str | None:
    """A renamed Lampiran III sheet: the one with a column full of answer-type labels."""
    for ws in workbook.worksheets:
        if type_column(ws)[1] >= 10:
            return ws.title
    return None
