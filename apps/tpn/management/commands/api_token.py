"""``manage.py api_token <email> [--name NAME]``: issue a personal /api/v1/ token to a national user
and print it once (it is stored only as a hash)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.accounts.models import User
from apps.core.errors import DomainError
from apps.tpn.services import api_token_issue


class Command(BaseCommand):
    help = "Issue a personal API token (/api/v1/) to a KemenPANRB or TPN account and print it once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--name", default="manage.py api_token")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(email__iexact=options["email"]).first()
        if user is None:
            raise CommandError(f"No user with email {options['email']}.")
        try:
            issued = api_token_issue(user=user, name=options["name"])
        except DomainError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(issued.raw)
