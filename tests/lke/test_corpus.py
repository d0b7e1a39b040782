"""The generated corpus (``tests/lke/corpus.py``): ≥ 200 workbooks per run, both layouts, each
spoiled by a random set of real-world mutations. Every one must import to the same answers and
evidence links as the unspoiled original — or name the exact row where it could not (issue 16)."""

from __future__ import annotations

import os
import random
import time

import pytest

from apps.lke.excel import WorkbookError, parse_workbook, workbook_layout
from tests.lke.corpus import generate
from tests.lke.corpus_mutations import MUTATIONS

COUNT = int(os.environ.get("ZI_CORPUS_COUNT", "200"))
BASE_SEED = int(os.environ.get("ZI_CORPUS_SEED", "16000"))


def check(spec, layout, generated, *, through_bytes: bool) -> list[str]:
    """What is wrong with one generated workbook's import (empty when all is well)."""
    seed = generated.seed
    source = generated.as_bytes() if through_bytes else generated.workbook
    parsed = parse_workbook(source, spec, layout)
    named = {row for row, _ in parsed.warnings if row is not None} | {p.row for p in parsed.problems if p.row}
    where = f"seed {seed} ({generated.layout_name}; {', '.join(generated.mutations)})"
    wrong: list[str] = []
    if parsed.layout != generated.layout_name:
        wrong.append(f"{where}: read as {parsed.layout}")
    for problem in parsed.problems:
        wrong.append(f"{where}: unexpected problem {problem.text()}")
    for soal_id, original in generated.answers.items():
        row = generated.row_of[soal_id]
        read = parsed.rows.get(soal_id)
        got = read.answer_unit if read is not None else None
        if read is not None and read.excel_row != row:
            wrong.append(f"{where}: soal {soal_id} read from row {read.excel_row}, it stands on row {row}")
        if got != original and row not in named:
            wrong.append(f"{where}: soal {soal_id} row {row}: {got!r} instead of {original!r}, no warning")
        links = list(read.links) if read is not None else []
        if links != generated.links[soal_id] and row not in named:
            wrong.append(f"{where}: soal {soal_id} row {row}: links {links} instead of {generated.links[soal_id]}")
    for row in sorted(generated.must_warn - named):
        wrong.append(f"{where}: row {row} was spoiled but no warning names it")
    return wrong


def test_every_generated_workbook_imports_the_same_answers_or_names_the_row(spec, lke_template) -> None:
    layout = workbook_layout(lke_template.pk)
    started = time.monotonic()
    wrong: list[str] = []
    seen_mutations: set[str] = set()
    layouts: set[str] = set()
    for offset in range(COUNT):
        generated = generate(spec, layout, BASE_SEED + offset)
        wrong.extend(check(spec, layout, generated, through_bytes=offset % 20 == 0))
        seen_mutations.update(generated.mutations)
        layouts.add(generated.layout_name)
    assert wrong == [], "\n".join(wrong[:40])
    assert seen_mutations == set(MUTATIONS)  # every kind of spoiling was exercised
    assert layouts == {"jawaban", "lke_zi"}
    assert time.monotonic() - started < 120


@pytest.mark.parametrize("layout_name", ["jawaban", "lke_zi"])
def test_an_unspoiled_generated_workbook_reads_back_exactly(spec, lke_template, layout_name) -> None:
    layout = workbook_layout(lke_template.pk)
    for seed in range(3):
        generated = generate(spec, layout, seed, layout_name=layout_name, mutations=())
        parsed = parse_workbook(generated.as_bytes(), spec, layout)
        assert parsed.problems == []
        assert parsed.warnings == []
        assert parsed.answers() == generated.answers
        assert {i: list(r.links) for i, r in parsed.rows.items()} == generated.links


JUNK = [None, "x", 3.5, "=A1+", "=SUM(Z1:Z9)", "=K5/0", "Ya/Tidak", "a.", "-", "%", 10**12, "https://x.id/a b", "1e400"]


def test_a_brutally_damaged_workbook_is_read_or_refused_never_a_crash(spec, lke_template) -> None:
    """Cells overwritten with junk and blocks of rows deleted: the reader returns what it understood
    (with problems) or refuses the file as not an LKE — it never raises anything else."""
    layout = workbook_layout(lke_template.pk)
    rng = random.Random(BASE_SEED)
    outcomes: set[str] = set()
    for offset in range(40):
        generated = generate(spec, layout, BASE_SEED + offset)
        sheet = generated.workbook.active
        for _ in range(rng.randint(5, 80)):
            cell = sheet.cell(rng.randint(1, sheet.max_row), rng.randint(1, 20))
            if type(cell).__name__ != "MergedCell":
                cell.value = rng.choice(JUNK)
        if offset % 3 == 0:
            sheet.delete_rows(rng.randint(1, sheet.max_row), rng.randint(20, 150))
        try:
            parsed = parse_workbook(generated.workbook, spec, layout)
        except WorkbookError as exc:
            outcomes.add(f"refused:{exc.code}")
        else:
            assert parsed.rows
            outcomes.add("read")
    assert "read" in outcomes
    assert outcomes <= {"read", "refused:unknown_layout"}
