"""python manage.py lke_import [master.json] — import the PortalRB master (idempotent)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.lke.services import DEFAULT_MASTER, MasterError, lke_import_file


class Command(BaseCommand):
    help = "Import the PortalRB master soal LKE ZI JSON as a versioned LKE template."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("master", nargs="?", default=str(DEFAULT_MASTER), help="path of the master JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = lke_import_file(Path(options["master"]))
        except MasterError as exc:
            raise CommandError(str(exc)) from exc
        template = result.template
        verb = "imported" if result.created else "already imported, nothing changed:"
        self.stdout.write(f"LKE {template.tahun} v{template.version} {verb} ({template.total_soal} soal)")
