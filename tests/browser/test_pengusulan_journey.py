"""The Pengusulan journey: the TPI recommends → the pimpinan instansi prepares the letter, confirms
the SPTJM and proposes A1 for WBK → the admin ZI sees A1 in the PortalRB preview → a TPN evaluator
records an administrative result through ``/api/v1/`` → the instansi's pengusulan page shows it.

Set up through services: the LKE of A1, answered by the unit and TPI tier 1 and closed (one tier),
and later the Tabel 5 facts of A and A1. Everything the issue names goes through the browser, and
the TPN write goes over HTTP against the live server with a personal national token.
"""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from apps.accounts.models import User
from apps.nasional.selectors import STAGE_LABELS
from apps.pengusulan.models import Pengusulan, PengusulanStatus
from apps.penilaian.models import PenilaianStatus, Recommendation, Tier
from apps.penilaian.services.review import penilaian_tier_complete
from apps.tenancy.models import Membership
from apps.tenancy.roles import Role
from apps.tenancy.scope import scope
from apps.tpn.models import TPNResult
from apps.tpn.services import api_token_issue
from tests.browser.test_login_journey import log_in_with_mfa
from tests.browser_fixtures import screenshot
from tests.conftest import PASSWORD, World, enrol_totp
from tests.factories import MembershipFactory, UserFactory
from tests.pengusulan.helpers import eligible_facts
from tests.penilaian.conftest import LKEWorld, lke
from tests.penilaian.test_review_support import fill, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

__all__ = ["lke"]  # fixture used by this module

REASONS = "Seluruh area memenuhi ambang batas minimal; unit layak diusulkan menuju WBK."
TPN_NOTES = "Berkas administrasi lengkap: surat pengusulan dan SPTJM sesuai."


def _closed_by_tier_1(lke: LKEWorld) -> None:
    """The unit answers every soal and submits; budi answers every soal at tier 1 and closes."""
    fill(lke)
    submit(lke)
    fill(lke, tier=Tier.TPI, level=1)
    with scope(lke.world.instansi_a.pk):
        penilaian_tier_complete(actor=lke.actor(lke.world.budi), penilaian=lke.penilaian)
        lke.penilaian.refresh_from_db()
    assert lke.penilaian.status == PenilaianStatus.CLOSED


def _pimpinan(world: World) -> tuple[User, str]:
    """Hendra, pimpinan instansi of A (MFA enrolled): the user and the TOTP secret."""
    user = UserFactory(email="hendra@alfa.go.id", name="Hendra Wijaya")
    MembershipFactory(user=user, instansi=world.instansi_a, role=Role.PIMPINAN_INSTANSI)
    return user, enrol_totp(user)


