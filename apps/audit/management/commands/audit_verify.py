"""``manage.py audit_verify``: walk every instansi's audit chain and name the first broken row.

Needs the audit key (``AUDIT_KEY``/``AUDIT_KEY_FILE``; see ``apps.audit.key``): the hashes are
HMACs that the database alone cannot recompute. Exit status 0 when every chain verifies, 1
(CommandError) when one does not. On success each chain's length and head hash are printed; the
daily digest (apps/audit/digest.py) keeps them outside the database, and ``--digest FILE`` checks
that a recorded head is still in its chain (rows cut off the end).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.audit.digest import digest_check
from apps.audit.key import AuditKeyMissing
from apps.audit.verify import ChainBreak, verify_all
from apps.tenancy.models import Instansi


class Command(BaseCommand):
    help = "Verify the hash chain of the audit trail; print the first broken row of each chain."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--instansi", help="Only this instansi (its code).")
        parser.add_argument(
            "--digest",
            help="A daily head digest (audit-heads-<day>.json): also check every recorded head is still there.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        instansi_ids = None
        if options["instansi"]:
            try:
                instansi_ids = [Instansi.objects.get(code=options["instansi"]).pk]
            except Instansi.DoesNotExist as exc:
                raise CommandError(f"No instansi with code {options['instansi']!r}.") from exc
        codes = dict(Instansi.objects.values_list("pk", "code"))
        broken = 0
        try:
            results = verify_all(instansi_ids)
        except AuditKeyMissing as exc:
            raise CommandError(str(exc)) from exc
        for result in results:
            code = codes.get(result.instansi_id, result.instansi_id)
            if isinstance(result, ChainBreak):
                broken += 1
                self.stderr.write(
                    f"BROKEN instansi={code} seq={result.seq} id={result.event_id} "
                    f"public_id={result.public_id}: {result.reason}"
                )
            else:
                self.stdout.write(f"ok instansi={code} rows={result.length} head={result.head_hash}")
        if options["digest"]:
            try:
                document = json.loads(Path(options["digest"]).read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise CommandError(f"Cannot read the digest {options['digest']}: {exc}") from exc
            for problem in digest_check(document):
                broken += 1
                self.stderr.write(f"DIGEST {problem}")
        if broken:
            raise CommandError(f"{broken} audit chain(s) broken.")
        self.stdout.write(self.style.SUCCESS("Audit trail verified."))
