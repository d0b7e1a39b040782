"""``lke_score``: either layout in, JSON out — the same numbers as the scoring engine, the predikat
estimate with every check (a range while incomplete), exact decimals beside the form's rounded
figures, rows not understood listed (and left out) — a non-zero exit only for a file that is no LKE."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from apps.lke.excel import build_workbook, workbook_layout
from apps.lke.excel import messages as m
from apps.lke.excel.summary import display_text, exact_text
from apps.lke.models import LKETemplate
from apps.lke.scoring import score
from tests.lke.corpus import generate
from tests.lke.workbooks import NOT_XLSX, jawaban_from, lke_zi_workbook, sample_answers, tpi_answers


def run(path: Path, *args: str) -> tuple[dict, int]:
    out = io.StringIO()
    try:
        call_command("lke_score", str(path), *args, stdout=out)
        code = 0
    except CommandError as exc:
        code = exc.returncode
    return json.loads(out.getvalue()), code


def expected_document(spec, answers) -> dict:
    result = score(spec, answers)
    return {
        "pemenuhan": exact_text(result.pemenuhan),
        "reform": exact_text(result.reform),
        "pengungkit": exact_text(result.pengungkit),
        "hasil": exact_text(result.hasil),
        "total": exact_text(result.total),
        "areas": {
            half: {str(area): exact_text(node.points) for area, node in by_area.items()}
            for half, by_area in result.areas.items()
        },
        "predikat": None,  # sample_answers leaves soal blank: no single predikat
    }


SAMPLE_TOTAL = "64.71686139455782312925170068"  # LibreOffice shows 64.71686… (test_excel_export)


@pytest.mark.parametrize("layout_name", ["lke_zi", "jawaban"])
def test_prints_the_engine_scores_for_both_layouts(spec, lke_template, tmp_path, layout_name) -> None:
    layout = workbook_layout(lke_template.pk)
    answers = sample_answers(spec)
    if layout_name == "lke_zi":
        data = lke_zi_workbook(spec, layout, answers)
    else:
        data = build_workbook(spec, layout, jawaban_from(answers, tpi_answers(spec)), title="A1")
    path = tmp_path / "lke.xlsx"
    path.write_bytes(data)
    document, code = run(path)
    assert code == 0
    assert document["layout"] == layout_name
    assert document["template"] == "LKE 2026 v1"
    assert document["problems"] == []
    assert document["warnings"] == []
    assert {key: document[key] for key in expected_document(spec, answers)} == expected_document(spec, answers)
    assert document["total"] == SAMPLE_TOTAL
    assert len(document["total"].split(".")[1]) >= 10  # exact, not rounded
    assert document["display"]["total"] == "64.72"
    assert document["display"]["areas"]["reform"]["1"] == display_text(Decimal(document["areas"]["reform"]["1"]))
    assert Decimal(document["pengungkit"]) + Decimal(document["hasil"]) == Decimal(document["total"])
    # 4 soal are blank: the counts say so, and the estimate is a range, not one predikat.
    assert document["completeness"]["total"] == {"answered": 123, "total": 127}
    assert document["estimate"]["complete"] is False
    low, high = document["estimate"]["if_blank_zero"], document["estimate"]["if_blank_full"]
    assert Decimal(low["total"]) <= Decimal(document["total"]) <= Decimal(high["total"])
    assert set(document["areas"]["pemenuhan"]) == set(document["areas"]["reform"]) == {"1", "2", "3", "4", "5", "6"}


def test_every_predikat_check_is_listed_with_value_minimum_and_gap(spec, lke_template, tmp_path) -> None:
    layout = workbook_layout(lke_template.pk)
    path = tmp_path / "lke.xlsx"
    path.write_bytes(lke_zi_workbook(spec, layout, sample_answers(spec)))
    document, _ = run(path)
    assert document["predikat"] is None
    wbk, wbbm = document["estimates"]
    assert (wbk["predikat"], wbbm["predikat"]) == ("WBK", "WBBM")
    total = next(check for check in wbk["checks"] if check["code"] == "total")
    assert total == {
        "code": "total",
        "label": "Total nilai evaluasi",
        "value": SAMPLE_TOTAL,
        "minimum": "75",
        "gap": "10.28313860544217687074829932",
        "passed": False,
    }
    assert len(wbk["checks"]) == 6 + 12  # six single rules + every area of both halves


def test_scores_the_tpi_answers_on_request(spec, lke_template, tmp_path) -> None:
    layout = workbook_layout(lke_template.pk)
    path = tmp_path / "lke.xlsx"
    path.write_bytes(build_workbook(spec, layout, jawaban_from(sample_answers(spec), tpi_answers(spec)), title="A1"))
    document, code = run(path, "--tier", "tpi")
    assert code == 0
    assert document["tier"] == "tpi"
    assert document["total"] == expected_document(spec, tpi_answers(spec))["total"]


def test_reports_warnings_for_typed_over_formulas_and_still_scores(spec, lke_template, tmp_path) -> None:
    layout = workbook_layout(lke_template.pk)
    path = tmp_path / "lke.xlsx"
    path.write_bytes(lke_zi_workbook(spec, layout, sample_answers(spec), typed_percent={"R.1.i.a": 0.9}))
    document, code = run(path)
    assert code == 0
    assert [w["message"] for w in document["warnings"]] == [
        str(m.TYPED_PERCENT_DISAGREES).format(column="K", typed="90%", computed="70%")
    ]
    assert document["total"] == SAMPLE_TOTAL


def test_rows_not_understood_are_listed_and_the_rest_is_scored(spec, lke_template, tmp_path) -> None:
    layout = workbook_layout(lke_template.pk)
    path = tmp_path / "lke.xlsx"
    answers = sample_answers(spec)
    path.write_bytes(lke_zi_workbook(spec, layout, answers, raw={2: "D"}))
    document, code = run(path)
    assert code == 0
    assert document["total"] == exact_text(score(spec, {**answers, 2: None}).total)
    [problem] = document["problems"]
    assert (problem["sheet"], problem["column"], problem["found"], problem["soal_id"]) == ("LKE ZI", "K", "D", 2)
    assert problem["expected"] == str(m.EXPECTED_OPTION).format(options="A, B, C")
    assert isinstance(problem["row"], int)
    _, strict = run(path, "--strict")
    assert strict == 1


def test_an_incomplete_workbook_gets_a_range_never_one_predikat(spec, lke_template, tmp_path) -> None:
    layout = workbook_layout(lke_template.pk)
    full = {
        i: (next(iter(s.options)) if s.options else "4" if s.answer_type == "NILAI_0_4" else "10")
        for i, s in spec.soal_by_id().items()
    }
    full[102], full[103] = "5", "0"
    answered = dict(sorted(full.items())[:57])  # 57 of 127, all at full marks
    path = tmp_path / "lke.xlsx"
    path.write_bytes(lke_zi_workbook(spec, layout, answered))
    document, _ = run(path)
    assert document["completeness"]["total"] == {"answered": 57, "total": 127}
    assert document["predikat"] is None
    assert document["estimate"]["if_blank_full"]["predikat"] == "WBBM"
    assert document["estimate"]["if_blank_zero"]["predikat"] is None
    assert Decimal(document["estimate"]["if_blank_zero"]["total"]) < Decimal(document["total"])


def test_a_file_that_is_not_xlsx_exits_non_zero_with_the_reason(lke_template, tmp_path) -> None:
    path = tmp_path / "lke.csv"
    path.write_bytes(NOT_XLSX)
    document, code = run(path)
    assert code == 1
    assert document["errors"] == [{"row": None, "message": str(m.NOT_XLSX)}]


def test_imports_the_master_when_no_template_exists(db, tmp_path) -> None:
    assert not LKETemplate.objects.exists()
    path = tmp_path / "kosong.xlsx"
    path.write_bytes(NOT_XLSX)
    run(path)
    assert LKETemplate.objects.count() == 1


def test_a_jawaban_workbook_with_labels_cut_in_column_c_is_scored(spec, lke_template, tmp_path) -> None:
    """PortalRB-style sheets hold the question in column C, cut at 200 characters (issue 16)."""
    layout = workbook_layout(lke_template.pk)
    answers = sample_answers(spec)
    data = build_workbook(spec, layout, jawaban_from(answers), title="A1")
    book = load_workbook(io.BytesIO(data))
    sheet = book["Jawaban"]
    for where in layout.soal.values():
        sheet[f"C{where.row}"] = where.text[:200][: max(20, len(where.text) // 2)]
        sheet[f"G{where.row}"] = None
        sheet[f"A{where.row}"] = None
    path = tmp_path / "jawaban.xlsx"
    book.save(path)
    document, code = run(path)
    assert code == 0
    assert document["problems"] == []
    assert document["total"] == exact_text(score(spec, answers).total)


def test_a_real_lampiran_iii_with_short_count_labels_and_a_wrong_total_scores_from_the_parts(
    spec, lke_template, tmp_path
) -> None:
    layout = workbook_layout(lke_template.pk)
    generated = generate(spec, layout, 7, layout_name="lke_zi", mutations=("typed_totals",), real_world=True)
    sheet = generated.workbook.active
    assert sheet[f"G{generated.row_of[115]}"].value == "- Lainnya"
    assert sheet[f"G{generated.row_of[116]}"].value == "Jumlah yang sudah melaporkan"
    path = tmp_path / "lampiran-iii.xlsx"
    generated.workbook.save(path)
    document, code = run(path)
    assert code == 0
    assert document["problems"] == []
    assert document["total"] == exact_text(score(spec, generated.answers).total)
    warned = {w["row"] for w in document["warnings"]}
    assert generated.must_warn
    assert generated.must_warn <= warned
    prefix = str(m.TYPED_TOTAL_DISAGREES).split("{")[0]
    assert {w["row"] for w in document["warnings"] if w["message"].startswith(prefix)} == generated.must_warn
