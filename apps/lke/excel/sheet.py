"""The sheet's cells, its answer columns (by their headers, or the master's moved by inserted
columns) and its rows as lines."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import translation
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from apps.lke.excel import messages as m
from apps.lke.excel.align import Line
from apps.lke.excel.cells import evaluate
from apps.lke.excel.layout import WorkbookLayout, split_numbering
from apps.lke.excel.parsed import Layout
from apps.lke.excel.text import BULLET, NUMBER_TOKEN, answer_type_of, grams, is_formula, norm, number_key, text_of
from apps.lke.excel.xlsx import MAX_COLS, MAX_ROWS, SavedValues


@dataclass
class Columns:
    answer_unit: int
    note_unit: int | None
    evidence_unit: int | None
    answer_tpi: int | None
    note_tpi: int | None
    labels: tuple[int, ...]
    type: int | None
    id: int | None


class Sheet:
    """One sheet read once (random access through openpyxl is slow): its cells, merged ranges and
    links; where its answer columns are, and its rows as lines."""

    def __init__(self, layout_name: Layout, ws: Worksheet, ws_values: SavedValues, layout: WorkbookLayout) -> None:
        self.layout_name: Layout = layout_name
        self.ws = ws
        self.values = ws_values
        self.layout = layout
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
        if not is_formula(raw):
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
            if isinstance(value, str) and answer_type_of(value) is not None:
                counts[col] = counts.get(col, 0) + 1
        return max(counts, key=lambda c: counts[c]) if counts else None

    def columns(self) -> Columns:
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
            return Columns(
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
        return Columns(
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
                    wanted[norm(str(label))] = key
        found: dict[str, int] = {}
        for (row, col), value in sorted(self.grid.items()):
            if row > 3:
                break
            key = wanted.get(norm(value)) if isinstance(value, str) else None
            if key is not None and key not in found:
                found[key] = col
        return found if "answer_unit" in found else {}

    def _headers(self) -> dict[int, str]:
        """Column → normalised header words, from the first rows (the first text found per column)."""
        out: dict[int, str] = {}
        for (row, col), value in sorted(self.grid.items()):
            if row > 25:
                break
            text = text_of(value)
            if text and not is_formula(text) and col not in out and len(text) < 60:
                words = norm(text)
                if any(
                    w in words
                    for w in ("jawaban", "bobot", "kriteria", "catatan", "penjelasan", "bukti", "link", "tpi")
                ):
                    out[col] = words
        return out

    # -- lines ------------------------------------------------------------------------------------

    def lines(self, cols: Columns) -> list[Line]:
        out = []
        for row in range(1, self.max_row + 1):
            # a label merged across columns is read once, from its first cell
            parts = [t for c in cols.labels if (t := text_of(self.grid.get((row, c))))]
            number, text = "", ""
            if parts:
                if NUMBER_TOKEN.match(parts[0]):
                    number, text = number_key(parts[0]), " ".join(parts[1:])
                else:
                    joined = " ".join(parts)
                    bullet = BULLET.match(joined)
                    if bullet:
                        number, text = "-", bullet.group(1).strip()
                    else:
                        token, text = split_numbering(joined)
                        number = number_key(token)
            type_ = answer_type_of(self.raw(cols.type, row)) if cols.type else None
            id_value = self.raw(cols.id, row) if cols.id else None
            answer = self.raw(cols.answer_unit, row)
            if text_of(answer) is None:
                answer = None
            if not text and not number and type_ is None and answer is None and id_value is None:
                continue
            if isinstance(id_value, float) and id_value.is_integer():
                id_value = int(id_value)
            if isinstance(id_value, str):
                id_value = int(id_value) if id_value.strip().isdigit() else id_value.strip()
            out.append(Line(row, number, text, grams(text), type_, id_value, answer))
        return out
