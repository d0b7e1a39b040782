"""Writing spreadsheet downloads, and the one escaping rule for user text in them (issue 18).

Text that a spreadsheet would read as a formula (starting with ``=``, ``+``, ``-``, ``@``, a tab or
a carriage return) must never run when the file is opened (CSV/formula injection, OWASP). Every
CSV and XLSX export passes each cell that holds user text through this module:

* :func:`safe_cell_value` — prefixes such text with an apostrophe: for CSV (which has no cell types)
  and for sheets that are only read by people (pakta, survey, the rencana aksi heatmap);
* :func:`set_text_cell` — for a workbook that comes back as an import (the official LKE workbook):
  the cell is written as a typed *string*, never a formula, so the text round-trips unchanged while
  Excel and LibreOffice still show it as text.

``tests/core/test_export_escaping.py`` exports every CSV/XLSX download with such text and checks it.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(_FORMULA_START)


def safe_cell_value(value: Any) -> Any:
    if is_formula_like(value):
        return "'" + value
    return value


def set_text_cell(cell: Any, value: Any) -> None:
    """Write user text into an openpyxl cell as a string even when it looks like a formula."""
    cell.value = value
    if is_formula_like(value):
        cell.data_type = "s"


def xlsx_bytes(*, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    bold = []
    for label in header:
        cell = WriteOnlyCell(sheet, value=str(label))
        cell.font = Font(bold=True)
        bold.append(cell)
    sheet.append(bold)
    for row in rows:
        sheet.append([safe_cell_value(value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_response(*, filename: str, title: str, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> HttpResponse:
    response = HttpResponse(xlsx_bytes(title=title, header=header, rows=rows), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
