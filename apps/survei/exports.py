"""CSV and XLSX export of a survey's responses: one row per response, no device hash.

Text cells that a spreadsheet would read as a formula are escaped by ``apps.core.xlsx.safe_cell_value``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from apps.core.xlsx import safe_cell_value
from apps.survei.instrument import ALL_CODES
from apps.survei.models import Survei
from apps.survei.selectors import respons_export_rows

_safe = safe_cell_value  # the one escaping rule of every export (apps.core.xlsx)


def header() -> list[str]:
    return [
        _("No."),
        _("Submitted at"),
        _("Service"),
        *[code.upper() for code in ALL_CODES],
        _("Age"),
        _("Sex"),
        _("Education"),
        _("Occupation"),
    ]


def rows(survei: Survei) -> Iterator[list[Any]]:
    for number, r in enumerate(respons_export_rows(survei=survei), start=1):
        yield [
            number,
            timezone.localtime(r.submitted_at).strftime("%Y-%m-%d %H:%M"),
            _safe(r.layanan.name),
            *[getattr(r, code) for code in ALL_CODES],
            r.get_usia_display(),
            r.get_jenis_kelamin_display(),
            r.get_pendidikan_display(),
            r.get_pekerjaan_display(),
        ]


def export_csv(survei: Survei) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header())
    writer.writerows(rows(survei))
    return ("\ufeff" + buffer.getvalue()).encode()  # BOM: Excel opens UTF-8 correctly


def export_xlsx(survei: Survei) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Responses")[:31]
    sheet.append(header())
    for row in rows(survei):
        sheet.append(row)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def filename(survei: Survei, ext: str) -> str:
    label = "".join(c if c.isalnum() else "-" for c in f"{survei.unit.code}-{survei.tahun}-{survei.label}")
    return f"survei-{label}.{ext}"
