"""Messages of the LKE workbook import and export (module constants, so tests can compare them).

Row-level messages never repeat the row: they travel as ``(row_number, message)`` and the page or
the command puts the row in front. Placeholders are filled with ``str.format`` after translation.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# -- the whole file ---------------------------------------------------------------------------------
NOT_XLSX = _("This file is not an Excel workbook (.xlsx). Save it in Excel as “Excel Workbook (*.xlsx)” and try again.")
TOO_LARGE = _("The workbook is larger than {limit} MB.")
UNKNOWN_LAYOUT = _(
    "This workbook has neither a “Jawaban” sheet nor an “LKE ZI” sheet (Lampiran III), so it is not an LKE "
    "workbook ZI can read. Sheets found: {sheets}."
)
NOT_THIS_TEMPLATE = _(
    "The “Jawaban” sheet does not match {template}: {count} question rows hold other questions. Export a "
    "fresh workbook from ZI and fill that one."
)
NO_QUESTIONS_FOUND = _(
    "No LKE question was recognised in the sheet “{sheet}”. The rows must keep the numbering and the "
    "question texts of the LKE (A., I., 1., i., a.)."
)
OTHER_TEMPLATE = _("The workbook was exported from {found}; it was read as {template}.")

# -- one row ----------------------------------------------------------------------------------------
MATCHED_BY_POSITION = _(
    "The question text differs from the template (“{found}”); it was read as “{expected}” (soal {soal_id}) "
    "from its numbering and answer type."
)
FORMULA_WITHOUT_VALUE = _(
    "Column {column} holds a formula whose result is not saved in the file; it was read as blank. Open the "
    "workbook in Excel and save it again."
)
TYPED_PERCENT_DISAGREES = _(
    "Column {column}: the percentage typed here ({typed}) disagrees with the counts below it ({computed}); "
    "the score uses the counts."
)
TYPED_PERCENT_NO_PARTS = _(
    "Column {column}: a percentage ({typed}) is typed here but the counts below it are blank; the item is "
    "not scored until they are filled."
)
TYPED_TOTAL_DISAGREES = _(
    "Column {column}: the total typed here ({typed}) disagrees with the sum of its parts ({computed}, rows "
    "{rows}); the score uses the parts."
)

# -- what the exported workbook says ---------------------------------------------------------------
SHEET_INFO = _("Info")
HEADER_ID = _("Soal ID")
HEADER_NUMBER = _("No")
HEADER_ITEM = _("Component / indicator")
HEADER_WEIGHT = _("Weight")
HEADER_CRITERIA = _("Criteria")
HEADER_TYPE = _("Answer type")
HEADER_ANSWER_UNIT = _("Unit answer")
HEADER_NOTE_UNIT = _("Unit note")
HEADER_EVIDENCE_UNIT = _("Evidence")
HEADER_ANSWER_TPI = _("TPI answer")
HEADER_NOTE_TPI = _("TPI note")
HEADER_VALUE_UNIT = _("Value (unit)")
HEADER_VALUE_TPI = _("Value (TPI)")
HEADER_PERCENT_UNIT = _("% (unit)")
HEADER_PERCENT_TPI = _("% (TPI)")
TOTAL_OBLIGED = _("Total obliged (sum of the counts below)")
TOTAL_SCORE = _("NILAI EVALUASI ZONA INTEGRITAS (Pengungkit + Hasil)")
INFO_TITLE = _("Title")
INFO_TEMPLATE = _("LKE template")
INFO_EXPORTED_AT = _("Exported at")
INFO_HOW = _(
    "Fill the unit answer (K), note (L) and evidence link (M); TPI fills N and Q. Percentages and scores "
    "are formulas: do not type over them."
)

# -- rows not understood (issue 16: listed, never a reason to refuse the whole workbook) -----------
PROBLEM_LINE = _("Sheet “{sheet}”, row {row}, column {column}: found “{found}”, expected {expected}.")
ROW_NOT_UNDERSTOOD = _("This row holds an answer but no question of {template} stands at this place in the tree.")
EXPECTED_OPTION = _("one of {options}")
EXPECTED_WHOLE = _("a whole number of 0 or more")
EXPECTED_NUMBER = _("a number")
EXPECTED_RANGE = _("a number between 0 and 4")
EXPECTED_QUESTION = _("a question of {template} at this place (after “{previous}”)")
EXPECTED_NOT_MORE = _("at most {total} (the total of rows {rows})")
WRONG_ANSWER = _("The answer could not be read; this soal's answer was not imported.")
CONTRADICTION_SKIPPED = _("The counts contradict each other; this count was not imported.")
QUESTION_NOT_FOUND_LINE = _("Soal {soal_id} (“{text}”) was not found in the sheet; it stays as it is in ZI.")
FORMULA_EVALUATED = _(
    "Column {column} holds a formula whose result is not saved in the file; ZI computed it ({value})."
)
MORE_LINKS = _("Further evidence links")
