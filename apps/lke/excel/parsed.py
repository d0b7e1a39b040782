"""What reading a workbook gives: the answers per soal, the problems and warnings."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from django.core.exceptions import ValidationError

from apps.lke.excel import messages as m

Layout = Literal["jawaban", "lke_zi"]
Tier = Literal["unit", "tpi"]
Message = tuple[int | None, str]

FIELDS = ("answer_unit", "note_unit", "evidence_unit", "answer_tpi", "note_tpi")


class WorkbookError(ValidationError):
    """The file as a whole cannot be read (not an xlsx, too large, not an LKE workbook)."""


@dataclass(frozen=True)
class Problem:
    """A row (or soal) that was not understood: listed in the preview, never a reason to refuse the rest."""

    sheet: str
    row: int | None
    column: str | None
    found: str
    expected: str
    message: str
    soal_id: int | None = None

    def text(self) -> str:
        if self.row is None:
            return self.message
        line = str(m.PROBLEM_LINE).format(
            sheet=self.sheet, row=self.row, column=self.column or "—", found=self.found, expected=self.expected
        )
        return f"{line} {self.message}"


@dataclass(frozen=True)
class ParsedRow:
    """One soal as the workbook answers it (answers normalised; blanks are None)."""

    excel_row: int
    answer_unit: str | None = None
    note_unit: str | None = None
    evidence_unit: str | None = None
    answer_tpi: str | None = None
    note_tpi: str | None = None
    links: tuple[str, ...] = ()  # every web address found for the unit, in order
    answer_column: str | None = None
    evidence_column: str | None = None


@dataclass
class ParsedWorkbook:
    layout: Layout
    sheet: str
    rows: dict[int, ParsedRow]
    warnings: list[Message] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    exported_at: datetime | None = None
    template_label: str = ""

    @property
    def ok(self) -> bool:
        """Something could be read (problems only leave their rows out)."""
        return bool(self.rows)

    @property
    def errors(self) -> list[Message]:
        """The problems as ``(row, text)``, rows first in sheet order."""
        return [(p.row, p.text()) for p in self.problems]

    def answers(self, tier: Tier = "unit") -> dict[int, str | None]:
        """``{soal_id: answer}`` of one tier, as ``scoring.score`` takes it."""
        attr = "answer_unit" if tier == "unit" else "answer_tpi"
        return {soal_id: getattr(row, attr) for soal_id, row in self.rows.items()}
