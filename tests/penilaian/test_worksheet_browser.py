"""Browser journeys of the worksheet (Playwright on Debian's Chromium, strict CSP): each item saves
itself (static/js/worksheet.js) and updates its sub-area score and every counter; percentages show as
numbers are typed; "1e" is refused; a conflicting save keeps what was typed and is never overwritten
by a keystroke; leaving with unsaved input asks first; the keyboard alone is enough. Any console
error (a CSP violation) fails it."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from apps.penilaian.models import Jawaban, Tier
from apps.penilaian.services.answers import STALE_VERSION, jawaban_save
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

    # Choosing an option saves the item by itself: the item, its sub-area score and every counter
    # (the part's tab and the header above) update in place and agree.
    item = page.locator("#soal-2")
    item.locator("input[value=A]").check()
    expect(page.locator("#soal-2 [data-save-status]")).to_have_attribute("data-state", "saved")
    expect(page.locator("#soal-2 input[name=s2-version]")).to_have_value("1")
    expect(page.locator("#score-node-4")).to_have_text("0,50")  # Indonesian number format
    expect(page.locator("#progress-pemenuhan-1")).to_have_text("1/12")
    expect(page.locator("#answered-pemenuhan-1")).to_have_text("1 dari 12 terjawab")
    # Typing a note saves it a moment after the last keystroke, without a button.
    page.locator("#soal-2 textarea").press_sequentially("Tim dipilih lewat seleksi terbuka", delay=5)
    expect(page.locator("#soal-2 [data-save-status]")).to_have_attribute("data-state", "saved")
    expect(page.locator("#soal-2 input[name=s2-version]")).to_have_value("2")
    expect(page.locator("#soal-2 textarea")).to_be_focused()  # the swap gave the focus back
    assert unit_answer(lke, 2) == "A"
    assert unit_answer(lke, 1) is None

    # Percentages show as numbers are typed; the numbers then save themselves.
    page.goto(f"{base}/reform-1/")
    page.locator("#id_s88-answer").fill("10")
    page.locator("#id_s89-answer").fill("7")
    expect(page.get_by_test_id("derived-R-1-i-a")).to_have_text("70,00 %")
    expect(page.locator("#soal-89 [data-save-status]")).to_have_attribute("data-state", "saved")
    assert unit_answer(lke, 88) == "10"
    # "1e" is not a number: refused beside the field, nothing saved, the typed text kept.
    page.locator("#id_s88-answer").fill("1e")
    expect(page.locator("#soal-88 [data-save-status]")).to_have_attribute("data-state", "invalid")
    expect(page.locator("#id_s88-answer_errors")).to_be_visible()
    expect(page.locator("#id_s88-answer")).to_have_value("1e")
    assert unit_answer(lke, 88) == "10"

    # Someone else saves soal 3 after this page was loaded: a conflict that keeps the typed text;
    # further typing never overwrites their answer, only a deliberate "Simpan" does.
    page.goto(f"{base}/pemenuhan-1/")
    with scope(lke.world.instansi_a.pk):
        jawaban_save(
            actor=lke.actor(lke.world.ani), penilaian=lke.penilaian, soal=lke.soal(3), answer="Tidak", version=0
        )
    item = page.locator("#soal-3")
    item.locator("input[value=Ya]").check()
    expect(page.locator("#soal-3")).to_contain_text(str(STALE_VERSION)[:30])
    expect(page.locator("#soal-3 [data-save-status]")).to_have_attribute("data-state", "conflict")
    page.locator("#soal-3 textarea").fill("Dokumen rencana kerja ada, lihat lampiran")
    page.wait_for_timeout(1500)
    expect(page.locator("#soal-3 input[value=Ya]")).to_be_checked()
    assert unit_answer(lke, 3) == "Tidak"
    screenshot(page, "worksheet-conflict")
    page.locator("#save-3").click()
    expect(page.locator("#soal-3 [data-save-status]")).to_have_attribute("data-state", "saved")
    assert unit_answer(lke, 3) == "Ya"


def test_leaving_with_unsaved_input_asks_first(page: Page, live_server, lke: LKEWorld) -> None:
    log_in(page, live_server.url, lke.world.ani.email)
    base = f"{live_server.url}/penilaian/{lke.penilaian.public_id}/lke"
    page.goto(f"{base}/pemenuhan-1/")
    asked: list[str] = []

    def answer_dialog(dialog) -> None:
        asked.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", answer_dialog)
    # A refused number is input not saved: leaving asks, and staying keeps it.
    page.goto(f"{base}/reform-1/")
    page.locator("#id_s88-answer").fill("1e")
    expect(page.locator("#soal-88 [data-save-status]")).to_have_attribute("data-state", "invalid")
    page.locator("a[rel=next]").click()
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    assert page.url.endswith("/reform-1/")
    expect(page.locator("#id_s88-answer")).to_have_value("1e")
    # Once fixed and saved, leaving no longer asks.
    page.locator("#id_s88-answer").fill("12")
    expect(page.locator("#soal-88 [data-save-status]")).to_have_attribute("data-state", "saved")
    page.locator("a[rel=next]").click()
    page.wait_for_url("**/reform-2/")
    assert asked == ["beforeunload"]
    assert unit_answer(lke, 88) == "12"


def test_the_worksheet_works_from_the_keyboard_alone(page: Page, live_server, lke: LKEWorld) -> None:
    log_in(page, live_server.url, lke.world.ani.email)
    page.goto(f"{live_server.url}/penilaian/{lke.penilaian.public_id}/lke/pemenuhan-1/")
    page.locator("#soal-1 input[type=radio]").first.focus()
    page.keyboard.press("Space")  # choose the first option with the keyboard
    expect(page.locator("#soal-1 [data-save-status]")).to_have_attribute("data-state", "saved")
    page.keyboard.press("Tab")  # to the note (the focus survived the swap)
    page.keyboard.type("Diisi tanpa tetikus")
    page.keyboard.press("Tab")
    expect(page.locator("#soal-1 [data-save-status]")).to_have_attribute("data-state", "saved")
    expect(page.locator("#soal-1 input[name=s1-version]")).to_have_value("2")
    with scope(lke.world.instansi_a.pk):
        row = Jawaban.objects.get(penilaian=lke.penilaian, soal__portalrb_soal_id=1, tier=Tier.UNIT)
    assert (row.answer, row.note) == ("Ya", "Diisi tanpa tetikus")


def test_the_worksheet_is_usable_on_a_phone(phone_page: Page, live_server, lke: LKEWorld) -> None:
    log_in(phone_page, live_server.url, lke.world.ani.email)
    phone_page.goto(f"{live_server.url}/penilaian/{lke.penilaian.public_id}/lke/pemenuhan-1/")
    item = phone_page.locator("#soal-1")
    item.locator("input[value=Ya]").check()
    expect(phone_page.locator("#soal-1 [data-save-status]")).to_have_attribute("data-state", "saved")
    expect(phone_page.locator("#soal-1 input[name=s1-version]")).to_have_value("1")
    # Leaving with a half-typed note asks first on a phone too.
    asked: list[str] = []
    phone_page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    phone_page.locator("#soal-1 textarea").fill("belum")
    phone_page.locator("a[rel=next]").click()
    phone_page.wait_for_timeout(300)
    assert asked == ["beforeunload"]
    assert phone_page.url.endswith("/pemenuhan-1/")
    expect(phone_page.locator("#soal-1 [data-save-status]")).to_have_attribute("data-state", "saved")
    # Nothing is wider than the screen.
    overflow = phone_page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
    screenshot(phone_page, "worksheet-phone")
