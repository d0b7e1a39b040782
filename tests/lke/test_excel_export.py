"""The exported ``Jawaban`` workbook: the master's cells, a lossless round trip, and formulas that a real
spreadsheet engine (LibreOffice, headless) recalculates to exactly the scores of ``scoring.score``."""

from __future__ import annotations

import io
import random
import shutil
import subprocess
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from apps.lke.excel import build_workbook, parse_workbook, tree_rows, workbook_layout
from apps.lke.excel.export import COL_VALUE_TPI, COL_VALUE_UNIT
from apps.lke.excel.export_lke_zi import build_lke_zi_workbook, relaid_rows, total_row_of
from apps.lke.models import Soal
from apps.lke.scoring import ScoreResult, TemplateSpec, contradictions, score
from tests.lke.workbooks import jawaban_from, sample_answers, tpi_answers

D = Decimal


def full_marks(spec: TemplateSpec) -> dict[int, str | None]:
    answers: dict[int, str | None] = {}
    for soal_id, soal in spec.soal_by_id().items():
        answers[soal_id] = (
            next(iter(soal.options)) if soal.options else "4" if soal.answer_type == "NILAI_0_4" else "10"
        )
    answers[102], answers[103] = "5", "0"
    answers[116] = answers[120] = "30"
    return answers


def random_answers(spec: TemplateSpec, seed: int) -> dict[int, str | None]:
    """Options, blanks, survey values and counts drawn at random (counts may contradict: Excel and
    the engine both cap a ratio at 1, so the scores must still agree)."""
    rng = random.Random(seed)
    answers: dict[int, str | None] = {}
    for soal_id, soal in spec.soal_by_id().items():
        if rng.random() < 0.15:
            answers[soal_id] = None
        elif soal.options:
            answers[soal_id] = rng.choice(list(soal.options))
        elif soal.answer_type == "NILAI_0_4":
            answers[soal_id] = str(D(rng.randint(0, 400)) / 100)
        else:
            answers[soal_id] = str(rng.choice([0, 0, 1, 2, 3, 5, 8, 13, 40]))
    return answers


def test_every_soal_sits_at_its_master_row_in_the_master_columns(spec, lke_template) -> None:
    layout = workbook_layout(lke_template.pk)
    answers = {
        1: {
            "answer_unit": "Ya",
            "note_unit": "SK tim",
            "evidence_unit": "https://drive/1",
            "answer_tpi": "Tidak",
            "note_tpi": "SK belum ditandatangani",
        },
        88: {"answer_unit": "12"},
        125: {"answer_unit": "3.6"},
    }
    sheet = load_workbook(io.BytesIO(build_workbook(spec, layout, answers, title="Unit A1 2026")))["Jawaban"]
    assert [sheet[f"{c}6"].value for c in "KLMNQ"] == [
        "Ya",
        "SK tim",
        "https://drive/1",
        "Tidak",
        "SK belum ditandatangani",
    ]
    assert sheet["A6"].value == 1
    assert sheet["K126"].value == 12  # a count is a number in Excel, not text
    assert sheet["K199"].value == 3.6
    for soal_id, where in layout.soal.items():
        assert sheet[f"A{where.row}"].value == soal_id
    for code, derived in layout.derived.items():
        assert sheet[f"A{derived.row}"].value == code
        assert str(sheet[f"K{derived.row}"].value).startswith("=IF(COUNT(")
    # The tree: node rows carry their weights; the sum of the roots is the full 100.
    rows = tree_rows(spec, layout)
    assert [(r.row, r.label, r.weight) for r in rows[:3]] == [
        (2, "PENGUNGKIT", 60),
        (3, "PEMENUHAN", 30),
        (4, "MANAJEMEN PERUBAHAN", 4),
    ]
    total_row = rows[-1].row + 2
    assert sheet[f"H{total_row}"].value == 100


def test_round_trip_gives_the_same_answers_notes_and_scores(spec, lke_template) -> None:
    layout = workbook_layout(lke_template.pk)
    unit, tpi = sample_answers(spec), tpi_answers(spec)
    exported = build_workbook(spec, layout, jawaban_from(unit, tpi), title="Direktorat Pelayanan A1 — 2026")
    parsed = parse_workbook(exported, spec, layout)
    assert parsed.layout == "jawaban"
    assert parsed.errors == []
    assert parsed.warnings == []
    assert parsed.exported_at is not None
    assert parsed.template_label == layout.label
    assert parsed.answers("unit") == {soal_id: unit.get(soal_id) for soal_id in spec.soal_by_id()}
    assert parsed.answers("tpi") == {soal_id: tpi.get(soal_id) for soal_id in spec.soal_by_id()}
    assert parsed.rows[1].note_unit == "Catatan unit 1"
    assert parsed.rows[1].evidence_unit == "https://drive.example.go.id/bukti/1"
    assert parsed.rows[1].note_tpi == "Catatan TPI 1"
    assert parsed.rows[1].excel_row == 6
    assert score(spec, parsed.answers("unit")).total == score(spec, unit).total
    assert score(spec, parsed.answers("tpi")).total == score(spec, tpi).total


