"""Reading filled workbooks: the Lampiran III ``LKE ZI`` sheet found by its structure, typed-over
formulas, and every kind of bad input named by sheet, row and column — a row that is not understood
is listed and left out, the rest is read (issue 16)."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import load_workbook

from apps.lke.excel import WorkbookError, build_workbook, parse_workbook, score_summary, workbook_changes
from apps.lke.excel import messages as m
from apps.lke.excel import xlsx as xlsx_module
from apps.lke.excel.layout import WorkbookLayout, workbook_layout
from apps.lke.excel.text import shorten as short
from apps.lke.scoring import TemplateSpec, score
from tests.lke.workbooks import (
    NOT_XLSX,
    jawaban_from,
    lke_zi_workbook,
    other_workbook,
    sample_answers,
    zip_not_xlsx,
)


@pytest.fixture
def layout(lke_template) -> WorkbookLayout:
    return workbook_layout(lke_template.pk)


def _row_of(data: bytes, soal_text: str) -> int:
    """The row a question ended up on in a built workbook (rows are not fixed in Lampiran III)."""
    sheet = load_workbook(io.BytesIO(data)).active
    for row in sheet.iter_rows():
        if any(isinstance(cell.value, str) and cell.value.endswith(soal_text) for cell in row):
            return row[0].row
    raise AssertionError(soal_text)


def _save(data: bytes, edit) -> bytes:
    workbook = load_workbook(io.BytesIO(data))
    edit(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# -- Lampiran III: the happy path ------------------------------------------------------------------


def test_lampiran_iii_sheet_reads_every_answer_note_and_link(spec: TemplateSpec, layout: WorkbookLayout) -> None:
    answers = sample_answers(spec)
    data = lke_zi_workbook(
        spec, layout, answers, notes={1: "SK Kepala Unit No. 12/2026"}, evidence={1: "https://drive.go.id/sk-tim"}
    )
    parsed = parse_workbook(data, spec, layout)
    assert parsed.layout == "lke_zi"
    assert parsed.sheet == "LKE ZI"
    assert parsed.errors == []
    assert parsed.warnings == []
    assert parsed.answers() == {soal_id: answers.get(soal_id) for soal_id in spec.soal_by_id()}
    assert parsed.rows[1].note_unit == "SK Kepala Unit No. 12/2026"
    assert parsed.rows[1].evidence_unit == "https://drive.go.id/sk-tim"
    assert parsed.rows[1].excel_row == _row_of(data, layout.soal[1].text)
    assert parsed.rows[1].excel_row != layout.soal[1].row  # found by text, not by the master's row
    assert parsed.answers("tpi") == dict.fromkeys(spec.soal_by_id())
    assert parsed.exported_at is None


def test_two_counts_with_the_same_text_are_told_apart_by_their_order(spec, layout) -> None:
    # Soal 89 and 90 are both "Jumlah Perubahan yang dibuat", under two different percentages.
    answers = {**sample_answers(spec), 89: "7", 90: "9", 91: "4"}
    parsed = parse_workbook(lke_zi_workbook(spec, layout, answers), spec, layout)
    assert (parsed.rows[89].answer_unit, parsed.rows[90].answer_unit) == ("7", "9")
    assert parsed.rows[89].excel_row < parsed.rows[90].excel_row


def test_a_renamed_sheet_is_recognised_by_its_answer_types(spec, layout) -> None:
    data = lke_zi_workbook(spec, layout, sample_answers(spec), sheet_title="Sheet1")
    parsed = parse_workbook(data, spec, layout)
    assert (parsed.layout, parsed.sheet, parsed.errors) == ("lke_zi", "Sheet1", [])


def test_a_reworded_question_is_read_by_its_numbering_and_type_with_a_warning(spec, layout) -> None:
    reworded = "SOP yang ada sudah sepenuhnya berpedoman pada peta bisnis proses instansi"
    data = lke_zi_workbook(spec, layout, {**sample_answers(spec), 13: "B"}, texts={13: reworded})
    parsed = parse_workbook(data, spec, layout)
    assert parsed.errors == []
    assert parsed.rows[13].answer_unit == "B"
    expected = str(m.MATCHED_BY_POSITION).format(
        found=short(reworded), expected=short(layout.soal[13].text), soal_id=13
    )
    assert parsed.warnings == [(_row_of(data, reworded), expected)]


def test_tpi_columns_are_found_by_their_headers(spec, layout) -> None:
    data = lke_zi_workbook(spec, layout, {1: "Ya", 2: "A"})
    row = _row_of(data, layout.soal[1].text)

    def add_tpi(workbook):
        sheet = workbook.active
        sheet["P6"], sheet["Q6"] = "JAWABAN TPI", "CATATAN TPI"
        sheet[f"P{row}"], sheet[f"Q{row}"] = "Tidak", "SK belum ditandatangani"

    parsed = parse_workbook(_save(data, add_tpi), spec, layout)
    assert (parsed.rows[1].answer_unit, parsed.rows[1].answer_tpi) == ("Ya", "Tidak")
    assert parsed.rows[1].note_tpi == "SK belum ditandatangani"
    assert parsed.rows[2].answer_tpi is None


def test_files_paths_and_streams_are_all_accepted(spec, layout, tmp_path) -> None:
    data = lke_zi_workbook(spec, layout, {1: "Ya"})
    path = tmp_path / "lke.xlsx"
    path.write_bytes(data)
    assert parse_workbook(path, spec, layout).rows[1].answer_unit == "Ya"
    assert parse_workbook(str(path), spec, layout).rows[1].answer_unit == "Ya"
    assert parse_workbook(io.BytesIO(data), spec, layout).rows[1].answer_unit == "Ya"


# -- numbers typed over formulas: say so, score from the parts --------------------------------------


def test_a_typed_percentage_that_disagrees_is_a_warning_and_the_counts_decide(spec, layout) -> None:
    answers = sample_answers(spec)  # R.1.i.a is 7 of 10 agents = 70 %
    data = lke_zi_workbook(spec, layout, answers, typed_percent={"R.1.i.a": 0.9, "R.4.i.a": 75})
    parsed = parse_workbook(data, spec, layout)
    row = _row_of(data, layout.derived["R.1.i.a"].text)
    assert parsed.errors == []
    # 75 typed for 6 of 8 targets (75 %) agrees: no warning for R.4.i.a.
    assert parsed.warnings == [(row, str(m.TYPED_PERCENT_DISAGREES).format(column="K", typed="90%", computed="70%"))]
    assert score(spec, parsed.answers()).total == score(spec, answers).total


def test_a_typed_percentage_over_blank_counts_scores_nothing(spec, layout) -> None:
    answers = {**sample_answers(spec), 88: None, 89: None}
    data = lke_zi_workbook(spec, layout, answers, typed_percent={"R.1.i.a": "80%"})
    parsed = parse_workbook(data, spec, layout)
    row = _row_of(data, layout.derived["R.1.i.a"].text)
    assert parsed.warnings == [(row, str(m.TYPED_PERCENT_NO_PARTS).format(column="K", typed="80%"))]
    assert score(spec, parsed.answers()).item_values["derived:R.1.i.a"] is None


def test_a_typed_total_that_disagrees_with_its_parts_is_a_warning(spec, layout) -> None:
    answers = sample_answers(spec)  # LHKPN obliged: 1 + 5 + 2 = 8
    data = lke_zi_workbook(spec, layout, answers, typed_total={"R.5.iii.a": 12, "R.5.iii.b": 49})
    parsed = parse_workbook(data, spec, layout)
    sheet = load_workbook(io.BytesIO(data)).active
    total_row = next(r for r in range(1, sheet.max_row + 1) if sheet[f"K{r}"].value == 12)
    rows = ", ".join(str(parsed.rows[i].excel_row) for i in (113, 114, 115))
    message = str(m.TYPED_TOTAL_DISAGREES).format(column="K", typed="12", computed="8", rows=rows)
    assert parsed.warnings == [(total_row, message)]  # 49 = 3 + 6 + 40 agrees
    assert parsed.errors == []
    assert score(spec, parsed.answers()).total == score(spec, answers).total


# -- bad input: listed by sheet, row and column; that row is left out, the rest is read --------------


@pytest.mark.parametrize(
    ("soal_id", "typed", "found", "expected"),
    [
        (2, "D", "D", str(m.EXPECTED_OPTION).format(options="A, B, C")),
        (1, "Mungkin", "Mungkin", str(m.EXPECTED_OPTION).format(options="Ya, Tidak")),
        (125, 4.5, "4.5", str(m.EXPECTED_RANGE)),
        (127, "tiga", "tiga", str(m.EXPECTED_NUMBER)),
        (88, 2.5, "2.5", str(m.EXPECTED_WHOLE)),
        (113, -1, "-1", str(m.EXPECTED_WHOLE)),
    ],
)
def test_a_wrong_answer_is_listed_on_its_row_and_the_rest_is_read(
    spec, layout, soal_id, typed, found, expected
) -> None:
    answers = sample_answers(spec)
    data = lke_zi_workbook(spec, layout, answers, raw={soal_id: typed})
    parsed = parse_workbook(data, spec, layout)
    row = _row_of(data, layout.soal[soal_id].text)
    assert [(p.sheet, p.row, p.column, p.found, p.expected, p.soal_id) for p in parsed.problems] == [
        ("LKE ZI", row, "K", found, expected, soal_id)
    ]
    assert parsed.problems[0].message == str(m.WRONG_ANSWER)
    assert parsed.ok
    assert parsed.answers() == {i: (None if i == soal_id else answers.get(i)) for i in spec.soal_by_id()}
    summary = score_summary(parsed, spec)
    assert summary["total"] is not None
    assert [(p["row"], p["column"]) for p in summary["problems"]] == [(row, "K")]


def test_contradictory_counts_are_listed_on_the_larger_count_which_is_left_out(spec, layout) -> None:
    answers = {**sample_answers(spec), 116: "9"}  # 9 filed LHKPN, but only 1 + 5 + 2 = 8 are obliged
    data = lke_zi_workbook(spec, layout, answers)
    parsed = parse_workbook(data, spec, layout)
    rows = ", ".join(str(parsed.rows[i].excel_row) for i in (113, 114, 115))
    [problem] = parsed.problems
    assert (problem.row, problem.column, problem.found) == (parsed.rows[116].excel_row, "K", "9")
    assert problem.expected == str(m.EXPECTED_NOT_MORE).format(total="8", rows=rows)
    assert parsed.rows[116].answer_unit is None
    assert parsed.rows[113].answer_unit == "1"


def test_a_question_the_template_lacks_is_listed_and_everything_else_read(spec, layout) -> None:
    text = "Unit kerja memiliki maskot Zona Integritas"
    answers = sample_answers(spec)
    data = lke_zi_workbook(spec, layout, answers, extra_question=(2, "A/B/C", text))
    parsed = parse_workbook(data, spec, layout)
    [problem] = parsed.problems
    assert (problem.row, problem.column, problem.found) == (_row_of(data, text), "K", text)
    assert problem.message == str(m.ROW_NOT_UNDERSTOOD).format(template=layout.label)
    assert parsed.answers() == {i: answers.get(i) for i in spec.soal_by_id()}


def test_a_missing_question_is_listed_without_a_row(spec, layout) -> None:
    parsed = parse_workbook(lke_zi_workbook(spec, layout, sample_answers(spec), omit={3}), spec, layout)
    message = str(m.QUESTION_NOT_FOUND_LINE).format(text=short(layout.soal[3].text), soal_id=3)
    assert parsed.errors == [(None, message)]
    assert 3 not in parsed.rows
    assert parsed.rows[4].answer_unit == sample_answers(spec)[4]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (NOT_XLSX, "not_xlsx"),
        (b"", "not_xlsx"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512, "not_xlsx"),  # an old binary .xls
        (zip_not_xlsx(), "not_xlsx"),
        (other_workbook(), "unknown_layout"),
    ],
)
def test_a_file_that_is_no_lke_workbook_is_refused_as_a_whole(spec, layout, data: bytes, code: str) -> None:
    with pytest.raises(WorkbookError) as excinfo:
        parse_workbook(data, spec, layout)
    assert excinfo.value.code == code
    expected = m.NOT_XLSX if code == "not_xlsx" else m.UNKNOWN_LAYOUT
    if code == "not_xlsx":
        assert excinfo.value.messages == [str(expected)]
    else:
        assert excinfo.value.messages == [str(expected).format(sheets="Pegawai")]


def test_a_file_that_is_too_large_is_refused(spec, layout, monkeypatch) -> None:
    monkeypatch.setattr(xlsx_module, "MAX_BYTES", 1024)
    with pytest.raises(WorkbookError) as excinfo:
        parse_workbook(lke_zi_workbook(spec, layout, {}), spec, layout)
    assert excinfo.value.code == "too_large"


def test_a_sheet_without_any_lke_question_is_refused(spec, layout) -> None:
    def rename(workbook):
        workbook.active.title = "LKE ZI"

    data = _save(other_workbook(), rename)
    with pytest.raises(WorkbookError) as excinfo:
        parse_workbook(data, spec, layout)
    assert excinfo.value.messages == [str(m.NO_QUESTIONS_FOUND).format(sheet="LKE ZI")]


# -- the Jawaban layout: cells named by the master ---------------------------------------------------


def _export(spec, layout, answers=None) -> bytes:
    return build_workbook(spec, layout, jawaban_from(answers or sample_answers(spec)), title="A1")


def test_jawaban_with_a_wrong_key_names_the_row_and_column(spec, layout) -> None:
    def spoil(workbook):
        workbook["Jawaban"]["K6"] = "Mungkin"
        workbook["Jawaban"]["N7"] = "Z"

    parsed = parse_workbook(_save(_export(spec, layout), spoil), spec, layout)
    assert [(p.sheet, p.row, p.column, p.found, p.expected) for p in parsed.problems] == [
        ("Jawaban", 6, "K", "Mungkin", str(m.EXPECTED_OPTION).format(options="Ya, Tidak")),
        ("Jawaban", 7, "N", "Z", str(m.EXPECTED_OPTION).format(options="A, B, C")),
    ]
    assert parsed.rows[2].answer_unit == sample_answers(spec)[2]


def test_jawaban_typed_over_its_formulas_warns_and_scores_from_the_parts(spec, layout) -> None:
    answers = sample_answers(spec)

    def spoil(workbook):
        workbook["Jawaban"]["K125"] = 0.5  # the counts say 70 %
        workbook["Jawaban"]["K175"] = 99  # the counts say 8

    parsed = parse_workbook(_save(_export(spec, layout, answers), spoil), spec, layout)
    assert parsed.errors == []
    assert parsed.warnings == [
        (125, str(m.TYPED_PERCENT_DISAGREES).format(column="K", typed="50%", computed="70%")),
        (175, str(m.TYPED_TOTAL_DISAGREES).format(column="K", typed="99", computed="8", rows="176, 177, 178")),
    ]
    assert score(spec, parsed.answers()).total == score(spec, answers).total


def test_jawaban_answer_formula_without_a_saved_result_is_read_blank_with_a_warning(spec, layout) -> None:
    def spoil(workbook):
        workbook["Jawaban"]["K6"] = '=IF(1=1,"Ya","Tidak")'

    parsed = parse_workbook(_save(_export(spec, layout), spoil), spec, layout)
    assert parsed.rows[1].answer_unit is None
    assert parsed.warnings == [(6, str(m.FORMULA_WITHOUT_VALUE).format(column="K"))]


def test_jawaban_row_with_another_text_but_the_right_place_and_type_is_a_warning(spec, layout) -> None:
    def spoil(workbook):
        workbook["Jawaban"]["G9"] = "Jumlah kendaraan dinas"

    parsed = parse_workbook(_save(_export(spec, layout), spoil), spec, layout)
    expected = str(m.MATCHED_BY_POSITION).format(
        found="Jumlah kendaraan dinas", expected=short(layout.soal[3].text), soal_id=3
    )
    assert parsed.errors == []
    assert parsed.warnings == [(9, expected)]
    assert parsed.rows[3].answer_unit == sample_answers(spec)[3]


def test_jawaban_sheet_of_another_instrument_is_refused(spec, layout) -> None:
    def spoil(workbook):
        sheet = workbook["Jawaban"]
        for where in layout.soal.values():
            sheet[f"G{where.row}"] = f"Indikator lain {where.row}"

    with pytest.raises(WorkbookError) as excinfo:
        parse_workbook(_save(_export(spec, layout), spoil), spec, layout)
    assert excinfo.value.code == "unknown_layout"
    assert excinfo.value.messages[0].startswith(str(m.NOT_THIS_TEMPLATE).split("{")[0])


def test_jawaban_of_another_template_version_is_read_with_a_warning(spec, layout) -> None:
    def spoil(workbook):
        info = workbook[str(m.SHEET_INFO)]
        info["B2"] = "LKE 2025 v1"

    parsed = parse_workbook(_save(_export(spec, layout), spoil), spec, layout)
    assert parsed.warnings == [(None, str(m.OTHER_TEMPLATE).format(found="LKE 2025 v1", template=layout.label))]


def test_a_hyperlinked_evidence_cell_gives_its_address(spec, layout) -> None:
    def spoil(workbook):
        cell = workbook["Jawaban"]["M6"]
        cell.value = "SK tim"
        cell.hyperlink = "https://drive.go.id/sk"

    parsed = parse_workbook(_save(_export(spec, layout), spoil), spec, layout)
    assert parsed.rows[1].evidence_unit == "https://drive.go.id/sk"


# -- the preview: what would change ------------------------------------------------------------------


def test_changes_never_clear_and_flag_what_zi_changed_after_the_export(spec, layout) -> None:
    parsed = parse_workbook(_export(spec, layout, {1: "Ya", 2: "B", 3: None}), spec, layout)
    assert parsed.exported_at is not None
    current = {1: {"answer_unit": "Tidak"}, 2: {"answer_unit": "C"}, 3: {"answer_unit": "Ya"}}
    changed_at = {1: parsed.exported_at + timedelta(minutes=5), 2: parsed.exported_at - timedelta(days=1)}
    changes = workbook_changes(parsed, current, fields=["answer_unit"], changed_at=changed_at)
    assert [(c.soal_id, c.old, c.new, c.overwrites_newer) for c in changes] == [
        (1, "Tidak", "Ya", True),  # changed in ZI after the export: the page must ask
        (2, "C", "B", False),
    ]  # soal 3 is blank in the workbook: the answer ZI holds stays


def test_changes_from_a_workbook_without_export_time_treat_held_answers_as_newer(spec, layout) -> None:
    parsed = parse_workbook(lke_zi_workbook(spec, layout, {1: "Ya", 2: "A"}), spec, layout)
    changes = workbook_changes(parsed, {1: {"answer_unit": "Tidak"}}, fields=["answer_unit"])
    assert [(c.soal_id, c.overwrites_newer) for c in changes] == [(1, True), (2, False)]


def test_a_portalrb_style_jawaban_with_only_cut_labels_in_column_c_is_read_by_master_cells(spec, layout) -> None:
    """No soal ids, no numbering, no answer types: only a label cut short in column C and the answers
    in the master's cells. Position decides; nothing is refused, nothing is warned."""
    answers = sample_answers(spec)

    def strip(workbook):
        sheet = workbook["Jawaban"]
        for r in range(1, sheet.max_row + 1):
            label = sheet[f"G{r}"].value
            sheet[f"C{r}"] = label[:200][: max(20, len(label) // 2)] if isinstance(label, str) else None
            for col in "ABDEFGHIJ":
                sheet[f"{col}{r}"] = None

    parsed = parse_workbook(_save(_export(spec, layout, answers), strip), spec, layout)
    assert parsed.problems == []
    assert parsed.warnings == []
    assert parsed.answers() == {i: answers.get(i) for i in spec.soal_by_id()}
    assert parsed.rows[116].excel_row == layout.soal[116].row
