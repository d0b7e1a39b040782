"""The pendampingan journey in Chromium: ani (tim kerja of A1) records two high risks in the
diagnosis → the plan page lists both as unanswered → a kegiatan planned from that list answers one
and the list shrinks → ani uploads the team's SK → Sari (a pegawai in the pokja of area 1, no other
right) asks the TPI about LKE soal 1 → Budi (TPI, MFA) answers → Sari sees the answer → the LKE
worksheet offers "Ya" for soal 1 from the tim kerja's SK, with a link to its source.

Set up through fixtures only (``pd``: the LKE imported and A1's penilaian open, Sari in the pokja,
Joko on A1's roster, an empty draft plan). Everything else goes through the pages.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from apps.diagnosis.models import Risiko
from apps.pendampingan.models import Konsultasi, KonsultasiStatus, PesanKonsultasi
from apps.rencana_aksi.models import Kegiatan
from apps.tenancy.scope import scope
from apps.timkerja.models import TimKerja
from tests.browser.test_lke_journey import log_in_with_password
from tests.browser.test_login_journey import log_in_with_mfa
from tests.browser_fixtures import screenshot
from tests.pendampingan.conftest import PDWorld, lke, pd
from tests.rencana_aksi.test_services import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

__all__ = ["lke", "pd"]  # fixtures used by this module

RISK_ANSWERED = "Pungutan liar di loket perizinan"
RISK_LEFT = "Gratifikasi dalam pengadaan barang"
SK_NUMBER = "800/12/SK-ZI/2026"


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[[], Page]]:
    """More people in the journey: each page its own context, failing on a console error."""
    contexts, errors = [], []

    def make() -> Page:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        return page

    yield make
    for context in contexts:
        context.close()
    assert errors == [], f"browser console errors: {errors}"


def record_risk(page: Page, title: str, likelihood: str, impact: str, owner: str) -> None:
    page.get_by_test_id("risk-add").click()
    page.locator("select[name=jenis]").select_option("korupsi")
    page.locator("input[name=title]").fill(title)
    page.locator("textarea[name=cause]").fill("Tatap muka langsung tanpa sistem antrean")
    page.locator("select[name=likelihood]").select_option(likelihood)
    page.locator("select[name=impact]").select_option(impact)
    page.locator("select[name=owner]").select_option(owner)
    page.locator("select[name=area]").select_option("1")
    page.get_by_test_id("risk-save").click()
    expect(page.get_by_test_id("priorities")).to_contain_text(title)


def test_risk_kegiatan_consultation_and_the_worksheet_suggestion(
    page: Page, new_page: Callable[[], Page], live_server, pd: PDWorld, tmp_path
) -> None:
    world, base, tahun = pd.world, live_server.url, pd.tahun
    hub = f"{base}/pendampingan/unit/{world.unit_a1.public_id}/{tahun}/"
    sk = tmp_path / "sk-tim-kerja-zi.pdf"
    sk.write_bytes(PDF)

    # --- ani records the unit's risks; a risk without an owner is refused beside the field -----------
    log_in_with_password(page, base, world.ani.email)
    page.goto(hub)
    page.get_by_test_id("risk-add").click()
    page.locator("input[name=title]").fill("Tanpa pemilik")
    page.get_by_test_id("risk-save").click()
    expect(page.locator("main")).to_contain_text("Setiap risiko harus punya pemilik")
    page.goto(hub)
    record_risk(page, RISK_ANSWERED, "5", "4", str(pd.joko.public_id))
    record_risk(page, RISK_LEFT, "4", "4", str(pd.sari.public_id))
    assert not Risiko.unscoped.filter(title="Tanpa pemilik").exists()
    screenshot(page, "pendampingan-diagnosis")

    # --- the plan lists both high risks; a kegiatan planned from the list answers one -----------------
    page.goto(f"{base}/rencana-aksi/{pd.rencana.public_id}/")
    high = page.get_by_test_id("high-risks").locator("li")
    expect(high).to_have_count(2)
    page.get_by_test_id("high-risks").locator("li", has_text=RISK_ANSWERED).get_by_role("link").click()
    expect(page.locator("select[name=risiko] option:checked")).to_contain_text(RISK_ANSWERED)
    page.locator("textarea[name=description]").fill("Antrean elektronik dan CCTV di loket perizinan")
    page.locator("input[name=output]").fill("Antrean elektronik berjalan")
    page.locator("input[name=indicator]").fill("Loket dengan antrean elektronik")
    page.locator("input[name=target_value]").fill("100")
    page.locator("input[name=target_unit]").fill("%")
    page.locator("select[name=pic]").select_option(str(pd.joko.public_id))
    page.locator("input[name=months][value='6']").check()
    page.locator("input[name=deadline]").fill(datetime.date(tahun, 6, 30).isoformat())
    page.get_by_test_id("kegiatan-save").click()
    expect(page.locator("main")).to_contain_text("Antrean elektronik dan CCTV")
    page.goto(f"{base}/rencana-aksi/{pd.rencana.public_id}/")
    expect(high).to_have_count(1)
    expect(high).to_contain_text(RISK_LEFT)
    with scope(world.instansi_a.pk):
        assert Kegiatan.objects.get(rencana=pd.rencana).risiko.title == RISK_ANSWERED
    screenshot(page, "pendampingan-plan-high-risks")

    # --- ani uploads the team's SK -----------------------------------------------------------------------
    page.goto(hub + "tim/")
    page.locator("input[name=sk-sk_number]").fill(SK_NUMBER)
    page.locator("input[name=sk-sk_date]").fill(datetime.date(tahun, 1, 15).isoformat())
    page.locator("input[name=sk-file]").set_input_files(str(sk))
    page.locator("form[action$='/tim/sk/'] [type=submit]").click()
    expect(page.get_by_test_id("sk")).to_contain_text(SK_NUMBER)
    assert TimKerja.unscoped.get(pk=pd.tim.pk).sk_file_id is not None
    screenshot(page, "pendampingan-tim")

    # --- Sari (pokja of area 1) asks the TPI about LKE soal 1 -----------------------------------------
    sari = new_page()
    log_in_with_password(sari, base, pd.sari_user.email)
    sari.goto(hub + "konsultasi/baru/")
    sari.locator("input[name=subject]").fill("Bukti pembentukan tim kerja")
    sari.locator("input[name=soal]").fill("1")
    sari.locator("textarea[name=body]").fill("Apakah SK tim kerja saja cukup sebagai bukti soal 1?")
    sari.get_by_test_id("ask-send").click()
    expect(sari).to_have_url(re.compile(r"/pendampingan/konsultasi/[0-9a-f-]{36}/$"))
    expect(sari.get_by_test_id("thread-status")).to_have_text("Buka")
    thread_url = sari.url
    thread = Konsultasi.unscoped.get()
    assert thread.soal.portalrb_soal_id == 1
    assert thread.created_by == pd.sari_user

    # --- Budi (TPI) finds it in his inbox and answers ----------------------------------------------------
    budi = new_page()
    log_in_with_mfa(budi, base, world.budi.email, world.totp_secrets["budi"])
    budi.goto(f"{base}/pendampingan/tpi/")
    budi.get_by_role("link", name="Bukti pembentukan tim kerja").click()
    budi.locator("textarea[name=body]").fill("Cukup, asal SK ditandatangani dan memuat susunan pokja.")
    budi.get_by_test_id("reply-send").click()
    expect(budi.get_by_test_id("thread-status")).to_have_text("Dijawab")
    screenshot(budi, "pendampingan-thread-answered")

    # --- Sari sees the answer ----------------------------------------------------------------------------
    sari.goto(thread_url)
    expect(sari.get_by_test_id("message")).to_have_count(2)
    expect(sari.get_by_test_id("message").last).to_contain_text("asal SK ditandatangani")
    expect(sari.get_by_test_id("thread-status")).to_have_text("Dijawab")
    assert PesanKonsultasi.unscoped.filter(konsultasi=thread).count() == 2
    assert Konsultasi.unscoped.get(pk=thread.pk).status == KonsultasiStatus.ANSWERED

    # --- the worksheet offers "Ya" for soal 1 from the team's SK, and links to it ----------------------
    sari.goto(hub + "tim/")  # the pokja member reaches the worksheet from the tabs
    sari.get_by_test_id("lke-link").click()
    suggestion = sari.get_by_test_id("pd-suggest-1")
    expect(suggestion).to_contain_text("Ya")
    expect(suggestion).to_contain_text(SK_NUMBER)
    screenshot(sari, "pendampingan-worksheet-suggestion")
    suggestion.get_by_role("link").click()
    expect(sari.get_by_test_id("sk")).to_contain_text(SK_NUMBER)
