"""Hostile spreadsheets for the import bounds (issue 18), built byte by byte (openpyxl would refuse
to write some of them).

* :func:`wide_csv` — a CSV whose header has 30,000 columns (16 s before the bounds: a quadratic
  duplicate-column check);
* :func:`empty_rows_xlsx` — two million explicit empty rows (17 s: every one was iterated);
* :func:`gap_row_xlsx` — a header and one cell at row 2,000,000 (openpyxl pads the gap);
* :func:`dimension_lie_xlsx` — a declared ``<dimension>`` of two million rows over one real row.
"""

from __future__ import annotations

import io
import zipfile

_XML = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
_PKG = b"http://schemas.openxmlformats.org/package/2006"
_DOC = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_TYPE = b"application/vnd.openxmlformats-officedocument.spreadsheetml"

CONTENT_TYPES = (
    _XML + b'<Types xmlns="' + _PKG + b'/content-types">'
    b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    b'<Default Extension="xml" ContentType="application/xml"/>'
    b'<Override PartName="/xl/workbook.xml" ContentType="' + _TYPE + b'.sheet.main+xml"/>'
    b'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="' + _TYPE + b'.worksheet+xml"/></Types>'
)
RELS = (
    _XML + b'<Relationships xmlns="' + _PKG + b'/relationships">'
    b'<Relationship Id="rId1" Type="' + _DOC + b'/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    _XML + b'<workbook xmlns="' + _MAIN + b'" xmlns:r="' + _DOC + b'">'
    b'<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    _XML + b'<Relationships xmlns="' + _PKG + b'/relationships">'
    b'<Relationship Id="rId1" Type="' + _DOC + b'/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
SHEET_START = _XML + b'<worksheet xmlns="' + _MAIN + b'">'


def xlsx(sheet_xml: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return buffer.getvalue()


def header_row(names: tuple[str, ...]) -> bytes:
    cells = b"".join(
        b'<c r="%s1" t="inlineStr"><is><t>%s</t></is></c>' % (bytes([65 + i]), name.encode())
        for i, name in enumerate(names)
    )
    return b'<row r="1">' + cells + b"</row>"


def empty_rows_xlsx(names: tuple[str, ...], rows: int = 2_000_000) -> bytes:
    empty = b"".join(b'<row r="%d"/>' % i for i in range(2, rows + 2))
    return xlsx(SHEET_START + b"<sheetData>" + header_row(names) + empty + b"</sheetData></worksheet>")


def gap_row_xlsx(names: tuple[str, ...], row: int = 2_000_000) -> bytes:
    far = b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>x</t></is></c></row>' % (row, row)
    return xlsx(SHEET_START + b"<sheetData>" + header_row(names) + far + b"</sheetData></worksheet>")


def dimension_lie_xlsx(names: tuple[str, ...], rows: int = 2_000_000) -> bytes:
    dimension = b'<dimension ref="A1:C%d"/>' % rows
    return xlsx(SHEET_START + dimension + b"<sheetData>" + header_row(names) + b"</sheetData></worksheet>")


def wide_csv(columns: int = 30_000) -> bytes:
    return (",".join(f"kolom{i}" for i in range(columns)) + "\n1,2,3\n").encode()
