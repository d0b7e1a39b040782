"""The public signing page (issue 18): it never shows the NIP it asks the signer to type, and NIP
attempts are throttled per link and per address (``apps.core.throttle``)."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from apps.pencanangan import services
from apps.pencanangan.models import PaktaIntegritas
from apps.tenancy.models import Membership
from tests.pencanangan.conftest import PaktaWorld


def _link(pakta: PaktaWorld, in_scope, index: int) -> str:
    with in_scope(pakta.world.instansi_a):
        new = services.signing_link_create(
            actor=Membership.objects.get(user=pakta.world.ani), pegawai=pakta.pegawai[index], cycle=pakta.cycle
        )
    return reverse("pakta-public:sign", args=[new.token])


def test_the_signing_page_shows_no_nip(pakta: PaktaWorld, in_scope, client: Client) -> None:
    target = pakta.pegawai[3]
    html = client.get(_link(pakta, in_scope, 3)).content.decode()
    assert target.name in html  # it is their page
    assert target.nip not in html
    assert "(NIP Anda)" in html  # where the pact's text names the NIP


def test_nip_attempts_are_throttled_per_link(pakta: PaktaWorld, in_scope, client: Client, settings) -> None:
    settings.ZI_PAKTA_NIP_RATE_LINK = "3/h"
    target = pakta.pegawai[3]
    url = _link(pakta, in_scope, 3)
    for _attempt in range(3):
        assert client.post(url, {"confirm": "on", "nip": "123"}).status_code == 400
    # The fourth guess, even the right NIP, is refused on this link.
    refused = client.post(url, {"confirm": "on", "nip": target.nip})
    assert refused.status_code == 429
    assert "Terlalu banyak percobaan" in refused.content.decode()
    assert not PaktaIntegritas.unscoped.exists()
    # Another link (another signer) from another address is not affected.
    other = Client(REMOTE_ADDR="10.0.0.9")
    assert other.post(_link(pakta, in_scope, 4), {"confirm": "on", "nip": pakta.pegawai[4].nip}).status_code == 302


def test_nip_attempts_are_throttled_per_address(pakta: PaktaWorld, in_scope, settings) -> None:
    settings.ZI_PAKTA_NIP_RATE_ADDRESS = "4/h"
    guesser = Client(REMOTE_ADDR="10.0.0.7")
    urls = [_link(pakta, in_scope, index) for index in (3, 4, 5)]
    codes = [guesser.post(url, {"confirm": "on", "nip": "123"}).status_code for url in urls + urls[:2]]
    assert codes == [400, 400, 400, 400, 429]
    # The right NIP from this address is refused too while the window lasts; elsewhere it signs.
    assert guesser.post(urls[2], {"confirm": "on", "nip": pakta.pegawai[5].nip}).status_code == 429
    elsewhere = Client(REMOTE_ADDR="10.0.0.8")
    assert elsewhere.post(urls[2], {"confirm": "on", "nip": pakta.pegawai[5].nip}).status_code == 302


def test_signatures_from_one_address_are_not_throttled(pakta: PaktaWorld, in_scope, settings) -> None:
    """A signing ceremony behind one office NAT: only failed attempts count per address."""
    settings.ZI_PAKTA_NIP_RATE_ADDRESS = "2/h"
    office = Client(REMOTE_ADDR="10.0.0.20")
    signed = [
        office.post(_link(pakta, in_scope, index), {"confirm": "on", "nip": pakta.pegawai[index].nip}).status_code
        for index in (3, 4, 5)
    ]
    assert signed == [302, 302, 302]
    assert PaktaIntegritas.unscoped.count() == 3


def test_a_signed_pact_still_holds_the_nip(pakta: PaktaWorld, in_scope, client: Client) -> None:
    # The page hides the NIP; the signature records it.
    url = _link(pakta, in_scope, 3)
    assert client.post(url, {"confirm": "on", "nip": pakta.pegawai[3].nip}).status_code == 302
    assert PaktaIntegritas.unscoped.get().nip == pakta.pegawai[3].nip


def test_an_empty_post_on_a_signing_page_is_a_clear_refusal_not_a_500(
    pakta: PaktaWorld, in_scope, client: Client, login
) -> None:
    """An empty POST body used to leave the form unbound (``request.POST or None``) and the page read
    its ``cleaned_data``: a 500 (found by the intra-instansi list matrix, issue 18)."""
    response = client.post(_link(pakta, in_scope, 3), {})
    assert response.status_code == 400
    assert "Centang kotak" in response.content.decode()
    own = login(pakta.sari).post(reverse("pencanangan:my-pakta"), {})
    assert own.status_code == 400
    assert "Centang kotak" in own.content.decode()
    assert not PaktaIntegritas.unscoped.exists()
