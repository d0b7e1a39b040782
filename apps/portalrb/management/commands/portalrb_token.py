"""``manage.py portalrb_token <instansi code>``: issue (rotate) the instansi's PortalRB token and
print it once. For set-up and tests; the admin ZI normally does this on the PortalRB page."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.portalrb.services import portalrb_token_issue
from apps.tenancy.models import Instansi
from apps.tenancy.scope import scope


class Command(BaseCommand):
    help = "Issue a new PortalRB token for an instansi (revoking the old one) and print it once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("instansi_code")

    def handle(self, *args: Any, **options: Any) -> None:
        instansi = Instansi.objects.filter(code=options["instansi_code"]).first()
        if instansi is None:
            raise CommandError(f"No instansi with code {options['instansi_code']!r}.")
        with scope(instansi.pk):
            issued = portalrb_token_issue(instansi=instansi, actor=None)
        # Only the token on stdout, so scripts can capture it: TOKEN=$(manage.py portalrb_token kode)
        self.stdout.write(issued.raw)
        self.stderr.write(f"PortalRB token for {instansi.code} issued (prefix {issued.token.prefix}); shown only once.")
