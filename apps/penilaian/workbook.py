"""The official LKE workbook of a penilaian: the answers to export, and the preview of an import
(what it would change, the rows left out and why). No writes: ``services`` applies the rows the
person confirms."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext_lazy as _

from apps.lke.excel import workbook_changes
from apps.lke.excel.parsed import Problem
from apps.lke.models import Soal
from apps.lke.scoring import (
    contradictions,
)
from apps.penilaian.models import (
    Jawaban,
    Penilaian,
    Tier,
)
from apps.penilaian.pages.worksheet import formula_inputs
from apps.penilaian.sections import (
    section_of_soal,
)
from apps.penilaian.selectors import area_assignments, penilaian_spec, unit_returns, unit_rows
from apps.penilaian.services.answers import CONTRADICTION, unit_edit_refusal
from apps.tenancy.models import Membership

IMPORT_FIELDS = ("answer_unit", "note_unit", "evidence_unit")
FIELD_LABELS = {
    "answer_unit": _("Answer"),
    "note_unit": _("Note"),
    "evidence_unit": _("Evidence link"),
}
EVIDENCE_NOT_A_LINK = _("Column {column}: “{value}” is not a web link; the evidence column of this row was ignored.")
IMPORT_ROW_REFUSED = _("Soal {soal_id}: {reason}")


def workbook_answers(*, penilaian: Penilaian) -> dict[int, dict[str, str | None]]:
    """What the official workbook carries per soal: the unit's answer, note and evidence link, and
    the answer and note of the most advanced TPI tier that has answered (one query)."""
    rows = Jawaban.objects.filter(instansi_id=penilaian.instansi_id, penilaian=penilaian).values_list(
        "tier", "level", "soal__portalrb_soal_id", "answer", "note", "evidence_link"
    )
    unit: dict[int, tuple[str | None, str, str]] = {}
    tpi: dict[int, dict[int, tuple[str | None, str]]] = defaultdict(dict)
    for tier, level, soal_id, answer, note, link in rows:
        if tier == Tier.UNIT:
            unit[soal_id] = (answer, note, link)
        elif tier == Tier.TPI:
            tpi[level][soal_id] = (answer, note)
    latest = tpi[max(tpi)] if tpi else {}
    answers: dict[int, dict[str, str | None]] = {}
    for soal_id in {*unit, *latest}:
        answer, note, link = unit.get(soal_id, (None, "", ""))
        tpi_answer, tpi_note = latest.get(soal_id, (None, ""))
        answers[soal_id] = {
            "answer_unit": answer,
            "note_unit": note or None,
            "evidence_unit": link or None,
            "answer_tpi": tpi_answer,
            "note_tpi": tpi_note or None,
        }
    return answers


@dataclass
class ImportFieldChange:
    label: str
    old: str | None
    new: str


@dataclass
class ImportRowView:
    """One soal the workbook would change: what changes, and whether ZI's answer is newer than
    the workbook (then it is replaced only when the person ticks it)."""

    soal: Soal
    excel_row: int
    fields: list[ImportFieldChange]
    newer: bool
    answer: str | None
    note: str
    evidence_link: str
    version: int


@dataclass
class ImportPreview:
    """What the import would change, the warnings, and every row that was not understood or may not
    be changed (``problems``: left out of the import, never a reason to refuse the rest)."""

    rows: list[ImportRowView]
    problems: list[Any]  # apps.lke.excel.parse.Problem
    warnings: list[tuple[int | None, str]]
    exported_at: datetime.datetime | None
    sheet: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.rows)

    @property
    def errors(self) -> list[tuple[int | None, str]]:
        return [(p.row, p.text()) for p in self.problems]


def _is_link(value: str) -> bool:
    if len(value) > 500:
        return False
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        return False
    return True


def workbook_preview(*, actor: Membership, penilaian: Penilaian, parsed: Any) -> ImportPreview:
    """What importing a parsed workbook would change in the unit's answers (``ParsedWorkbook`` of
    ``apps.lke.excel``). Only the unit's columns are read. A blank cell never clears an answer.
    Problems by sheet, row and column — the workbook's own rows not understood, items the member may
    not change now, and numbers that would contradict each other once merged with what ZI holds —
    are listed and left out; everything else can still be imported (issue 16)."""
    spec = penilaian_spec(penilaian)
    rows = unit_rows(penilaian=penilaian)
    returns = unit_returns(penilaian=penilaian)
    assignments = area_assignments(penilaian=penilaian)
    current = {
        soal_id: {"answer_unit": row.answer, "note_unit": row.note or None, "evidence_unit": row.evidence_link or None}
        for soal_id, row in rows.items()
    }
    changed_at = {soal_id: row.updated_at for soal_id, row in rows.items() if row.version > 0}
    changes = workbook_changes(parsed, current, fields=IMPORT_FIELDS, changed_at=changed_at)
    problems: list[Problem] = list(parsed.problems)
    warnings: list[tuple[int | None, str]] = list(parsed.warnings)
    by_soal: dict[int, list[Any]] = defaultdict(list)
    for change in changes:
        if change.field == "evidence_unit" and not _is_link(change.new):
            read = parsed.rows.get(change.soal_id)
            column = (read.evidence_column if read is not None else None) or "—"
            warnings.append((change.excel_row, EVIDENCE_NOT_A_LINK.format(column=column, value=change.new[:80])))
            continue
        by_soal[change.soal_id].append(change)
    soal_rows = {
        s.portalrb_soal_id: s
        for s in Soal.objects.filter(
            template_id=penilaian.template_id, portalrb_soal_id__in=list(by_soal)
        ).select_related("node")
    }
    sections = section_of_soal(spec)
    merged = {soal_id: row.answer for soal_id, row in rows.items()}
    previews: list[ImportRowView] = []
    left_out: set[int] = set()
    for soal_id, items in by_soal.items():
        row = rows.get(soal_id)
        new = {c.field: c.new for c in items}
        preview = ImportRowView(
            soal=soal_rows[soal_id],
            excel_row=items[0].excel_row,
            fields=[ImportFieldChange(str(FIELD_LABELS[c.field]), c.old, c.new) for c in items],
            newer=any(c.overwrites_newer for c in items),
            answer=new.get("answer_unit", row.answer if row else None),
            note=new.get("note_unit", row.note if row else ""),
            evidence_link=new.get("evidence_unit", row.evidence_link if row else ""),
            version=row.version if row else 0,
        )
        merged[soal_id] = preview.answer
        area = sections[soal_id].area
        refusal = unit_edit_refusal(
            actor=actor,
            penilaian=penilaian,
            area=area,
            returned=soal_id in returns,
            area_assignees={a.assignee_id for a in assignments if a.area == area},
        )
        if refusal is not None:
            message = IMPORT_ROW_REFUSED.format(soal_id=soal_id, reason=refusal)
            problems.append(_row_problem(parsed, soal_id, preview.excel_row, message))
            left_out.add(soal_id)
        previews.append(preview)
    excel_rows = {soal_id: row.excel_row for soal_id, row in parsed.rows.items()}
    formulas = {d.code: d.formula for d in spec.derived()}
    for soal_id, code in contradictions(spec, merged):
        # Only contradictions this workbook causes; one already in ZI is not the import's fault.
        # Every changed input of that percentage is left out, so what ZI holds stays consistent.
        changed = [i for i in formula_inputs(formulas[code]) if i in by_soal]
        if changed:
            message = str(CONTRADICTION % {"code": code})
            problems.append(_row_problem(parsed, soal_id, excel_rows.get(soal_id), message))
            left_out.update(changed)
    problems.sort(key=lambda p: (p.row is not None, p.row or 0, p.column or ""))
    previews = sorted((p for p in previews if p.soal.portalrb_soal_id not in left_out), key=lambda p: p.excel_row)
    return ImportPreview(
        rows=previews, problems=problems, warnings=warnings, exported_at=parsed.exported_at, sheet=parsed.sheet
    )


def _row_problem(parsed: Any, soal_id: int, excel_row: int | None, message: str) -> Any:
    """A soal the import leaves out, as a problem of its workbook row (the unit's answer column)."""
    read = parsed.rows.get(soal_id)
    found = (read.answer_unit if read is not None else None) or "—"
    return Problem(parsed.sheet, excel_row, read.answer_column if read else None, found, "—", message, soal_id)
