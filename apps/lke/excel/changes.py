"""What importing a parsed workbook would change, for the preview before the confirmation.

Pure data in, pure data out: the penilaian import page passes the answers ZI holds now (and when
each was last changed); the page shows the list and applies only after the user confirms.

Rules (issue: "never silently overwrite newer answers"):
* a blank cell never clears an answer ZI holds — the workbook only adds and changes;
* a change over a value that ZI changed after the workbook was exported (or, for a workbook without
  an export time such as a Lampiran III sheet, over any value ZI already holds) is flagged
  ``overwrites_newer`` so the page can ask for it explicitly.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from apps.lke.excel.parsed import FIELDS, ParsedWorkbook


@dataclass(frozen=True)
class Change:
    soal_id: int
    excel_row: int
    field: str
    old: str | None
    new: str
    overwrites_newer: bool


def workbook_changes(
    parsed: ParsedWorkbook,
    current: Mapping[int, Mapping[str, str | None]],
    *,
    fields: Iterable[str] = FIELDS,
    changed_at: Mapping[int, datetime] | None = None,
) -> list[Change]:
    """Every field the workbook would set to a different value, in sheet order.

    ``current`` is ``{soal_id: {field: value}}`` as ZI holds it; ``changed_at`` is
    ``{soal_id: last change in ZI}`` (omit it to treat every held value as possibly newer).
    """
    changes: list[Change] = []
    wanted = tuple(fields)
    for soal_id, row in sorted(parsed.rows.items(), key=lambda item: item[1].excel_row):
        held = current.get(soal_id, {})
        for name in wanted:
            new = getattr(row, name)
            old = held.get(name) or None
            if new is None or new == old:
                continue
            if old is None:
                newer = False
            elif parsed.exported_at is None or changed_at is None or soal_id not in changed_at:
                newer = True
            else:
                newer = changed_at[soal_id] > parsed.exported_at
            changes.append(Change(soal_id, row.excel_row, name, old, new, newer))
    return changes
