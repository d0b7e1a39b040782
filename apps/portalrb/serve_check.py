"""PortalRB's part of ``manage.py zi_serve_check`` (registered in ``PortalRBConfig.ready``): after a
restore, a PortalRB call with a token issued for the check must be served as ``zi_app`` too."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from apps.portalrb.services import portalrb_token_issue
from apps.tenancy.models import Membership
from apps.tenancy.scope import scope


def portalrb_serve_check(client: Client, member: Membership) -> str:
    """Issue a token for the member's instansi and fetch ``unit-wbk`` with it (the command rolls
    the token back with everything else)."""
    instansi = member.instansi
    if instansi is None:
        raise CommandError(f"{member.user.email} is a national member: no instansi to issue a token for.")
    with scope(instansi.pk):
        issued = portalrb_token_issue(instansi=instansi, actor=None)
    api = client.get(reverse("portalrb_api:unit-wbk"), HTTP_AUTHORIZATION=f"Bearer {issued.raw}")
    if api.status_code != 200 or "tahun" not in api.json():
        raise CommandError(f"PortalRB unit-wbk answered {api.status_code}: {api.content[:200]!r}")
    return f"PortalRB unit-wbk for {instansi.code} ({api.status_code})"
