"""The LKE workbook, both ways: export the official ``Jawaban`` sheet, read it or a Lampiran III
``LKE ZI`` sheet back. Plain data in and out; the penilaian pages and ``lke_score`` call these."""

from apps.lke.excel.changes import Change, workbook_changes
from apps.lke.excel.export import build_workbook
from apps.lke.excel.layout import TreeRow, WorkbookLayout, layout_for_spec, tree_rows, workbook_layout
from apps.lke.excel.parse import parse_workbook
from apps.lke.excel.parsed import FIELDS, ParsedRow, ParsedWorkbook, WorkbookError
from apps.lke.excel.summary import score_summary

__all__ = [
    "FIELDS",
    "Change",
    "ParsedRow",
    "ParsedWorkbook",
    "TreeRow",
    "WorkbookError",
    "WorkbookLayout",
    "build_workbook",
    "layout_for_spec",
    "parse_workbook",
    "score_summary",
    "tree_rows",
    "workbook_changes",
    "workbook_layout",
]