def test_soal_rows_or_nothing_stand_in_for_the_layout(spec, lke_template) -> None:
    soal_rows = Soal.objects.filter(template=lke_template)
    exported = build_workbook(spec, soal_rows, jawaban_from({1: "Ya"}), title="x")
    assert parse_workbook(exported, spec).answers()[1] == "Ya"


# -- recalculated by a real spreadsheet engine -----------------------------------------------------


def _recalculate(paths: list[Path], out_dir: Path, profile: Path) -> None:
    """One LibreOffice run recalculates every file (it computes formulas without saved results on
    load) and saves them with the results cached, as Excel would."""
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is needed: run scripts/ensure_libreoffice.sh (make test does)"
    command = [
        soffice,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--convert-to",
        "xlsx",
        "--outdir",
        str(out_dir),
        *map(str, paths),
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=180)  # noqa: S603  # fixed argv, our own files


def _two(value: Decimal) -> Decimal:
    return value.quantize(D("0.01"), rounding=ROUND_HALF_UP)


def _assert_same(cell_value: Any, expected: Decimal, where: str) -> None:
    assert isinstance(cell_value, int | float), f"{where}: {cell_value!r} is not a number"
    got = Decimal(repr(cell_value))
    assert abs(got - expected) < D("1e-9"), f"{where}: workbook {got} ≠ engine {expected}"
    assert _two(got) == _two(expected), where


def _compare(
    sheet: Any,
    spec: TemplateSpec,
    layout: Any,
    result: ScoreResult,
    value_col: str,
    label: str,
    rows: list[Any] | None = None,
    total_row: int | None = None,
) -> None:
    rows = rows if rows is not None else tree_rows(spec, layout)
    for row in rows:
        if row.kind == "node" and row.node is not None:
            _assert_same(
                sheet[f"{value_col}{row.row}"].value, result.nodes[row.node.node_id].points, f"{label} {row.label}"
            )
        elif row.kind == "derived" and row.derived is not None:
            expected = result.item_values[f"derived:{row.derived.code}"]
            cached = sheet[f"{value_col}{row.row}"].value
            if expected is None:
                assert cached in (None, ""), f"{label} {row.derived.code}: {cached!r} should be blank"
            else:
                _assert_same(cached, expected, f"{label} {row.derived.code}")
    total = sheet[f"{value_col}{total_row or rows[-1].row + 2}"].value
    _assert_same(total, result.total, f"{label} total")
    node_rows = {r.node.node_id: r.row for r in rows if r.kind == "node" and r.node is not None}
    halves = {n.half: n for n in spec.nodes() if n.level == "sub_komponen" and n.half}
    _assert_same(
        sheet[f"{value_col}{node_rows[halves['pemenuhan'].node_id]}"].value, result.pemenuhan, f"{label} pemenuhan"
    )
    _assert_same(sheet[f"{value_col}{node_rows[halves['reform'].node_id]}"].value, result.reform, f"{label} reform")
    for half, by_area in result.areas.items():
        for area, node_score in by_area.items():
            _assert_same(
                sheet[f"{value_col}{node_rows[node_score.node_id]}"].value,
                node_score.points,
                f"{label} {half} area {area}",
            )


def test_libreoffice_shows_the_same_scores_as_the_engine(spec, lke_template, tmp_path: Path) -> None:
    layout = workbook_layout(lke_template.pk)
    scenarios = {
        "sample": (sample_answers(spec), tpi_answers(spec)),
        "full-and-blank": (full_marks(spec), {}),
        "random-1": (random_answers(spec, 1), random_answers(spec, 2)),
        "random-2": (random_answers(spec, 3), random_answers(spec, 4)),
    }
    paths = []
    for name, (unit, tpi) in scenarios.items():
        path = tmp_path / f"{name}.xlsx"
        path.write_bytes(build_workbook(spec, layout, jawaban_from(unit, tpi), title=name))
        paths.append(path)
    out_dir = tmp_path / "recalculated"
    _recalculate(paths, out_dir, tmp_path / "lo-profile")

    for name, (unit, tpi) in scenarios.items():
        recalculated = (out_dir / f"{name}.xlsx").read_bytes()
        sheet = load_workbook(io.BytesIO(recalculated), data_only=True)["Jawaban"]
        unit_result, tpi_result = score(spec, unit), score(spec, tpi)
        _compare(sheet, spec, layout, unit_result, COL_VALUE_UNIT, f"{name}/unit")
        _compare(sheet, spec, layout, tpi_result, COL_VALUE_TPI, f"{name}/tpi")
        # The file saved by the spreadsheet application still imports to the same answers.
        parsed = parse_workbook(recalculated, spec, layout)
        # Random counts may contradict: each is listed on its row and left out, the rest is read.
        for tier, answers in (("unit", unit), ("tpi", tpi)):
            dropped = {soal_id for soal_id, _ in contradictions(spec, answers)}
            expected = {i: (None if i in dropped else answers.get(i)) for i in spec.soal_by_id()}
            assert parsed.answers(tier) == expected, name
        assert parsed.warnings == [], name
        expected_errors = len(contradictions(spec, unit)) + len(contradictions(spec, tpi))
        assert len(parsed.problems) == expected_errors, name
    assert contradictions(spec, sample_answers(spec)) == []
    assert score(spec, full_marks(spec)).total == D(100)
    assert score(spec, sample_answers(spec)).total != score(spec, tpi_answers(spec)).total


