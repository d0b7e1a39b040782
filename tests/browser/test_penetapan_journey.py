"""The first journey of the Foundation issue: an admin ZI logs in with MFA, switches language,
proposes a unit, designates it with its SK upload, and sees it in the year's list."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from apps.demo.management.commands.seed_demo import minimal_pdf
from apps.tenancy.scope import scope
from apps.unit_kerja.models import Penetapan, PenetapanStatus
from tests.browser.test_login_journey import log_in_with_mfa
from tests.browser_fixtures import screenshot
from tests.conftest import World
from tests.factories import CycleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_designates_a_unit_with_its_sk(page: Page, live_server, world: World, tmp_path: Path) -> None:
    CycleFactory(instansi=world.instansi_a, tahun=2026)
    sk_pdf = tmp_path / "SK-ZI-A1-2026.pdf"
    sk_pdf.write_bytes(minimal_pdf("SK Penetapan Zona Integritas A1"))

    log_in_with_mfa(page, live_server.url, world.citra.email, world.totp_secrets["citra"])
    expect(page.locator("html")).to_have_attribute("lang", "id")
    page.get_by_test_id("lang-en").click()
    expect(page.locator("h1")).to_have_text("Dashboard")
    page.get_by_test_id("lang-id").click()
    expect(page.locator("h1")).to_have_text("Dasbor")

    # Propose unit A1 for 2026.
    page.goto(f"{live_server.url}/unit-kerja/penetapan/baru/")
    page.locator("select[name=unit]").select_option(label=f"{world.unit_a1.code} — {world.unit_a1.name}")
    page.locator("select[name=cycle]").select_option(label="2026")
    page.locator("input[name=is_core_service]").check()
    page.locator("textarea[name=core_service_reason]").fill("Layanan perizinan adalah layanan utama instansi.")
    page.locator("main form [type=submit]").first.click()
    expect(page.locator("h1")).to_have_text(world.unit_a1.name)

    # Designate it by SK, with the signed decree uploaded.
    page.locator("a[href$='/tetapkan/']").click()
    page.locator("input[name=sk_number]").fill("SK/ZI/A1/2026")
    page.locator("input[name=sk_date]").fill("2026-01-05")
    page.locator("input[name=sk_file]").set_input_files(str(sk_pdf))
    page.locator("main form [type=submit]").first.click()
    expect(page.locator("main")).to_contain_text("SK/ZI/A1/2026")
    expect(page.locator("main")).to_contain_text("SK-ZI-A1-2026.pdf")

    # The year's list shows it as designated.
    page.goto(f"{live_server.url}/unit-kerja/penetapan/?tahun=2026")
    row = page.locator("tr", has_text=world.unit_a1.name)
    expect(row).to_contain_text("Ditetapkan")
    screenshot(page, "penetapan-designated-list")

    with scope(world.instansi_a.pk):
        penetapan = Penetapan.objects.get(unit=world.unit_a1)
        assert penetapan.status == PenetapanStatus.DESIGNATED
        assert penetapan.sk_file is not None
        assert penetapan.sk_file.original_name == "SK-ZI-A1-2026.pdf"
