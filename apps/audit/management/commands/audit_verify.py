"""``manage.py audit_verify``: walk every instansi's audit chain and name the first broken row.

Exit status 0 when every chain verifies, 1 (CommandError) when one does not. On success each
chain's length and head hash are printed: keep them (e.g. in the backup manifest or a ticket) — a
later run whose chain is shorter or whose earlier head is missing shows rows cut off the end.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.audit.verify import ChainBreak, verify_all
from apps.tenancy.models import Instansi


class Command(BaseCommand):
    help = "Verify the hash chain of the audit trail; print the first broken row of each chain."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--instansi", help="Only this instansi (its code).")

    def handle(self, *args: Any, **options: Any) -> None:
        instansi_ids = None
        if options["instansi"]:
            try:
                instansi_ids = [Instansi.objects.get(code=options["instansi"]).pk]
            except Instansi.DoesNotExist as exc:
                raise CommandError(f"No instansi with code {options['instansi']!r}.") from exc
        codes = dict(Instansi.objects.values_list("pk", "code"))
        broken = 0
        for result in verify_all(instansi_ids):
            code = codes.get(result.instansi_id, result.instansi_id)
            if isinstance(result, ChainBreak):
                broken += 1
                self.stderr.write(
                    f"BROKEN instansi={code} seq={result.seq} id={result.event_id} "
                    f"public_id={result.public_id}: {result.reason}"
                )
            else:
                self.stdout.write(f"ok instansi={code} rows={result.length} head={result.head_hash}")
        if broken:
            raise CommandError(f"{broken} audit chain(s) broken.")
        self.stdout.write(self.style.SUCCESS("Audit trail verified."))
