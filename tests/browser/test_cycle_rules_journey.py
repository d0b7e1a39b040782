"""The rules of the cycle in a real browser (issue 17):

* a unit whose final TPI tier misses the thresholds cannot be proposed; as an afirmasi unit it can,
  with a written reason that the frozen snapshot keeps;
* a TPI reviewer returns every blank item of an incomplete LKE in one action;
* a TPN evaluator records the desk answers and a result in the browser.

Set-up goes through the services; what the issue names goes through the pages.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from apps.pemantauan.models import PeringatanDini
from apps.pengusulan.models import Pengusulan, PengusulanSnapshot, PengusulanStatus, PredikatUnit
from apps.penilaian.models import ItemReturn, PenilaianStatus
from apps.penilaian.services.review import penilaian_submit
from apps.tenancy.roles import Role
from apps.tenancy.scope import scope
from apps.tpn.models import TPNResult
from tests.browser.test_login_journey import log_in_with_mfa
from tests.browser.test_pengusulan_journey import _pimpinan
from tests.browser_fixtures import screenshot
from tests.conftest import enrol_totp
from tests.factories import MembershipFactory, UserFactory
from tests.pengusulan.test_thresholds import BELOW_REASON, failing_draft
from tests.penilaian.conftest import PARTIAL, LKEWorld, lke
from tests.penilaian.test_review_support import fill
from tests.tpn.conftest import TPNWorld, prb, tpn

STAGE_PASSED = "Seleksi administrasi: lulus"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

__all__ = ["lke", "prb", "tpn"]  # fixtures used by this module


def _accepting(page: Page) -> Page:
    page.on("dialog", lambda dialog: dialog.accept())
    return page


def test_a_failing_unit_cannot_be_proposed_but_an_afirmasi_unit_can_with_its_reason(
    page: Page, live_server, lke: LKEWorld
) -> None:
    hendra, secret = _pimpinan(lke.world)
    draft = failing_draft(lke)
    boss = _accepting(page)
    log_in_with_mfa(boss, live_server.url, hendra.email, secret)
    boss.goto(f"{live_server.url}/pengusulan/{draft.public_id}/")
    gate = boss.locator("[data-thresholds]").first
    expect(gate).to_have_attribute("data-thresholds", "not-met")
    expect(boss.locator("[data-threshold='ipak']").first).to_have_attribute("data-passed", "no")
    expect(boss.locator("[data-cannot-propose]").first).to_be_visible()
    expect(boss.locator("form[action$='/ajukan/']")).to_have_count(0)
    screenshot(boss, "pengusulan-below-threshold")

    # The same unit as an afirmasi (Stranas PK) unit: the confirmation asks for the reason.
    Pengusulan.unscoped.filter(pk=draft.pk).update(afirmasi=True)
    boss.goto(f"{live_server.url}/pengusulan/{draft.public_id}/ajukan/")
    expect(boss.locator("[data-lke-total]")).to_be_visible()
    expect(boss.locator("[data-threshold='ipak']").first).to_contain_text("IPAK")  # the failing rule and its gap
    expect(boss.locator("textarea[name=afirmasi_reason]")).to_be_visible()
    draft.refresh_from_db()
    assert draft.status == PengusulanStatus.DRAFT
    boss.locator("textarea[name=afirmasi_reason]").fill(BELOW_REASON)
    boss.locator("main form[action$='/ajukan/'] [type=submit]").click()
    expect(boss.locator("[data-afirmasi-reason]")).to_have_text(BELOW_REASON)
    screenshot(boss, "pengusulan-afirmasi-proposed")
    draft.refresh_from_db()
    assert draft.status == PengusulanStatus.PROPOSED
    frozen = PengusulanSnapshot.unscoped.get(pengusulan=draft).data["thresholds"]
    assert frozen["afirmasi_reason"] == BELOW_REASON
    assert "ipak" in frozen["failing"]


def test_a_tpi_returns_every_blank_item_at_once(page: Page, live_server, lke: LKEWorld) -> None:
    fill(lke, only=set(range(1, 23)))
    with scope(lke.world.instansi_a.pk):
        penilaian_submit(actor=lke.actor(lke.world.ani), penilaian=lke.penilaian, incomplete_reason=PARTIAL)
    tpi = _accepting(page)
    log_in_with_mfa(tpi, live_server.url, lke.world.budi.email, lke.world.totp_secrets["budi"])
    tpi.goto(f"{live_server.url}/penilaian/{lke.penilaian.public_id}/telaah/")
    button = tpi.get_by_test_id("return-unanswered")
    expect(button).to_contain_text("105")
    button.click()
    expect(tpi.locator(".zi-msg-success, [role=status]").first).to_contain_text("105")
    screenshot(tpi, "tpi-returned-all-blanks")
    lke.penilaian.refresh_from_db()
    assert lke.penilaian.status == PenilaianStatus.REVISION
    assert ItemReturn.unscoped.filter(penilaian=lke.penilaian).count() == 105


def test_a_tpn_evaluator_records_a_result_in_the_browser(page: Page, live_server, tpn: TPNWorld) -> None:
    rani = UserFactory(email="rani@tpn.menpan.go.id", name="Rani Evaluator")
    MembershipFactory(user=rani, instansi=None, role=Role.TPN_EVALUATOR)
    secret = enrol_totp(rani)
    evaluator = _accepting(page)
    log_in_with_mfa(evaluator, live_server.url, rani.email, secret)
    detail = f"{live_server.url}/nasional/pengusulan/{tpn.prb.wbk.public_id}/"
    evaluator.goto(detail)
    form = evaluator.locator("[data-tpn-record] form")
    form.locator("select[name=stage]").select_option("administrasi")
    form.locator("select[name=outcome]").select_option("lulus")
    form.locator("textarea[name=notes]").fill("Berkas lengkap.")
    evaluator.get_by_test_id("tpn-record").click()
    expect(evaluator.get_by_test_id("stage")).to_have_text(STAGE_PASSED)

    evaluator.locator("[data-tpn-desk]").click()
    evaluator.locator("tr[data-soal='1'] select").select_option("Ya")
    evaluator.locator("input[name=note_1]").fill("Sesuai bukti.")
    evaluator.get_by_test_id("tpn-answers-save").click()
    expect(evaluator.locator("h1")).to_contain_text(tpn.prb.wbk.unit.name)

    form = evaluator.locator("[data-tpn-record] form")
    form.locator("select[name=stage]").select_option("desk")
    form.locator("textarea[name=notes]").fill("Desk evaluasi selesai.")
    evaluator.get_by_test_id("tpn-record").click()
    expect(evaluator.locator("main")).to_contain_text("Desk evaluasi selesai.")
    screenshot(evaluator, "tpn-desk-in-browser")
    results = list(TPNResult.unscoped.filter(pengusulan=tpn.prb.wbk).order_by("created_at"))
    assert [(r.stage, r.outcome) for r in results] == [("administrasi", "lulus"), ("desk", "selesai")]
    assert results[1].scores["total"]
    assert all(r.recorded_by == rani for r in results)


def test_a_public_complaint_raises_an_early_warning_on_a_predicated_unit(
    page: Page, phone_page: Page, live_server, world
) -> None:
    tahun = timezone.localdate().year
    PredikatUnit.unscoped.create(
        instansi=world.instansi_a,
        unit=world.unit_a1,
        predikat="WBK",
        tahun=tahun - 2,
        decree_number=f"KEP/WBK/{tahun - 2}",
        decree_date=datetime.date(tahun - 2, 12, 9),
    )
    # A service user reports on a phone, without logging in.
    phone_page.goto(f"{live_server.url}/aduan/{world.unit_a1.public_id}/")
    expect(phone_page.locator("h1")).to_be_visible()
    phone_page.locator("textarea[name=isi]").fill("Petugas loket meminta uang tambahan untuk mempercepat izin.")
    phone_page.get_by_test_id("complaint-send").click()
    expect(phone_page.locator("[data-complaint-done]")).to_be_visible()
    screenshot(phone_page, "pengaduan-sent-phone")

    # The admin ZI sees the early warning on the unit's monitoring page.
    log_in_with_mfa(page, live_server.url, world.citra.email, world.totp_secrets["citra"])
    page.goto(f"{live_server.url}/pemantauan/")
    unit = page.locator(f"[data-monitored='{world.unit_a1.code}']")
    expect(unit.locator("[data-warning='pengaduan']")).to_contain_text("uang tambahan")
    expect(unit.locator("[data-complaints]")).to_have_text("1")
    screenshot(page, "pemantauan-early-warning")
    assert PeringatanDini.unscoped.get().jenis == "pengaduan"
