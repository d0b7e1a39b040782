"""First journeys: log in with a second factor, switch language."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser_fixtures import screenshot
from tests.conftest import PASSWORD, World, totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in_with_mfa(page: Page, base_url: str, email: str, secret: str) -> None:
    page.goto(f"{base_url}/akun/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form [type=submit]:not([form])").first.click()
    page.locator("#id_code").fill(totp_code(secret))
    page.locator("main form [type=submit]:not([form])").first.click()


def test_admin_logs_in_with_totp_and_switches_language(page: Page, live_server, world: World) -> None:
    log_in_with_mfa(page, live_server.url, world.citra.email, world.totp_secrets["citra"])
    expect(page.locator("h1")).to_have_text("Dasbor")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    page.get_by_test_id("lang-en").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Dashboard")
    screenshot(page, "login-mfa-english-dashboard")


def test_wrong_totp_code_keeps_the_person_out(page: Page, live_server, world: World) -> None:
    page.goto(f"{live_server.url}/akun/login/")
    page.locator("#id_login").fill(world.citra.email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form [type=submit]:not([form])").first.click()
    page.locator("#id_code").fill("000000")
    page.locator("main form [type=submit]:not([form])").first.click()
    expect(page.locator("body")).to_contain_text("Kode salah")
    # The half-finished login never reaches a page: allauth keeps the person at the second step.
    page.goto(f"{live_server.url}/dasbor/")
    expect(page).not_to_have_url(f"{live_server.url}/dasbor/")
    expect(page.locator("#id_code")).to_be_visible()
