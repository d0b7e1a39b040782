"""The national token page and the instansi's pengusulan page showing the TPN results."""

from __future__ import annotations

import re
from io import StringIO

from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from apps.tpn.models import ApiToken
from apps.tpn.services import tpn_result_record
from tests.tpn.conftest import TPNWorld

TOKENS = "/tpn/token-api/"


def test_instansi_page_shows_tpn_results_only_to_its_own(tpn: TPNWorld, login) -> None:
    tpn_result_record(
        actor=tpn.actor(tpn.tina),
        pengusulan=tpn.prb.wbk,
        stage="administrasi",
        outcome="tidak_lulus",
        notes="SPTJM-belum-ada-7731",
    )
    url = reverse("pengusulan:pengusulan-detail", kwargs={"public_id": tpn.prb.wbk.public_id})
    page = login(tpn.world.citra).get(url)
    assert page.status_code == 200
    assert "SPTJM-belum-ada-7731" in page.content.decode()
    assert login(tpn.world.dodi).get(url).status_code == 404


def test_token_page_create_shows_once_and_revoke(tpn: TPNWorld, login) -> None:
    client = login(tpn.tina)
    assert client.get(TOKENS).status_code == 200
    bad = client.post(TOKENS, {"name": ""})
    assert bad.status_code == 422
    assert ApiToken.objects.filter(user=tpn.tina).count() == 1
    created = client.post(TOKENS, {"name": "laptop"})
    token = ApiToken.objects.get(user=tpn.tina, name="laptop")
    assert token.prefix in created.content.decode()
    assert "zi_tpn_" in created.content.decode()
    assert client.get(reverse("tpn:token-revoke", kwargs={"public_id": token.public_id})).status_code == 405
    # Another national user cannot revoke it (404), the owner can.
    other = login(tpn.kemal).post(reverse("tpn:token-revoke", kwargs={"public_id": token.public_id}))
    assert other.status_code == 404
    client.post(reverse("tpn:token-revoke", kwargs={"public_id": token.public_id}))
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_token_page_is_for_national_users_only(tpn: TPNWorld, login) -> None:
    assert login(tpn.world.citra).get(TOKENS).status_code == 403
    assert login(tpn.world.evi).post(TOKENS, {"name": "x"}).status_code == 403
    assert not ApiToken.objects.filter(user__in=[tpn.world.citra, tpn.world.evi]).exists()


def test_api_token_command_prints_a_working_token(tpn: TPNWorld) -> None:
    out = StringIO()
    call_command("api_token", tpn.kemal.email, stdout=out)
    raw = out.getvalue().strip()
    assert raw.startswith("zi_tpn_")
    assert Client().get("/api/v1/pengusulan/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


def test_the_token_pages_show_how_to_use_a_token(tpn: TPNWorld, login) -> None:
    """Issue 21: the page read "Authorization: Bearer '" (the <token> swallowed as a tag)."""
    client = login(tpn.tina)
    listing = client.get(TOKENS).content.decode()
    assert "Authorization: Bearer zi_…" in listing
    assert "Bearer '" not in listing
    created = client.post(TOKENS, {"name": "skrip"}).content.decode()
    usage = re.search(r'data-testid="token-usage">([^<]*)<', created).group(1)
    assert re.fullmatch(r'curl -H "Authorization: Bearer zi_tpn_[^"]+" http://testserver/api/v1/pengusulan/', usage)
