"""``manage.py portalrb_token <instansi code>`` rotates the token and prints it once."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from apps.portalrb.models import PortalRBToken
from apps.tenancy.scope import scope
from tests.conftest import World


def test_command_issues_and_rotates(world: World) -> None:
    out = StringIO()
    call_command("portalrb_token", "kemen-a", stdout=out, stderr=StringIO())
    first = out.getvalue().strip()
    assert first.startswith("zi_prb_")
    response = Client().get("/api/portalrb/pengusulan/unit-wbk", HTTP_AUTHORIZATION=f"Bearer {first}")
    assert response.status_code == 200
    assert response.json()["units"] == []
    out = StringIO()
    call_command("portalrb_token", "kemen-a", stdout=out, stderr=StringIO())
    second = out.getvalue().strip()
    assert second != first
    assert Client().get("/api/portalrb/pengusulan/unit-wbk", HTTP_AUTHORIZATION=f"Bearer {first}").status_code == 401
    with scope(world.instansi_a.pk):
        assert PortalRBToken.objects.filter(revoked_at__isnull=True).count() == 1
        assert PortalRBToken.objects.count() == 2


def test_command_unknown_instansi(world: World) -> None:
    with pytest.raises(CommandError):
        call_command("portalrb_token", "tidak-ada", stdout=StringIO())
    assert not PortalRBToken.unscoped.exists()
