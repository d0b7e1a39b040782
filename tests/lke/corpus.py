"""A generated corpus of filled LKE workbooks in both layouts, spoiled the ways real ones are.

``generate(spec, layout, seed)`` fills a workbook from the master — the official ``Jawaban`` sheet
(every soal at its master row and columns) or a Lampiran III ``LKE ZI`` sheet (title lines, merged
headers, the tree numbered A. / I. / 1. / i. / a. / -) — with random but valid answers, notes and
evidence links, then applies a random set of mutations — the ways real ones are spoilt, listed in
tests/lke/corpus_mutations.py. The answers and the two layouts as lines: tests/lke/corpus_layouts.py;
writing the lines into a sheet and the bookkeeping of what must be reported: here.

Everything is built in memory (an openpyxl ``Workbook``; ``as_bytes`` saves it when wanted). Each
``Generated`` knows the original answers, the URLs of every soal, the row each soal landed on, and
the rows where a mutation must be reported (a warning naming that row).
"""

from __future__ import annotations

import io
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from openpyxl import Workbook
from openpyxl.utils import column_index_from_string, get_column_letter

from apps.lke.excel import WorkbookLayout
from apps.lke.scoring import TemplateSpec
from tests.lke.corpus_layouts import Line, jawaban_lines, lke_zi_lines, random_answers, random_links
from tests.lke.corpus_mutations import MUTATIONS, mutate


@dataclass
class Generated:
    workbook: Workbook
    layout_name: str
    seed: int
    mutations: tuple[str, ...]
    answers: dict[int, str | None]
    links: dict[int, list[str]]
    row_of: dict[int, int]
    must_warn: set[int]
    may_lose: set[int]

    def as_bytes(self) -> bytes:
        buffer = io.BytesIO()
        self.workbook.save(buffer)
        return buffer.getvalue()


# -----------------------------------------------------------------------------
# Writing
# -----------------------------------------------------------------------------


def _column_map(inserted_before: str | None) -> Callable[[str], str]:
    if inserted_before is None:
        return lambda letter: letter
    cut = column_index_from_string(inserted_before)

    def shift(letter: str) -> str:
        index = column_index_from_string(letter)
        return get_column_letter(index + 1 if index >= cut else index)

    return shift


def emit(lines: list[Line], sheet_title: str, inserted_before: str | None) -> tuple[Workbook, dict[int, int]]:
    col = _column_map(inserted_before)
    for row, line in enumerate(lines, start=1):
        line.row = row
    row_of = {line.soal_id: line.row for line in lines if line.soal_id is not None}
    workbook = Workbook()
    ws = workbook.active
    ws.title = sheet_title

    def resolve(value: Any) -> Any:
        if isinstance(value, str) and "{K:" in value:
            out = value
            for soal_id, row in row_of.items():
                out = out.replace(f"{{K:{soal_id}}}", f"{col('K')}{row}")
            return out
        return value

    for line in lines:
        for letter, value in line.cells.items():
            if letter in {"parts", "typed"} or value is None:
                continue
            ws[f"{col(letter)}{line.row}"] = resolve(value)
        if line.merge is not None:
            ws.merge_cells(f"{col(line.merge[0])}{line.row}:{col(line.merge[1])}{line.row}")
        if line.hidden:
            ws.row_dimensions[line.row].hidden = True
    if inserted_before is not None:
        ws.column_dimensions[inserted_before].hidden = True
    return workbook, row_of


def generate(
    spec: TemplateSpec,
    layout: WorkbookLayout,
    seed: int,
    *,
    layout_name: str | None = None,
    mutations: tuple[str, ...] | None = None,
    real_world: bool | None = None,
) -> Generated:
    rng = random.Random(seed)
    layout_name = layout_name or ("jawaban" if seed % 2 == 0 else "lke_zi")
    answers = random_answers(spec, rng)
    links = {soal_id: random_links(rng, soal_id) for soal_id in spec.soal_by_id()}
    notes = {soal_id: f"Catatan unit {soal_id}" for soal_id in spec.soal_by_id() if rng.random() < 0.3}
    if layout_name == "jawaban":
        lines = jawaban_lines(spec, layout, answers, links, notes)
        sheet_title = "Jawaban"
    else:
        drawn_real = rng.random() < 0.5
        lines = lke_zi_lines(
            spec, layout, answers, links, notes, real_world=drawn_real if real_world is None else real_world
        )
        sheet_title = rng.choice(["LKE ZI", "LKE ZI", "Sheet1"])
    drawn = tuple(sorted(rng.sample(MUTATIONS, k=rng.randint(2, 7))))
    chosen = drawn if mutations is None else mutations
    lines = mutate(lines, layout_name, rng, chosen)
    inserted = rng.choice(["C", "H", "I", "L", "N"]) if "column" in chosen else None
    workbook, row_of = emit(lines, sheet_title, inserted)
    must_warn = set()
    for line in lines:
        if line.must_warn and line.kind == "soal":
            must_warn.add(line.row)
        if line.kind == "total" and line.cells.get("parts") and line.code:
            formula = next(d.formula for d in spec.derived() if d.code == line.code)
            lost = {line.soal_id for line in lines if line.may_lose}
            if all(answers.get(i) is not None and i not in lost for i in formula["denominator"]):
                must_warn.add(line.row)
        if line.kind == "derived" and line.cells.get("typed"):
            must_warn.add(line.row)
    may_lose = {line.row for line in lines if line.may_lose}
    return Generated(workbook, layout_name, seed, chosen, answers, links, row_of, must_warn, may_lose)
