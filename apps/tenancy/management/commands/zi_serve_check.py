"""``manage.py zi_serve_check``: prove that this database serves the application as ``zi_app``.

Loads a real page as a member of an instansi and runs the checks the apps above register
(``apps.core.hooks.register_serve_check``; portalrb: a PortalRB call with a token issued for the
check), through the whole middleware stack (so under row-level security, as the application runs),
inside one transaction that is rolled back: the database is left exactly as it was. ``make restore``
runs it on the restored database (docs/operations.md "Restore"); a restore whose grants are missing
fails here with PostgreSQL's "permission denied".
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test import Client
from django.urls import reverse

from apps.core.hooks import serve_checks
from apps.tenancy import rls
from apps.tenancy.models import Membership
from apps.tenancy.roles import MFA_REQUIRED_ROLES


class Command(BaseCommand):
    help = "Load a page and make the registered calls (PortalRB) as zi_app against this database (rolled back)."

    def handle(self, *args: Any, **options: Any) -> None:
        if not rls.enabled():
            raise CommandError("ZI_DB_RLS is off (or the database is not PostgreSQL): nothing runs as zi_app.")
        host = next((h.lstrip(".") for h in settings.ALLOWED_HOSTS if h != "*"), "localhost")
        client = Client(SERVER_NAME=host, secure=settings.ZI_HTTPS, raise_request_exception=False)
        member = (
            Membership.objects.select_related("user", "instansi")
            .filter(is_active=True, user__is_active=True, instansi__isnull=False)
            .exclude(role__in=list(MFA_REQUIRED_ROLES))
            .order_by("pk")
            .first()
        )
        if member is None:
            raise CommandError("No active member of an instansi without MFA to load a page as.")
        try:
            with transaction.atomic():
                self._check(client, member)
                transaction.set_rollback(True)
        except CommandError:
            raise
        except Exception as exc:
            raise CommandError(f"serving as {rls.APP_ROLE} failed: {type(exc).__name__}: {exc}") from exc

    def _check(self, client: Client, member: Membership) -> None:
        client.force_login(member.user)
        page = client.get(reverse("core:dashboard"))
        if page.status_code != 200:
            raise CommandError(f"the dashboard of {member.user.email} answered {page.status_code}, not 200.")
        client.logout()
        served = [f"the dashboard of {member.user.email} (200)"]
        served += [check(client, member) for check in serve_checks().values()]
        self.stdout.write(f"As {rls.APP_ROLE}: {' and '.join(served)} served; nothing was kept.")
