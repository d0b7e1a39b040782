"""The survei journey on a phone: a service user opens the link printed as the counter's QR code,
answers the 13 statements without logging in, cannot answer twice from the same phone; the tim
kerja of the unit then sees the results page and the suggested IPKP/IPAK beside the LKE soal change.

Set up through services: the LKE of A1 (current year), a survey period of A1 open today and one
service with its link. SITE_URL points at the live server so the QR code encodes a reachable link.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from playwright.sync_api import Page, expect

from apps.survei.instrument import ALL_CODES
from apps.survei.models import Respons
from apps.survei.qr import public_url, qr_data_uri
from apps.tenancy.scope import scope
from tests.browser_fixtures import screenshot
from tests.conftest import PASSWORD
from tests.penilaian.conftest import LKEWorld, lke
from tests.survei.conftest import make_layanan, make_survei

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

__all__ = ["lke"]  # fixture used by this module

# SPKP 1–8 then SPAK 1–5: SPKP mean (6·4 + 5·4)/8 = 5.5 → (5.5 − 1) × 0.8 = 3.60;
# SPAK mean (6 + 6 + 5 + 6 + 6)/5 = 5.8 → (5.8 − 1) × 0.8 = 3.84
CHOICES = dict(zip(ALL_CODES, [6, 6, 6, 6, 5, 5, 5, 5, 6, 6, 5, 6, 6], strict=True))


def test_service_user_answers_on_a_phone_and_the_lke_suggestion_changes(
    phone_page: Page, live_server, lke: LKEWorld, settings
) -> None:
    settings.SITE_URL = live_server.url
    world = lke.world
    survei, layanan = make_survei(world), make_layanan(world, name="Penerbitan izin usaha")
    staff = Client()
    staff.force_login(world.ani)
    worksheet = reverse("penilaian:worksheet", kwargs={"public_id": lke.penilaian.public_id, "section": "hasil"})
    assert "Belum ada survei unit ini" in staff.get(worksheet).content.decode()

    # the unit's page shows the service's link and the QR code that encodes exactly that link
    link = public_url(layanan)
    unit_page = staff.get(reverse("survei:unit-detail", kwargs={"public_id": world.unit_a1.public_id})).content
    assert link in unit_page.decode()
    assert qr_data_uri(link) in unit_page.decode()

    # --- the service user, on a phone, scans the poster -------------------------------------------
    phone_page.goto(link)
    expect(phone_page.get_by_role("heading", level=1)).to_have_text("Survei pelayanan")
    expect(phone_page.get_by_test_id("survei-layanan")).to_have_text("Penerbitan izin usaha")
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    # sending with nothing chosen: refused with a clear message, nothing stored
    phone_page.locator("#sv-submit").click()
    expect(phone_page.get_by_test_id("survei-error")).to_contain_text("belum diisi atau tidak valid")
    for code, value in CHOICES.items():
        phone_page.locator(f"label[for='{code}-{value}']").tap()
    phone_page.locator(".sv-profile summary").tap()
    phone_page.locator("#id_usia").select_option("30_39")
    screenshot(phone_page, "survei-phone-form")
    phone_page.locator("#sv-submit").tap()
    expect(phone_page.get_by_test_id("survei-message")).to_contain_text("Jawaban Anda telah tersimpan")
    screenshot(phone_page, "survei-phone-thanks")
    # the same phone again: one answer per device per period
    phone_page.goto(link)
    expect(phone_page.get_by_test_id("survei-message")).to_contain_text("sudah mengisi survei")
    with scope(world.instansi_a.pk):
        row = Respons.objects.get(survei=survei)
    assert [getattr(row, code) for code in ALL_CODES] == list(CHOICES.values())

    # --- the tim kerja of the unit, on the same phone, sees the results and the suggestion ---------
    phone_page.goto(f"{live_server.url}/akun/login/")
    phone_page.locator("#id_login").fill(world.ani.email)
    phone_page.locator("#id_password").fill(PASSWORD)
    phone_page.locator("main form [type=submit]:not([form])").first.click()
    phone_page.goto(live_server.url + reverse("survei:survei-detail", kwargs={"public_id": survei.public_id}))
    expect(phone_page.get_by_test_id("n-spkp")).to_have_text("1")
    expect(phone_page.get_by_test_id("lke-spkp")).to_have_text("3,60")
    expect(phone_page.get_by_test_id("lke-spak")).to_have_text("3,84")
    phone_page.goto(live_server.url + worksheet)
    expect(phone_page.get_by_test_id("sv-suggest-127")).to_contain_text("IPKP = 3,60")
    expect(phone_page.get_by_test_id("sv-suggest-125")).to_contain_text("IPAK = 3,84")
    screenshot(phone_page, "survei-lke-suggestion")
    # the link leads to the results; the unit's own answer stays empty
    phone_page.get_by_test_id("sv-suggest-125").get_by_role("link").click()
    expect(phone_page.get_by_test_id("lke-spak")).to_have_text("3,84")
    expect(phone_page.locator("#soal-125")).to_have_count(0)