@pytest.mark.parametrize("tier_answers", [{}, {1: "Ya"}])
def test_nothing_answered_exports_blank_answer_cells(spec, lke_template, tier_answers: dict[int, str]) -> None:
    layout = workbook_layout(lke_template.pk)
    sheet = load_workbook(io.BytesIO(build_workbook(spec, layout, jawaban_from(tier_answers), title="x")))["Jawaban"]
    filled = {soal_id for soal_id, where in layout.soal.items() if sheet[f"K{where.row}"].value is not None}
    assert filled == set(tier_answers)


# -- the Lampiran III layout: exported, read back, recalculated -------------------------------------


def test_lampiran_iii_export_round_trips_answers_notes_and_links(spec, lke_template) -> None:
    layout = workbook_layout(lke_template.pk)
    unit, tpi = sample_answers(spec), tpi_answers(spec)
    data = build_lke_zi_workbook(spec, layout, jawaban_from(unit, tpi), title="A1 2026", unit_name="Direktorat A1")
    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames[0] == "LKE ZI"
    assert book["LKE ZI"]["B4"].value == "Unit Kerja : Direktorat A1"
    parsed = parse_workbook(data, spec, layout)
    assert parsed.layout == "lke_zi"
    assert parsed.problems == []
    assert parsed.warnings == []
    assert parsed.answers("unit") == {i: unit.get(i) for i in spec.soal_by_id()}
    assert parsed.answers("tpi") == {i: tpi.get(i) for i in spec.soal_by_id()}
    assert parsed.rows[1].note_unit == "Catatan unit 1"
    assert parsed.rows[1].evidence_unit == "https://drive.example.go.id/bukti/1"
    assert parsed.rows[1].note_tpi == "Catatan TPI 1"
    assert parsed.exported_at is not None
    assert parsed.rows[1].excel_row != layout.soal[1].row  # its own rows, not the Jawaban sheet's


@pytest.mark.parametrize("builder", ["jawaban", "lke_zi"])
def test_random_answers_round_trip_through_both_layouts(spec, lke_template, builder) -> None:
    layout = workbook_layout(lke_template.pk)
    for seed in range(5):
        unit = random_answers(spec, 100 + seed)
        for soal_id, _ in contradictions(spec, unit):
            unit[soal_id] = None  # ZI never holds contradicting counts
        build = build_workbook if builder == "jawaban" else build_lke_zi_workbook
        parsed = parse_workbook(build(spec, layout, jawaban_from(unit), title="x"), spec, layout)
        assert parsed.problems == []
        assert parsed.answers() == {i: unit.get(i) for i in spec.soal_by_id()}, seed


def test_libreoffice_recalculates_the_lampiran_iii_export_to_the_engine(spec, lke_template, tmp_path: Path) -> None:
    layout = workbook_layout(lke_template.pk)
    scenarios = {
        "sample": (sample_answers(spec), tpi_answers(spec)),
        "full-and-blank": (full_marks(spec), {}),
        "random": (random_answers(spec, 5), random_answers(spec, 6)),
    }
    paths = []
    for name, (unit, tpi) in scenarios.items():
        path = tmp_path / f"{name}.xlsx"
        path.write_bytes(build_lke_zi_workbook(spec, layout, jawaban_from(unit, tpi), title=name))
        paths.append(path)
    out_dir = tmp_path / "recalculated"
    _recalculate(paths, out_dir, tmp_path / "lo-profile")
    rows = relaid_rows(spec, layout)
    total_row = total_row_of(spec, layout)
    for name, (unit, tpi) in scenarios.items():
        recalculated = (out_dir / f"{name}.xlsx").read_bytes()
        sheet = load_workbook(io.BytesIO(recalculated), data_only=True)["LKE ZI"]
        _compare(sheet, spec, layout, score(spec, unit), "L", f"{name}/unit", rows, total_row)
        _compare(sheet, spec, layout, score(spec, tpi), "R", f"{name}/tpi", rows, total_row)
        # Percentages are computed in the answer column itself (K, P) from the counts below them.
        for row in rows:
            if row.kind == "derived" and row.derived is not None:
                expected = score(spec, unit).item_values[f"derived:{row.derived.code}"]
                if expected is not None:
                    _assert_same(sheet[f"K{row.row}"].value, expected, f"{name} K{row.row}")
