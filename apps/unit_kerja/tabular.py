"""Reading an uploaded CSV or XLSX sheet into numbered rows, for the roster and unit imports.

Pure parsing: no database, no writes. The content decides the format (never the file name): an
XLSX is recognised by its ZIP structure (``bukti_dukung.services.sniff_kind``), anything else must
be UTF-8 text. Every problem with the *file* raises a ``ValidationError`` on the ``file`` field;
problems with single rows are the import service's business.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from apps.bukti_dukung.models import FileKind
from apps.bukti_dukung.scanning import scan_upload
from apps.bukti_dukung.services import sniff_kind
from apps.core.imports import bounded_rows, duplicates, xlsx_guard

IMPORT_FILE_EMPTY = _("The file is empty.")
IMPORT_FILE_TOO_LARGE = _("The file is larger than %(limit)s MB.")
IMPORT_FILE_TYPE = _("Only CSV (UTF-8) and XLSX files can be imported.")
IMPORT_FILE_ENCODING = _("The CSV file is not UTF-8 text. In Excel choose “CSV UTF-8” when saving.")
IMPORT_FILE_MALFORMED = _("The file could not be read: %(detail)s")
IMPORT_FILE_NO_HEADER = _("The first row must hold the column names: %(columns)s.")
IMPORT_MISSING_COLUMNS = _("Missing columns: %(columns)s.")
IMPORT_DUPLICATE_COLUMNS = _("A column appears more than once: %(columns)s.")
IMPORT_NO_ROWS = _("The file has no data rows below the column names.")
IMPORT_TOO_MANY_ROWS = _("The file has more than %(limit)s data rows; split it into smaller files.")

# The defaults keep one import inside a request's time; both can be raised in settings.
DEFAULT_IMPORT_MAX_BYTES = 5 * 1024 * 1024
DEFAULT_IMPORT_MAX_ROWS = 20_000

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls


def _limit_bytes() -> int:
    return int(getattr(settings, "ZI_IMPORT_MAX_BYTES", DEFAULT_IMPORT_MAX_BYTES))


def _limit_rows() -> int:
    return int(getattr(settings, "ZI_IMPORT_MAX_ROWS", DEFAULT_IMPORT_MAX_ROWS))


@dataclass(frozen=True)
class Row:
    """One data row: ``number`` is the row as the user sees it in the sheet (the header is row 1)."""

    number: int
    values: dict[str, Any] = field(default_factory=dict)


def _file_error(message: Any, code: str, **params: Any) -> ValidationError:
    return ValidationError({"file": ValidationError(message, code=code, params=params or None)})


def normalize_header(raw: object) -> str:
    """``" Kode Induk "`` → ``kode_induk``: people type headers with spaces and capitals."""
    text = "" if raw is None else str(raw)
    return "_".join(text.strip().lower().replace("-", " ").split())


def _is_blank(values: Iterable[Any]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def check_import_upload(file: UploadedFile) -> tuple[bytes, str]:
    """The upload's own checks, before anything parses it: not empty, not over the size limit, and
    clean (ClamAV; a no-op when scanning is off). Returns the content and its SHA-256.

    A file that passed once is not scanned again (``scan_upload`` remembers it on the file object),
    so the background import checks the stored copy without a second scan.
    """
    limit = _limit_bytes()
    if file.size is not None and file.size > limit:
        raise _file_error(IMPORT_FILE_TOO_LARGE, "file_too_large", limit=limit // (1024 * 1024))
    file.seek(0)
    content = file.read(limit + 1)
    if len(content) > limit:
        raise _file_error(IMPORT_FILE_TOO_LARGE, "file_too_large", limit=limit // (1024 * 1024))
    if not content:
        raise _file_error(IMPORT_FILE_EMPTY, "file_empty")
    sha256 = hashlib.sha256(content).hexdigest()
    try:
        scan_upload(file, sha256=sha256)
    except ValidationError as exc:
        raise ValidationError({"file": exc}) from exc
    return content, sha256


def read_table(file: UploadedFile, *, required: tuple[str, ...], optional: tuple[str, ...]) -> list[Row]:
    """Read the first sheet (XLSX) or the whole text (CSV) into rows keyed by normalised header.

    Raises ``ValidationError({"file": ...})`` for a wrong type, an oversize or empty file, a
    missing column or an unreadable file. Columns outside ``required + optional`` are ignored
    (people keep a "No." column). Blank rows are skipped but keep their numbering.
    """
    content, _sha256 = check_import_upload(file)
    kind = sniff_kind(content[:16], io.BytesIO(content))
    try:
        if kind == FileKind.XLSX:
            xlsx_guard(content)  # rows, columns, cells and unpacked size, before any XML is parsed
            raw_rows = _xlsx_rows(content)
        elif kind is not None or content.startswith((b"PK\x03\x04", _OLE2_MAGIC)):
            raise _file_error(IMPORT_FILE_TYPE, "file_type")
        else:
            raw_rows = _csv_rows(content)
        return _to_rows(bounded_rows(raw_rows), required=required, optional=optional)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            raise
        raise ValidationError({"file": exc}) from exc  # a cap of apps.core.imports


def _csv_rows(content: bytes) -> Iterator[list[Any]]:
    if b"\x00" in content:
        raise _file_error(IMPORT_FILE_TYPE, "file_type")
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _file_error(IMPORT_FILE_ENCODING, "file_encoding") from exc
    first_line = text.split("\n", 1)[0]
    try:
        # Indonesian Excel saves CSV with ";" (the decimal separator is ","), so sniff the delimiter.
        dialect: Any = csv.Sniffer().sniff(first_line, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=dialect.delimiter, quotechar='"')
    try:
        yield from reader
    except csv.Error as exc:
        raise _file_error(IMPORT_FILE_MALFORMED, "file_malformed", detail=str(exc)) from exc


def _xlsx_rows(content: bytes) -> Iterator[list[Any]]:
    from openpyxl import load_workbook  # noqa: PLC0415  (heavy: openpyxl, only for an .xlsx upload)

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # a damaged workbook fails anywhere in the zip/XML layers; never a 500
        raise _file_error(IMPORT_FILE_MALFORMED, "file_malformed", detail=type(exc).__name__) from exc
    try:
        if not workbook.worksheets:
            raise _file_error(IMPORT_FILE_EMPTY, "file_empty")
        sheet = workbook.worksheets[0]
        try:
            for values in sheet.iter_rows(values_only=True):
                yield list(values)
        except ValidationError:
            raise
        except Exception as exc:  # same reason as above: malformed sheet XML
            raise _file_error(IMPORT_FILE_MALFORMED, "file_malformed", detail=type(exc).__name__) from exc
    finally:
        workbook.close()


def _to_rows(raw_rows: Iterator[list[Any]], *, required: tuple[str, ...], optional: tuple[str, ...]) -> list[Row]:
    expected = ", ".join(required + optional)
    header_raw = next(raw_rows, None)
    if header_raw is None or _is_blank(header_raw):
        raise _file_error(IMPORT_FILE_NO_HEADER, "no_header", columns=expected)
    headers = [normalize_header(h) for h in header_raw]
    repeated = duplicates(headers)
    if repeated:
        raise _file_error(IMPORT_DUPLICATE_COLUMNS, "duplicate_columns", columns=", ".join(repeated[:10]))
    present = set(headers)
    missing = [name for name in required if name not in present]
    if missing:
        raise _file_error(IMPORT_MISSING_COLUMNS, "missing_columns", columns=", ".join(missing))
    position = {name: index for index, name in enumerate(headers)}
    wanted = {name: position[name] for name in required + optional if name in position}
    limit = _limit_rows()
    rows: list[Row] = []
    for number, values in enumerate(raw_rows, start=2):
        if _is_blank(values):
            continue
        if len(rows) >= limit:
            raise _file_error(IMPORT_TOO_MANY_ROWS, "too_many_rows", limit=limit)
        rows.append(Row(number, {name: values[i] if i < len(values) else None for name, i in wanted.items()}))
    if not rows:
        raise _file_error(IMPORT_NO_ROWS, "no_rows")
    return rows


def cell_text(value: Any) -> str:
    """A cell as trimmed text; whole numbers lose Excel's ``.0`` (a code typed as 12 reads "12")."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