@pytest.fixture
def second_page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context for each next person (sessions stay apart)."""
    contexts = []

    def make() -> Page:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())
        return page

    yield make  # type: ignore[misc]
    for context in contexts:
        context.close()


def test_recommend_propose_preview_and_tpn_result(
    page: Page, second_page, live_server, world: World, lke: LKEWorld
) -> None:
    base = live_server.url
    tahun = lke.cycle.tahun
    pid = lke.penilaian.public_id
    page.on("dialog", lambda dialog: dialog.accept())
    _closed_by_tier_1(lke)

    # --- budi (TPI) records the recommendation on the review summary ---------------------------------
    log_in_with_mfa(page, base, world.budi.email, world.totp_secrets["budi"])
    page.goto(f"{base}/penilaian/{pid}/telaah/")
    page.locator("input[name=decision][value=layak_wbk]").check()
    page.locator("textarea[name=reasons]").fill(REASONS)
    screenshot(page, "pengusulan-tpi-recommends")
    page.locator("[data-testid=recommend]").click()
    expect(page).to_have_url(re.compile(r"/laporan/[0-9a-f-]{36}/$"))  # the LHE is queued
    with scope(world.instansi_a.pk):
        assert Recommendation.objects.get(penilaian=lke.penilaian).decision == Recommendation.Decision.LAYAK_WBK

    # --- The Tabel 5 facts of A and A1 (set by the admin ZI, here through the services) -------------
    eligible_facts(lke)

    # --- The pimpinan instansi: the letter, the SPTJM, A1 for WBK, submit ------------------------------
    hendra, secret = _pimpinan(world)
    boss = second_page()
    log_in_with_mfa(boss, base, hendra.email, secret)
    boss.goto(f"{base}/pengusulan/surat/?tahun={tahun}")
    boss.locator("input[name=number]").fill(f"B/120/ZI/{tahun}")
    boss.locator("input[name=date]").fill(f"{tahun}-05-02")
    boss.locator("main form[enctype] [type=submit]").click()
    boss.locator("input[name=confirm]").check()
    boss.locator("input[name=password]").fill(PASSWORD)
    boss.locator("form[action$='/sptjm/'] [type=submit]").click()
    expect(boss.locator("#sptjm-heading + p")).to_be_visible()
    expect(boss.locator("main")).to_contain_text(hendra.name)
    screenshot(boss, "pengusulan-sptjm-confirmed")

    boss.goto(f"{base}/pengusulan/?tahun={tahun}")
    candidate = boss.locator("article", has_text=world.unit_a1.name)
    candidate.locator("select[name=predikat]").select_option("WBK")
    candidate.locator("button[type=submit]").click()
    expect(boss.locator("h1")).to_contain_text(world.unit_a1.name)
    boss.locator("form[action$='/ajukan/'] [type=submit]").click()
    expect(boss.locator("code.zi-hash").first).to_be_visible()  # the frozen snapshot's hash
    screenshot(boss, "pengusulan-proposed")
    with scope(world.instansi_a.pk):
        pengusulan = Pengusulan.objects.get(unit=world.unit_a1)
        assert pengusulan.status == PengusulanStatus.PROPOSED
        assert pengusulan.predikat == "WBK"
    detail_url = boss.url

    # --- citra (admin ZI) sees A1 in the PortalRB preview -----------------------------------------------
    admin = second_page()
    log_in_with_mfa(admin, base, world.citra.email, world.totp_secrets["citra"])
    admin.goto(f"{base}/portalrb/")
    preview = admin.locator("#prb-preview + h3 + pre")
    expect(preview).to_contain_text(str(world.unit_a1.public_id))
    expect(preview).to_contain_text(world.unit_a1.name)
    expect(preview).to_contain_text('"WBK"')
    screenshot(admin, "pengusulan-portalrb-preview")

    # --- TPN records the administrative result through /api/v1/ -----------------------------------------
    evaluator = UserFactory(email="tpn.evaluator@menpan.go.id", name="Taufik Evaluator TPN")
    Membership.objects.create(user=evaluator, instansi=None, role=Role.TPN_EVALUATOR)
    evaluator_secret = enrol_totp(evaluator)
    raw = api_token_issue(user=evaluator, name="Jurnal uji").raw
    request = urllib.request.Request(  # noqa: S310  (http to the live test server)
        f"{base}/api/v1/pengusulan/{pengusulan.public_id}/hasil/",
        data=json.dumps({"stage": "administrasi", "outcome": "lulus", "notes": TPN_NOTES}).encode(),
        headers={"Authorization": f"Bearer {raw}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310  (the live test server)
        assert response.status == 201
        body = json.loads(response.read())
    assert body["stage"] == "administrasi"
    assert body["outcome"] == "lulus"
    assert TPNResult.unscoped.filter(pengusulan=pengusulan).count() == 1

    # --- The national view (read-only) shows A1 at its new stage, with its scores ---------------------
    tpn_page = second_page()
    log_in_with_mfa(tpn_page, base, evaluator.email, evaluator_secret)
    tpn_page.goto(f"{base}/nasional/pengusulan/?tahun={tahun}")
    row = tpn_page.locator("tr", has_text=world.unit_a1.name)
    expect(row.get_by_test_id("stage")).to_have_text(str(STAGE_LABELS["administrasi_lulus"]))
    row.get_by_role("link", name=world.unit_a1.name).click()
    expect(tpn_page.locator("section[aria-labelledby=tpn-heading]")).to_contain_text(TPN_NOTES)
    screenshot(tpn_page, "pengusulan-national-detail")

    # --- The instansi's pengusulan page shows the TPN result ----------------------------------------------
    boss.goto(detail_url)
    tpn = boss.locator("section[aria-labelledby=tpn-heading]")
    expect(tpn).to_contain_text(TPN_NOTES)
    screenshot(boss, "pengusulan-tpn-result")
