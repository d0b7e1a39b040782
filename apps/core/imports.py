"""Bounds on every uploaded spreadsheet, checked before and while it is parsed (issue 18).

One shared guard for every CSV/XLSX import — the roster and unit imports and the rencana aksi import
(``apps.unit_kerja.tabular``) and the LKE workbook (``apps.lke.excel.parse``). A reader calls

* :func:`xlsx_guard` on the raw bytes **before** any XML parser sees them: the archive's unpacked
  size and member count, then a streamed scan of each worksheet's XML counting rows and cells and
  reading the highest row number and column a cell names (openpyxl pads the gaps, so one cell at row
  2,000,000 would otherwise cost two million empty rows) and the declared ``<dimension>``;
* :func:`bounded_rows` around the row iterator (CSV and XLSX alike): rows (blank ones included),
  columns per row and cells, counted as they stream, so a reader never holds more than the caps;
* :func:`duplicates` for header names: linear (a ``Counter``), never ``list.count`` in a loop.

Every refusal is a ``ValidationError`` with an Indonesian message (msgid in English) and a code
(``too_many_rows``, ``too_many_columns``, ``too_many_cells``, ``unpacked_too_large``); the caller
puts it on its ``file`` field or turns it into its own error type. The caps come from settings
(``ZI_IMPORT_MAX_ROWS_SCANNED``, ``ZI_IMPORT_MAX_COLUMNS``, ``ZI_IMPORT_MAX_CELLS``,
``ZI_IMPORT_MAX_UNPACKED_BYTES``) with the defaults below; the worst case stays well under 2 s.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

TOO_MANY_ROWS = _("The sheet has more than %(limit)s rows (blank rows included); split it into smaller files.")
TOO_MANY_COLUMNS = _("The sheet has more than %(limit)s columns; remove the columns that are not needed.")
TOO_MANY_CELLS = _("The sheet has more than %(limit)s cells; split it into smaller files.")
UNPACKED_TOO_LARGE = _("The workbook unpacks to more than %(limit)s MB; it cannot be imported.")

DEFAULT_MAX_ROWS_SCANNED = 50_000
DEFAULT_MAX_COLUMNS = 200
DEFAULT_MAX_CELLS = 1_000_000
DEFAULT_MAX_UNPACKED_BYTES = 50 * 1024 * 1024
_MAX_MEMBERS = 1_000
_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class ImportLimits:
    rows: int
    columns: int
    cells: int
    unpacked_bytes: int


def import_limits() -> ImportLimits:
    return ImportLimits(
        rows=int(getattr(settings, "ZI_IMPORT_MAX_ROWS_SCANNED", DEFAULT_MAX_ROWS_SCANNED)),
        columns=int(getattr(settings, "ZI_IMPORT_MAX_COLUMNS", DEFAULT_MAX_COLUMNS)),
        cells=int(getattr(settings, "ZI_IMPORT_MAX_CELLS", DEFAULT_MAX_CELLS)),
        unpacked_bytes=int(getattr(settings, "ZI_IMPORT_MAX_UNPACKED_BYTES", DEFAULT_MAX_UNPACKED_BYTES)),
    )


def _refuse(message: Any, code: str, limit: int) -> ValidationError:
    return ValidationError(message, code=code, params={"limit": limit})


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + (letter - 64)
    return number


_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"[A-Z]*\d*:?([A-Z]*)(\d*)\"")
_ROW = re.compile(rb"<(?:\w+:)?row[\s>/]")
_ROW_NUMBER = re.compile(rb"<(?:\w+:)?row\s[^>]*?\br=\"(\d+)\"")
_CELL = re.compile(rb"<(?:\w+:)?c[\s>/]")
_CELL_REF = re.compile(rb"<(?:\w+:)?c\s[^>]*?\br=\"([A-Z]+)(\d+)\"")


def _check_sheet(stream: io.BufferedIOBase, limits: ImportLimits) -> None:
    rows = cells = 0
    tail = b""
    first = True
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            return
        # Counts cover the new bytes only; the checks of row numbers and cell references also look at
        # the end of the previous chunk, so an attribute cut by the boundary is still seen whole.
        window = tail + chunk
        if first:
            first = False
            dimension = _DIMENSION.search(window)
            if dimension is not None:
                letters, digits = dimension.groups()
                if digits and int(digits) > limits.rows:
                    raise _refuse(TOO_MANY_ROWS, "too_many_rows", limits.rows)
                if letters and _column_number(letters) > limits.columns:
                    raise _refuse(TOO_MANY_COLUMNS, "too_many_columns", limits.columns)
        rows += len(_ROW.findall(chunk))
        cells += len(_CELL.findall(chunk))
        if rows > limits.rows:
            raise _refuse(TOO_MANY_ROWS, "too_many_rows", limits.rows)
        if cells > limits.cells:
            raise _refuse(TOO_MANY_CELLS, "too_many_cells", limits.cells)
        for match in _ROW_NUMBER.finditer(window):
            if int(match.group(1)) > limits.rows:
                raise _refuse(TOO_MANY_ROWS, "too_many_rows", limits.rows)
        for match in _CELL_REF.finditer(window):
            if _column_number(match.group(1)) > limits.columns:
                raise _refuse(TOO_MANY_COLUMNS, "too_many_columns", limits.columns)
            if int(match.group(2)) > limits.rows:
                raise _refuse(TOO_MANY_ROWS, "too_many_rows", limits.rows)
        tail = chunk[-256:]


def xlsx_guard(content: bytes, *, limits: ImportLimits | None = None) -> None:
    """Refuse a workbook whose size once unpacked, rows, columns or cells exceed the caps — without
    parsing it. A file that is not a readable ZIP passes untouched: the reader's own error says so."""
    limits = limits or import_limits()
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError):
        return
    with archive:
        members = archive.infolist()
        unpacked = sum(info.file_size for info in members)
        if len(members) > _MAX_MEMBERS or unpacked > limits.unpacked_bytes:
            raise _refuse(UNPACKED_TOO_LARGE, "unpacked_too_large", limits.unpacked_bytes // (1024 * 1024))
        for info in members:
            if not (info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")):
                continue
            try:
                with archive.open(info) as stream:
                    _check_sheet(stream, limits)  # type: ignore[arg-type]
            except (zipfile.BadZipFile, OSError, EOFError, RuntimeError):
                return  # damaged: the reader refuses it with its own message


def bounded_rows(rows: Iterable[list[Any]], *, limits: ImportLimits | None = None) -> Iterator[list[Any]]:
    """Pass rows through while counting them (blank ones too), their columns and the cells so far."""
    limits = limits or import_limits()
    cells = 0
    for number, row in enumerate(rows, start=1):
        if number > limits.rows:
            raise _refuse(TOO_MANY_ROWS, "too_many_rows", limits.rows)
        width = len(row)
        # Trailing empty cells (a sheet formatted far to the right) do not count as columns.
        while width > limits.columns and row[width - 1] in (None, ""):
            width -= 1
        if width > limits.columns:
            raise _refuse(TOO_MANY_COLUMNS, "too_many_columns", limits.columns)
        cells += width
        if cells > limits.cells:
            raise _refuse(TOO_MANY_CELLS, "too_many_cells", limits.cells)
        yield row[:width] if width < len(row) else row


def duplicates(names: Iterable[str]) -> list[str]:
    """The non-empty names that occur more than once, sorted; linear in the number of names."""
    return sorted(name for name, count in Counter(name for name in names if name).items() if count > 1)
