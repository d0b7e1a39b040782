"""``lke_score``: either layout in, JSON out — the same numbers as the scoring engine, the predikat
estimate with every check, and a non-zero exit with no scores when the workbook has errors."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from apps.lke.excel import build_workbook, workbook_layout
from apps.lke.excel import messages as m
from apps.lke.excel.summary import decimal_text
from apps.lke.models import LKETemplate
from apps.lke.scoring import estimate, predikat_estimate, score
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
    estimates = estimate(spec, result)
    return {
        "pemenuhan": decimal_text(result.pemenuhan),
        "reform": decimal_text(result.reform),
        "pengungkit": decimal_text(result.pengungkit),
        "hasil": decimal_text(result.hasil),
        "total": decimal_text(result.total),
        "areas": {
            half: {str(area): decimal_text(node.points) for area, node in by_area.items()}
            for half, by_area in result.areas.items()
        },
        "predikat": predikat_estimate(estimates),
    }


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
    assert document["errors"] == []
    assert document["warnings"] == []
    assert {key: document[key] for key in expected_document(spec, answers)} == expected_document(spec, answers)
    # LibreOffice shows 64.71686… for this set in the exported workbook (test_excel_export).
    assert document["total"] == "64.7169"
    assert Decimal(document["pengungkit"]) + Decimal(document["hasil"]) == Decimal(document["total"])
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
        "value": "64.7169",
        "minimum": "75.0000",
        "gap": "10.2831",
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
    assert document["total"] == "64.7169"


def test_errors_exit_non_zero_and_print_no_scores(spec, lke_template, tmp_path) -> None:
    layout = workbook_layout(lke_template.pk)
    path = tmp_path / "lke.xlsx"
    path.write_bytes(lke_zi_workbook(spec, layout, sample_answers(spec), raw={2: "D"}))
    document, code = run(path)
    assert code == 1
    assert document["total"] is None
    assert document["predikat"] is None
    assert [e["message"] for e in document["errors"]] == [
        str(m.UNKNOWN_OPTION).format(column="K", value="D", options="A, B, C")
    ]
    assert isinstance(document["errors"][0]["row"], int)


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
