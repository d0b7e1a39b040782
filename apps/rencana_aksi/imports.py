"""Reading a sheet of kegiatan (XLSX or CSV) for the rencana aksi import: the columns, the parsing of
each cell (area, numbers, dates, months, the PIC's NIP, the PortalRB soal id) and the errors by row
and column. No writes: ``apps.rencana_aksi.services.imports.kegiatan_import`` checks each parsed row with the
form's rules and saves the plan. The file's bounds are checked by ``apps.unit_kerja.tabular``
(``apps.core.imports``)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from apps.lke.models import Area, Soal
from apps.rencana_aksi import selectors
from apps.rencana_aksi.models import RencanaAksi
from apps.unit_kerja.models import Pegawai
from apps.unit_kerja.services.imports import IMPORT_REQUIRED, ImportResult
from apps.unit_kerja.tabular import cell_text, read_table

IMPORT_AREA = _("Unknown area “%(value)s”: use 1–6 or the area's name.")
IMPORT_NUMBER = _("“%(value)s” is not a number.")
IMPORT_DATE = _("“%(value)s” is not a date (use YYYY-MM-DD).")
IMPORT_MONTHS = _("“%(value)s” is not a list of months (e.g. 1,2,3 or 1-12).")
IMPORT_PIC_UNKNOWN = _("No pegawai with NIP %(value)s.")
IMPORT_SOAL_UNKNOWN = _("No LKE soal %(value)s in the LKE of %(tahun)s.")

IMPORT_COLUMNS_REQUIRED = ("area", "kegiatan", "output", "indikator", "target", "satuan", "nip_pic", "bulan", "tenggat")
IMPORT_COLUMNS_OPTIONAL = ("anggaran", "soal")

# The sheet's column of each field of a kegiatan (``KegiatanData``), for the errors of the form's rules.
COLUMN_OF_FIELD = {
    "area": "area",
    "description": "kegiatan",
    "output": "output",
    "indicator": "indikator",
    "target_value": "target",
    "target_unit": "satuan",
    "pic": "nip_pic",
    "months": "bulan",
    "deadline": "tenggat",
    "budget": "anggaran",
    "soal": "soal",
}


@dataclass
class ParsedRow:
    """One row whose cells all parsed: ``fields`` are the keyword arguments of a ``KegiatanData``."""

    number: int
    values: dict[str, Any]
    fields: dict[str, Any] = field(default_factory=dict)


def _area_lookup() -> dict[str, int]:
    lookup: dict[str, int] = {}
    for value, label in Area.choices:
        lookup[str(value)] = value
        lookup[str(label).lower()] = value
    return lookup


def _parse_months(text: str) -> list[int] | None:
    months: set[int] = set()
    for part in text.replace(";", ",").split(","):
        part = part.strip()
        if not part:
            continue
        try:
            if "-" in part:
                first, last = (int(x) for x in part.split("-", 1))
                months.update(range(first, last + 1))
            else:
                months.add(int(part))
        except ValueError:
            return None
    return sorted(months) if months and all(1 <= m <= 12 for m in months) else None


def _parse_decimal(value: Any) -> Decimal | None:
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return Decimal(str(value))
    text = cell_text(value).replace(" ", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _parse_date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(cell_text(value))
    except ValueError:
        return None


def kegiatan_rows_read(*, rencana: RencanaAksi, file: UploadedFile) -> tuple[ImportResult, list[ParsedRow]]:
    """Read the sheet for ``rencana`` (its unit and cycle loaded): the result with every cell that
    did not parse (by row and column), and the rows that parsed."""
    rows = read_table(file, required=IMPORT_COLUMNS_REQUIRED, optional=IMPORT_COLUMNS_OPTIONAL)
    tahun = rencana.cycle.tahun
    result = ImportResult(total=len(rows))
    areas = _area_lookup()
    template = selectors.lke_template_for(tahun)
    nips = {cell_text(row.values.get("nip_pic")) for row in rows}
    pegawai = {p.nip: p for p in Pegawai.objects.filter(instansi_id=rencana.instansi_id, nip__in=nips)}
    soal_ids = {cell_text(row.values.get("soal")) for row in rows} - {""}
    soal_by_id: dict[str, Soal] = {}
    if template is not None and soal_ids:
        numeric = [int(s) for s in soal_ids if s.isdigit()]
        soal_by_id = {
            str(s.portalrb_soal_id): s
            for s in Soal.objects.filter(template=template, portalrb_soal_id__in=numeric).select_related("node")
        }
    parsed: list[ParsedRow] = []
    for row in rows:
        errors_before = len(result.errors)
        raw_area = cell_text(row.values.get("area"))
        area = areas.get(raw_area.lower()) if raw_area else None
        if raw_area and area is None:
            result.add(row.number, "area", IMPORT_AREA, value=raw_area)
        target = _parse_decimal(row.values.get("target"))
        if cell_text(row.values.get("target")) and target is None:
            result.add(row.number, "target", IMPORT_NUMBER, value=cell_text(row.values.get("target")))
        budget = None
        raw_budget = cell_text(row.values.get("anggaran"))
        if raw_budget:
            budget = _parse_decimal(row.values.get("anggaran"))
            if budget is None:
                result.add(row.number, "anggaran", IMPORT_NUMBER, value=raw_budget)
        deadline = _parse_date(row.values.get("tenggat"))
        if cell_text(row.values.get("tenggat")) and deadline is None:
            result.add(row.number, "tenggat", IMPORT_DATE, value=cell_text(row.values.get("tenggat")))
        raw_months = cell_text(row.values.get("bulan"))
        months = _parse_months(raw_months) if raw_months else []
        if raw_months and months is None:
            result.add(row.number, "bulan", IMPORT_MONTHS, value=raw_months)
        nip = cell_text(row.values.get("nip_pic"))
        pic = pegawai.get(nip) if nip else None
        if nip and pic is None:
            result.add(row.number, "nip_pic", IMPORT_PIC_UNKNOWN, value=nip)
        raw_soal = cell_text(row.values.get("soal"))
        soal = soal_by_id.get(raw_soal) if raw_soal else None
        if raw_soal and soal is None:
            result.add(row.number, "soal", IMPORT_SOAL_UNKNOWN, value=raw_soal, tahun=tahun)
        if len(result.errors) > errors_before:
            continue
        fields = {
            "area": area or 0,
            "description": cell_text(row.values.get("kegiatan")),
            "output": cell_text(row.values.get("output")),
            "indicator": cell_text(row.values.get("indikator")),
            "target_value": target if target is not None else Decimal(-1),
            "target_unit": cell_text(row.values.get("satuan")),
            "pic": pic,
            "months": months or [],
            "deadline": deadline or datetime.date(1, 1, 1),
            "budget": budget,
            "soal": soal,
        }
        parsed.append(ParsedRow(number=row.number, values=row.values, fields=fields))
    return result, parsed


def rule_errors_add(result: ImportResult, row: ParsedRow, errors: dict[str, list[str]]) -> None:
    """Put the errors of the form's rules (by field) on the row's columns; an empty required
    column says so instead."""
    for name, messages in errors.items():
        column = COLUMN_OF_FIELD[name]
        if not cell_text(row.values.get(column)) and column in IMPORT_COLUMNS_REQUIRED:
            messages = [str(IMPORT_REQUIRED)]
        for message in dict.fromkeys(messages):
            result.add(row.number, column, message)
