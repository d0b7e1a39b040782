"""XLSX files of the rencana aksi: the instansi-wide heatmap and the empty import template."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from apps.core.xlsx import safe_cell_value
from apps.lke.models import Area
from apps.rencana_aksi.imports import IMPORT_COLUMNS_OPTIONAL, IMPORT_COLUMNS_REQUIRED
from apps.rencana_aksi.selectors import HeatmapRow
from apps.unit_kerja.models import Cycle


def heatmap_xlsx(*, rows: list[HeatmapRow], cycle: Cycle) -> bytes:
    """Units × areas as a workbook: one row per unit, the verified progress % per area."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = f"Rencana aksi {cycle.tahun}"
    sheet.append(
        [_("Unit code"), _("Unit kerja"), _("Plan status"), *[label for _v, label in Area.choices], _("Overall")]
    )
    for row in rows:
        sheet.append(
            [
                safe_cell_value(row.unit.code),
                safe_cell_value(row.unit.name),
                str(row.rencana.get_status_display()) if row.rencana else _("no plan"),
                *row.cells,
                row.overall,
            ]
        )
    sheet.freeze_panes = "C2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def import_template_xlsx() -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Kegiatan"
    sheet.append([*IMPORT_COLUMNS_REQUIRED, *IMPORT_COLUMNS_OPTIONAL])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
