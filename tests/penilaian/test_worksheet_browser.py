"""Browser journey of the worksheet (Playwright on Debian's Chromium, strict CSP): a per-item save
over HTMX updates the item, its sub-area score and the progress; percentages show as numbers are
typed; a conflicting save keeps what was typed. Any console error (a CSP violation) fails it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from apps.penilaian import services
from apps.penilaian.models import Jawaban, Tier
from apps.penilaian.services import STALE_VERSION
from apps.tenancy.scope import scope
from tests.browser_fixtures import screenshot
from tests.conftest import PASSWORD
from tests.penilaian.conftest import LKEWorld

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page: Page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/akun/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form [type=submit]").first.click()
    page.wait_for_url("**/dasbor/**")


def unit_answer(lke: LKEWorld, soal_id: int) -> str | None:
    with scope(lke.world.instansi_a.pk):
        row = Jawaban.objects.filter(penilaian=lke.penilaian, soal__portalrb_soal_id=soal_id, tier=Tier.UNIT).first()
        return row.answer if row else None


def test_unit_fills_the_worksheet_item_by_item(page: Page, live_server, lke: LKEWorld) -> None:
    log_in(page, live_server.url, lke.world.ani.email)
    base = f"{live_server.url}/penilaian/{lke.penilaian.public_id}/lke"
    page.goto(f"{base}/pemenuhan-1/")

    # Save soal 2 on its own: the item, its sub-area score and the progress update in place.
    item = page.locator("#soal-2")
    item.locator("input[value=A]").check()
    item.locator("textarea").fill("Tim dipilih lewat seleksi terbuka")
    item.locator("#save-2").click()
    expect(page.locator("#soal-2 input[name=s2-version]")).to_have_value("1")
    expect(page.locator("#score-node-4")).to_have_text("0,50")  # Indonesian number format
    expect(page.locator("#progress-pemenuhan-1")).to_have_text("1/12")
    assert unit_answer(lke, 2) == "A"
    assert unit_answer(lke, 1) is None

    # Percentages show as numbers are typed, before anything is saved.
    page.goto(f"{base}/reform-1/")
    page.locator("#id_s88-answer").fill("10")
    page.locator("#id_s89-answer").fill("7")
    expect(page.get_by_test_id("derived-R-1-i-a")).to_have_text("70,00 %")
    assert unit_answer(lke, 88) is None

    # Someone else saves soal 3 after this page was loaded: a conflict that keeps the typed text.
    page.goto(f"{base}/pemenuhan-1/")
    with scope(lke.world.instansi_a.pk):
        services.jawaban_save(
            actor=lke.actor(lke.world.ani), penilaian=lke.penilaian, soal=lke.soal(3), answer="Tidak", version=0
        )
    item = page.locator("#soal-3")
    item.locator("input[value=Ya]").check()
    item.locator("textarea").fill("Dokumen rencana kerja ada, lihat lampiran")
    item.locator("#save-3").click()
    expect(page.locator("#soal-3")).to_contain_text(str(STALE_VERSION)[:30])
    expect(page.locator("#soal-3 textarea")).to_have_value("Dokumen rencana kerja ada, lihat lampiran")
    expect(page.locator("#soal-3 input[value=Ya]")).to_be_checked()
    assert unit_answer(lke, 3) == "Tidak"
    screenshot(page, "worksheet-conflict")


def test_the_worksheet_is_usable_on_a_phone(phone_page: Page, live_server, lke: LKEWorld) -> None:
    log_in(phone_page, live_server.url, lke.world.ani.email)
    phone_page.goto(f"{live_server.url}/penilaian/{lke.penilaian.public_id}/lke/pemenuhan-1/")
    item = phone_page.locator("#soal-1")
    item.locator("input[value=Ya]").check()
    item.locator("#save-1").click()
    expect(phone_page.locator("#soal-1 input[name=s1-version]")).to_have_value("1")
    # Nothing is wider than the screen.
    overflow = phone_page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
    screenshot(phone_page, "worksheet-phone")
