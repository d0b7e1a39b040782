"""The LKE journey: the tim kerja fills an area and submits; TPI tier 1 returns an item; the unit
fixes it and resubmits; the reviewer accepts it, answers the rest, closes the review (one tier, so
tier 1 is the last), records the recommendation, and the LHE PDF downloads.

ani (tim kerja, password only) works in the worksheet pages; budi (TPI, MFA) in the review pages.
The unit's other 115 answers stand for what it typed earlier (written in bulk before the journey);
everything the issue names goes through the browser. A real Celery worker renders the LHE.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from apps.penilaian.models import ItemReturn, PenilaianStatus, Recommendation, ReturnStatus, TPITier
from apps.tenancy.scope import scope
from tests.browser.test_login_journey import log_in_with_mfa
from tests.browser_fixtures import screenshot
from tests.conftest import PASSWORD, World
from tests.notifications.worker import TaskLog, running_worker
from tests.penilaian.conftest import LKEWorld, lke
from tests.penilaian.test_review_support import fill

pytestmark = [pytest.mark.browser, pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

__all__ = ["lke", "running_worker"]  # fixtures used by this module

AREA_1 = set(range(1, 13))  # Pemenuhan area 1 (Manajemen Perubahan): soal 1–12
RETURN_NOTE = "Lampirkan SK pembentukan tim kerja yang sudah ditandatangani."
REASONS = "Seluruh area memenuhi ambang batas minimal; unit layak diusulkan menuju WBK."


def _accept_dialogs(page: Page) -> Page:
    # The workflow buttons ask for confirmation (data-confirm → window.confirm): say yes.
    page.on("dialog", lambda dialog: dialog.accept())
    return page


@pytest.fixture
def budi_page(browser: Browser) -> Iterator[Page]:
    """A second browser, for the reviewer (the unit keeps its own session in ``page``)."""
    context: BrowserContext = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield _accept_dialogs(page)
    context.close()
    assert errors == [], f"browser console errors: {errors}"


def log_in_with_password(page: Page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/akun/login/")
    page.locator("#id_login").fill(email)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("main form [type=submit]:not([form])").first.click()
    expect(page.locator("h1")).to_be_visible()


def refreshed(lke: LKEWorld):
    with scope(lke.world.instansi_a.pk):
        lke.penilaian.refresh_from_db()
    return lke.penilaian


def test_lke_from_the_worksheet_to_the_lhe_pdf(
    page: Page, budi_page: Page, live_server, world: World, lke: LKEWorld, running_worker: TaskLog
) -> None:
    base = live_server.url
    pid = lke.penilaian.public_id
    ani_page = _accept_dialogs(page)
    # One configured tier: tier 1 is the last and closes the review.
    TPITier.unscoped.create(instansi=world.instansi_a, level=1, name="Anggota tim")
    fill(lke, only={s.portalrb_soal_id for s in lke.template.soal.all()} - AREA_1)

    # --- The tim kerja fills Pemenuhan area 1 in the worksheet and submits ----------------------
    log_in_with_password(ani_page, base, world.ani.email)
    ani_page.goto(f"{base}/penilaian/{pid}/lke/pemenuhan-1/")
    for number in sorted(AREA_1):
        item = ani_page.locator(f"#soal-{number}")
        item.locator("input[type=radio]").first.check()
        item.locator("textarea[name$=note]").fill(f"Bukti tersedia untuk soal {number}")
        item.locator(f"#save-{number}").click()
        expect(ani_page.locator(f"#soal-{number} .ws-status strong")).to_be_visible()
    screenshot(ani_page, "lke-worksheet-area-1-filled")
    ani_page.goto(f"{base}/penilaian/{pid}/")
    ani_page.locator("form.ws-submit button[type=submit]").click()
    expect(ani_page.locator("form.ws-submit")).to_have_count(0)  # submitted: nothing more to send
    assert refreshed(lke).status == PenilaianStatus.IN_REVIEW

    # --- TPI tier 1 returns an item and sends the LKE back -------------------------------------------
    log_in_with_mfa(budi_page, base, world.budi.email, world.totp_secrets["budi"])
    budi_page.goto(f"{base}/penilaian/telaah/")
    budi_page.locator("[data-testid=review-queue] a", has_text=world.unit_a1.name).click()
    expect(budi_page.locator("[data-testid=score-table]")).to_be_visible()
    budi_page.goto(f"{base}/penilaian/{pid}/telaah/pemenuhan-1/")
    soal_1 = budi_page.locator("#soal-1")
    soal_1.locator("details.zi-rv-return-form summary").click()
    soal_1.locator("textarea[name=note]").last.fill(RETURN_NOTE)
    soal_1.locator("[data-testid=return]").click()
    expect(budi_page.locator("#soal-1 [data-testid=return-state]")).to_be_visible()
    screenshot(budi_page, "lke-review-item-returned")
    budi_page.goto(f"{base}/penilaian/{pid}/telaah/")
    budi_page.locator("[data-testid=send-back]").click()
    expect(budi_page.locator("[data-testid=send-back]")).to_have_count(0)
    assert refreshed(lke).status == PenilaianStatus.REVISION

    # --- The unit sees exactly what to fix, fixes it, resubmits ---------------------------------------
    ani_page.goto(f"{base}/penilaian/{pid}/lke/pemenuhan-1/")
    fix = ani_page.locator("#soal-1")
    expect(fix.locator(".ws-fix")).to_contain_text(RETURN_NOTE)
    expect(ani_page.locator("#soal-2 form.ws-form")).to_have_count(0)  # only the returned item is editable
    fix.locator("textarea[name$=note]").fill("SK pembentukan tim kerja terlampir (ditandatangani).")
    fix.locator("#save-1").click()
    expect(ani_page.locator("#soal-1 .ws-status strong")).to_be_visible()
    ani_page.goto(f"{base}/penilaian/{pid}/")
    ani_page.locator("form.ws-submit button[type=submit]").click()
    expect(ani_page.locator("form.ws-submit")).to_have_count(0)
    assert refreshed(lke).status == PenilaianStatus.IN_REVIEW

    # --- The reviewer re-checks and accepts, answers, copies the rest, closes -------------------------
    budi_page.goto(f"{base}/penilaian/{pid}/telaah/pemenuhan-1/")
    budi_page.locator("#soal-1 [data-testid=accept]").click()
    expect(budi_page.locator("#soal-1 [data-testid=accept]")).to_have_count(0)
    with scope(world.instansi_a.pk):
        assert ItemReturn.objects.get().status == ReturnStatus.ACCEPTED
    # A judgement of its own on soal 2, with a note: the page marks the difference in words.
    soal_2 = budi_page.locator("#soal-2")
    soal_2.locator("select[name=answer]").select_option("B")
    soal_2.locator("[data-testid=review-form] textarea[name=note]").fill(
        "Mekanisme pemilihan belum mewakili semua unsur."
    )
    soal_2.locator("[data-testid=review-form] button[type=submit]").click()
    expect(budi_page.locator("#soal-2 [data-testid=differs]")).to_be_visible()
    expect(budi_page.locator("#soal-2 .zi-rv-diff")).to_have_count(1)
    screenshot(budi_page, "lke-review-difference")
    budi_page.goto(f"{base}/penilaian/{pid}/telaah/")
    budi_page.locator("form[action$='/telaah/salin/'] button").click()
    expect(budi_page.locator("[data-testid=progress]")).to_contain_text("127")
    budi_page.locator("[data-testid=complete]").click()
    expect(budi_page.locator("[data-testid=recommend]")).to_be_visible()
    assert refreshed(lke).status == PenilaianStatus.CLOSED
    screenshot(budi_page, "lke-review-summary-closed")

    # --- The recommendation, and the LHE through the reports pipeline ---------------------------------
    budi_page.locator("input[name=decision][value=layak_wbk]").check()
    budi_page.locator("textarea[name=reasons]").fill(REASONS)
    budi_page.locator("[data-testid=recommend]").click()
    expect(budi_page).to_have_url(re.compile(r"/laporan/[0-9a-f-]{36}/$"))
    download_link = budi_page.locator("#report-status a[href$='/unduh/']")
    expect(download_link).to_be_visible(timeout=45_000)  # the worker renders; the page polls
    screenshot(budi_page, "lke-lhe-ready")
    with budi_page.expect_download() as info:
        download_link.click()
    pdf = info.value.path().read_bytes()
    assert pdf.startswith(b"%PDF")
    with scope(world.instansi_a.pk):
        assert Recommendation.objects.get().decision == "layak_wbk"
    assert refreshed(lke).status == PenilaianStatus.RECOMMENDED
    assert running_worker.named("render_report")
