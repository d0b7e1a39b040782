"""Create a national user, or the first ZI administrator of an instansi, and print an invitation link.

For set-up and demos, when nobody can invite yet::

    manage.py zi_create_user evaluator@menpan.go.id --name "Tim TPN" --role tpn_evaluator
    manage.py zi_create_user admin@kemenkeu.go.id --name "Admin ZI" --instansi kemenkeu --role admin_zi

The person opens the printed link, chooses a password and logs in (then enrols two-factor
authentication, which every role created here requires). No email is sent.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from apps.accounts.services import membership_bootstrap
from apps.accounts.tokens import invitation_url
from apps.tenancy.models import Instansi
from apps.tenancy.roles import NATIONAL_ROLES, Role

ALLOWED_ROLES = sorted([*NATIONAL_ROLES, Role.ADMIN_ZI])


class Command(BaseCommand):
    help = (
        "Create a national user (kemenpanrb_admin, tpn_evaluator) or an instansi's admin_zi; print an invitation link."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("email")
        parser.add_argument("--name", default="", help="Full name (kept when the account already exists).")
        parser.add_argument("--role", required=True, choices=ALLOWED_ROLES)
        parser.add_argument("--instansi", help="Instansi code; required for admin_zi, refused for national roles.")

    def handle(self, *args: Any, **options: Any) -> None:
        role: str = options["role"]
        instansi = None
        if options["instansi"]:
            instansi = Instansi.objects.filter(code=options["instansi"]).first()
            if instansi is None:
                raise CommandError(f"No instansi with code {options['instansi']!r}.")
        try:
            membership = membership_bootstrap(
                email=options["email"], name=options["name"], role=role, instansi=instansi
            )
        except ValidationError as exc:
            raise CommandError("; ".join(str(message) for message in exc.messages)) from exc
        user = membership.user
        where = instansi.name if instansi else "national"
        self.stdout.write(self.style.SUCCESS(f"{user.email}: {membership.get_role_display()} ({where})"))
        if user.has_usable_password():
            self.stdout.write("This account already has a password; the person logs in as usual.")
        else:
            self.stdout.write(
                f"Invitation link (valid once, expires with PASSWORD_RESET_TIMEOUT):\n{invitation_url(user)}"
            )
