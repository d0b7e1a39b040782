"""Pakta Integritas on a phone: the operator makes a personal link, the pegawai signs with it on a
phone, downloads the signed PDF, and the QR's verify page shows the signature; the unit's coverage
moves."""

from __future__ import annotations

import io
import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from apps.pencanangan.models import PaktaIntegritas, SignMethod
from apps.tenancy.roles import Role
from apps.unit_kerja.models import Pegawai
from tests.browser_fixtures import screenshot
from tests.conftest import PASSWORD, World
from tests.factories import MembershipFactory, UserFactory
from tests.pencanangan.conftest import make_roster
from tests.penilaian.conftest import open_cycle_now

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pegawai_signs_through_a_one_time_link_on_a_phone(
    page: Page, phone_page: Page, live_server, world: World
) -> None:
    open_cycle_now(world.instansi_a)
    roster = make_roster(world)
    target = roster[3]

    # The operator (tim kerja of A1) opens the unit's pakta page: nobody has signed yet.
    page.goto(f"{live_server.url}/akun/login/")
    page.locator("#id_login").fill(world.ani.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form [type=submit]:not([form])").first.click()
    page.goto(f"{live_server.url}/pencanangan/unit/{world.unit_a1.public_id}/")
    expect(page.locator("[data-coverage]")).to_have_attribute("data-coverage", "0/10")
    page.locator(f"tr[data-unsigned='{target.nip}'] button").click()
    link = page.locator("[data-signing-url]").input_value()
    assert "/pakta/t/" in link

    # The pegawai opens it on a phone, forgets to tick the box, then signs with their NIP.
    phone_page.goto(live_server.url + urlsplit(link).path)
    expect(phone_page.locator("h1")).to_contain_text("Pakta Integritas")
    expect(phone_page.locator("main")).to_contain_text(target.name)
    phone_page.locator("input[name=nip]").fill(target.nip)
    phone_page.locator("main form [type=submit]").click()
    expect(phone_page.locator("main")).to_contain_text("Centang kotak")
    phone_page.locator("input[name=confirm]").check()
    phone_page.locator("input[name=nip]").fill(target.nip)
    phone_page.locator("main form [type=submit]").click()
    expect(phone_page.locator("h1")).to_contain_text("Terima kasih")
    screenshot(phone_page, "pakta-signed-phone")

    with phone_page.expect_download() as download_info:
        phone_page.locator("[data-download]").click()
    pdf_path = download_info.value.path()
    text = " ".join("\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_path.read_bytes())).pages).split())
    signed = PaktaIntegritas.unscoped.get(pegawai=target)
    assert signed.method == SignMethod.LINK
    assert target.name in text
    assert signed.verify_code in text
    verify_path = re.search(r"(/pakta/verifikasi/[A-Z0-9]+/)", text.replace(" ", "")).group(1)

    # The QR code's page (no login) shows the signature standing.
    phone_page.goto(live_server.url + verify_path)
    expect(phone_page.locator("[data-verify-status]")).to_have_text("Tanda tangan sah.")
    expect(phone_page.locator("[data-verify-name]")).to_have_text(target.name)

    # The link cannot be used again, and the operator sees coverage move.
    phone_page.goto(live_server.url + urlsplit(link).path)
    expect(phone_page.locator("main")).to_contain_text("sudah digunakan")
    page.reload()
    expect(page.locator("[data-coverage]")).to_have_attribute("data-coverage", "1/10")
    expect(page.locator(f"tr[data-unsigned='{target.nip}']")).to_have_count(0)


def test_a_pegawai_signs_in_their_own_name_from_the_dashboard(page: Page, live_server, world: World) -> None:
    """Issue 17: the pegawai's dashboard shows their own pact; they sign with their password, and the
    page, the PDF and the record name them (not another roster entry)."""
    open_cycle_now(world.instansi_a)
    roster = make_roster(world)
    sari = UserFactory(email="sari@alfa.go.id", name="Sari Wulandari")
    own = roster[2]
    Pegawai.unscoped.filter(pk=own.pk).update(user=sari, name="Sari Wulandari")
    MembershipFactory(user=sari, instansi=world.instansi_a, unit=world.unit_a1, role=Role.PEGAWAI)

    page.goto(f"{live_server.url}/akun/login/")
    page.locator("#id_login").fill(sari.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form [type=submit]:not([form])").first.click()
    page.goto(f"{live_server.url}/dasbor/")
    panel = page.locator("[data-my-pakta]")
    expect(panel).to_have_attribute("data-my-pakta", "unsigned")
    expect(panel.locator("[data-my-pakta-name]")).to_contain_text(f"Sari Wulandari — NIP {own.nip}")
    panel.locator("a", has_text="Tandatangani").click()

    expect(page.locator("[data-signing-as]")).to_contain_text("Sari Wulandari")
    expect(page.locator("main")).not_to_contain_text(roster[0].name)
    page.locator("input[name=confirm]").check()
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("main form [type=submit]").click()
    expect(page.locator("main")).to_contain_text("Sari Wulandari")

    page.goto(f"{live_server.url}/dasbor/")
    expect(panel).to_have_attribute("data-my-pakta", "signed")
    with page.expect_download() as download_info:
        panel.locator("[data-my-pakta-pdf]").click()
    text = " ".join(
        "\n".join(
            p.extract_text() for p in PdfReader(io.BytesIO(download_info.value.path().read_bytes())).pages
        ).split()
    )
    assert "Sari Wulandari" in text
    assert own.nip in text
    signed = PaktaIntegritas.unscoped.get(pegawai=own)
    assert signed.method == SignMethod.PASSWORD
    assert signed.signed_by == sari
    assert signed.name == "Sari Wulandari"
