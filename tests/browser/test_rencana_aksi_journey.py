"""The rencana aksi journey in Chromium: ani (tim kerja of A1) plans a kegiatan supporting an LKE
soal and submits the plan → Hadi (pimpinan unit, MFA) approves → ani reports the realisasi of the
current period with a PDF → Hadi verifies → the dashboard moves → ani attaches that evidence to
the LKE soal without uploading it again.

Set up through fixtures only: the LKE imported and A1's penilaian open (``lke``), Sari on A1's
roster, Hadi's membership. Everything else goes through the pages.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator

import pytest
from django.utils import timezone
from playwright.sync_api import Browser, Page, expect

from apps.audit.models import AuditEvent
from apps.notifications.models import Notification
from apps.penilaian.models import Jawaban, Tier
from apps.rencana_aksi.models import Kegiatan, PlanStatus, Realisasi, RealisasiStatus, RencanaAksi
from apps.tenancy.roles import Role
from apps.tenancy.scope import scope
from tests.browser.test_lke_journey import log_in_with_password
from tests.browser.test_login_journey import log_in_with_mfa
from tests.browser_fixtures import screenshot
from tests.conftest import enrol_totp
from tests.factories import MembershipFactory, PegawaiFactory, UserFactory
from tests.penilaian.conftest import LKEWorld, lke
from tests.rencana_aksi.test_services import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

__all__ = ["lke"]  # fixture used by this module

KEGIATAN = "Penetapan agen perubahan unit"


@pytest.fixture
def hadi_page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield page
    context.close()
    assert errors == [], f"browser console errors: {errors}"


def test_plan_approve_report_verify_and_reuse_the_evidence_in_the_lke(
    page: Page, hadi_page: Page, live_server, lke: LKEWorld, tmp_path
) -> None:
    world = lke.world
    base = live_server.url
    tahun = lke.cycle.tahun
    today = timezone.localdate()
    sari = PegawaiFactory(unit=world.unit_a1, name="Sari Wulandari")
    hadi = UserFactory(email="hadi@alfa.go.id", name="Hadi Pimpinan")
    MembershipFactory(user=hadi, instansi=world.instansi_a, unit=world.unit_a1, role=Role.PIMPINAN_UNIT)
    secret = enrol_totp(hadi)
    soal = next(s for s in lke.template.soal.select_related("node").order_by("order") if s.node.area == 1)
    evidence = tmp_path / "sk-agen-perubahan.pdf"
    # A few hundred kB (a PDF with a long comment), so the upload's progress bar can be watched.
    evidence.write_bytes(PDF.replace(b"\n1 0 obj", b"\n%" + b"z" * 400_000 + b"\n1 0 obj", 1))

    # --- ani starts A1's plan and adds a kegiatan ----------------------------------------------------
    log_in_with_password(page, base, world.ani.email)
    page.goto(f"{base}/rencana-aksi/?tahun={tahun}")
    page.locator("[data-testid=plan-create] select[name=unit]").select_option(str(world.unit_a1.public_id))
    page.locator("[data-testid=plan-create] [type=submit]").click()
    expect(page.locator("h1")).to_contain_text(world.unit_a1.name)
    page.locator("a[href$='/kegiatan/baru/']").click()
    page.locator("select[name=area]").select_option("1")
    page.locator("textarea[name=description]").fill(KEGIATAN)
    page.locator("input[name=output]").fill("SK agen perubahan")
    page.locator("input[name=indicator]").fill("SK ditetapkan")
    page.locator("input[name=target_value]").fill("1")
    page.locator("input[name=target_unit]").fill("dokumen")
    page.locator("select[name=pic]").select_option(str(sari.public_id))
    page.locator(f"input[name=months][value='{today.month}']").check()
    page.locator("input[name=deadline]").fill(datetime.date(tahun, 12, 31).isoformat())
    page.locator("select[name=soal]").select_option(str(soal.portalrb_soal_id))
    page.get_by_test_id("kegiatan-save").click()
    expect(page.locator("main")).to_contain_text(KEGIATAN)
    page.get_by_test_id("plan-submit").click()
    screenshot(page, "rencana-aksi-submitted")
    with scope(world.instansi_a.pk):
        rencana = RencanaAksi.objects.get(unit=world.unit_a1, cycle=lke.cycle)
        assert rencana.status == PlanStatus.SUBMITTED
    plan_url = f"{base}/rencana-aksi/{rencana.public_id}/"

    # --- Hadi (pimpinan unit) approves ---------------------------------------------------------------
    log_in_with_mfa(hadi_page, base, hadi.email, secret)
    hadi_page.goto(plan_url)
    hadi_page.get_by_test_id("plan-approve").click()
    expect(hadi_page.get_by_test_id("plan-approve")).to_have_count(0)
    with scope(world.instansi_a.pk):
        assert RencanaAksi.objects.get(pk=rencana.pk).status == PlanStatus.APPROVED
    expect(hadi_page.get_by_test_id("overall")).to_have_text("0 %")

    # --- ani reports the realisasi of this period with a PDF --------------------------------------------
    with scope(world.instansi_a.pk):
        kegiatan = Kegiatan.objects.get(rencana=rencana)
    periode = f"{tahun}-{today.month:02d}"
    page.goto(f"{base}/rencana-aksi/kegiatan/{kegiatan.public_id}/")
    page.get_by_test_id(f"report-{periode}").click()
    page.locator("input[name=progress]").fill("60")
    page.locator("input[name=value]").fill("0.6")
    page.locator("textarea[name=narrative]").fill("Draf SK agen perubahan sudah diparaf.")
    page.locator("input[name=files]").set_input_files(str(evidence))
    # Issue 21: a slow line (200 kB/s up) shows the upload's progress bar; a double click on
    # "Ajukan untuk verifikasi" saves and mails once and never reports "someone else saved".
    cdp = page.context.new_cdp_session(page)
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 20, "downloadThroughput": -1, "uploadThroughput": 200_000},
    )
    page.get_by_test_id("realisasi-submit").dblclick()
    expect(page.locator("progress.zi-upload-progress")).to_be_visible()
    expect(page.get_by_test_id("realisasi-submit")).to_have_attribute("aria-busy", "true")
    screenshot(page, "rencana-aksi-upload-progress")
    expect(page).to_have_url(re.compile(r"/rencana-aksi/realisasi/[0-9a-f-]{36}/$"))
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    expect(page.get_by_test_id("realisasi-progress")).to_have_text("60 %")
    expect(page.locator("main")).not_to_contain_text("Pengguna lain")
    with scope(world.instansi_a.pk):
        assert Realisasi.objects.filter(kegiatan=kegiatan).count() == 1
        assert AuditEvent.objects.filter(verb__startswith="realisasi.").count() == 1
        told = Notification.objects.filter(kind="realisasi_submitted", recipient=hadi)
        assert len(set(told.values_list("key", flat=True))) == 1  # told once (the key holds the submit time)
    realisasi_url = page.url
    screenshot(page, "rencana-aksi-realisasi-submitted")

    # --- Hadi verifies; the dashboard moves ------------------------------------------------------------
    hadi_page.goto(realisasi_url)
    hadi_page.get_by_test_id("realisasi-verify").click()
    expect(hadi_page.get_by_test_id("realisasi-verify")).to_have_count(0)
    with scope(world.instansi_a.pk):
        realisasi = Realisasi.objects.get(kegiatan=kegiatan)
        assert realisasi.status == RealisasiStatus.VERIFIED
        bukti = realisasi.evidence.get()
    hadi_page.goto(plan_url)
    expect(hadi_page.get_by_test_id("overall")).to_have_text("60 %")
    expect(hadi_page.get_by_test_id("area-1")).to_contain_text("60 %")
    # The plan's progress over the periods, drawn (issue 21), with its numbers in a table.
    progress = hadi_page.get_by_test_id("chart").first
    expect(progress.locator("svg[role=img]")).to_be_visible()
    expect(progress.locator("table")).to_contain_text("60 %")
    screenshot(hadi_page, "rencana-aksi-dashboard")

    # --- ani attaches the same file to the LKE soal the kegiatan supports -----------------------------
    page.goto(f"{base}/rencana-aksi/kegiatan/{kegiatan.public_id}/")
    page.get_by_test_id("to-lke").click()
    expect(page.locator("main")).to_contain_text(str(soal.portalrb_soal_id))
    with scope(world.instansi_a.pk):
        jawaban = Jawaban.objects.get(penilaian=lke.penilaian, soal=soal, tier=Tier.UNIT, level=0)
        assert list(jawaban.evidence.all()) == [bukti]
    screenshot(page, "rencana-aksi-evidence-in-lke")
