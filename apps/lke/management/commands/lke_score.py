"""python manage.py lke_score <workbook.xlsx> — score a filled LKE workbook and print JSON.

It reads either layout (the official ``Jawaban`` sheet or the Lampiran III ``LKE ZI`` sheet) with
the same import code the penilaian pages use, against the latest imported LKE template (the
PortalRB master is imported first when there is none). Rows it does not understand are listed
under ``problems`` (sheet, row, column, found, expected) and left out; the rest is scored. Only a
file that is not an LKE workbook at all (or ``--strict`` with problems) exits with status 1.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.lke.excel import WorkbookError, parse_workbook, score_summary, workbook_layout
from apps.lke.selectors import lke_template_latest, template_spec
from apps.lke.services import DEFAULT_MASTER, lke_import_file


class Command(BaseCommand):
    help = (
        "Score a filled LKE workbook (sheet 'Jawaban' or Lampiran III 'LKE ZI') and print JSON: pemenuhan, "
        "reform, pengungkit, hasil, total, per-area values of both halves, the predikat estimate with every "
        "check, answered/total beside every score, and the import's warnings and the rows it did not "
        "understand ('problems', left out of the scores). Numbers are exact decimal strings; the official "
        "form's two-decimal figures are under 'display'. Exits with status 1 when the file is not an LKE "
        "workbook (or, with --strict, when any row was not understood)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("workbook", help="path of the .xlsx file")
        parser.add_argument(
            "--tier",
            choices=["unit", "tpi"],
            default="unit",
            help="whose answers to score: the unit's (column K) or the TPI's (column N of 'Jawaban')",
        )
        parser.add_argument("--tahun", type=int, default=None, help="use the latest template of this year")
        parser.add_argument("--strict", action="store_true", help="exit with status 1 when any row was not understood")

    def handle(self, *args: Any, **options: Any) -> None:
        template = lke_template_latest(tahun=options["tahun"])
        if template is None:
            if options["tahun"] is not None:
                raise CommandError(f"No LKE template for {options['tahun']} is imported.")
            template = lke_import_file(DEFAULT_MASTER).template
        spec = template_spec(template.pk)
        path = Path(options["workbook"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            parsed = parse_workbook(path, spec, workbook_layout(template.pk))
        except WorkbookError as exc:
            document: dict[str, Any] = {"file": str(path), "errors": [{"row": None, "message": exc.messages[0]}]}
            self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))
            raise CommandError(exc.messages[0], returncode=1) from exc
        document = {
            "file": str(path),
            "template": f"LKE {template.tahun} v{template.version}",
            **score_summary(parsed, spec, tier=options["tier"]),
        }
        self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))
        if options["strict"] and document["problems"]:
            raise CommandError(f"{len(document['problems'])} row(s) of the workbook were not understood.", returncode=1)
