"""Deleting asks first and can be undone (issue 21), in Chromium on a desktop and on a phone: ani
records a risk on the diagnosis hub, deletes it (the browser asks; dismissing keeps it; accepting
deletes it), then presses "Urungkan" in the message and the risk is back."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from apps.diagnosis.models import Risiko
from apps.rencana_aksi.models import Kegiatan
from apps.rencana_aksi.services.kegiatan import kegiatan_save
from apps.tenancy.scope import scope
from tests.browser.test_lke_journey import log_in_with_password
from tests.browser.test_pendampingan_journey import record_risk
from tests.browser_fixtures import screenshot
from tests.pendampingan.conftest import PDWorld, lke, pd

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

__all__ = ["lke", "pd"]  # fixtures used by this module

RISK = "Pungli di loket perizinan"


def delete_and_undo(page: Page, base: str, pd: PDWorld, name: str) -> None:
    log_in_with_password(page, base, pd.world.ani.email)
    # The dashboard draws its numbers (issue 21): an SVG chart, its table one click away.
    page.goto(f"{base}/dasbor/")
    chart = page.get_by_test_id("chart").first
    expect(chart.locator("svg[role=img]")).to_be_visible()
    assert chart.locator("svg[role=img] rect").count() > 0
    chart.locator("summary").click()
    expect(chart.locator("table th[scope=row]").first).to_be_visible()
    # Larger text, chosen once, stays on every later page.
    normal = page.evaluate("() => parseFloat(getComputedStyle(document.documentElement).fontSize)")
    page.get_by_test_id("text-large").click()
    page.goto(f"{base}/notifikasi/")
    larger = page.evaluate("() => parseFloat(getComputedStyle(document.documentElement).fontSize)")
    assert larger > normal * 1.1
    expect(page.get_by_test_id("text-normal")).to_be_visible()
    page.goto(f"{base}/pendampingan/unit/{pd.world.unit_a1.public_id}/{pd.tahun}/")
    record_risk(page, RISK, "5", "4", str(pd.joko.public_id))
    risiko = Risiko.unscoped.get(title=RISK)
    delete = page.get_by_test_id(f"delete-{risiko.public_id}")

    page.once("dialog", lambda dialog: dialog.dismiss())  # "Hapus …?" — no
    delete.click()
    expect(page.get_by_test_id("priorities")).to_contain_text(RISK)
    risiko.refresh_from_db()
    assert risiko.deleted_at is None

    page.once("dialog", lambda dialog: dialog.accept())  # yes
    delete.click()
    expect(page.locator(".zi-messages")).to_contain_text(f"“{RISK}” telah dihapus.")
    expect(page.get_by_test_id("priorities")).not_to_contain_text(RISK)
    screenshot(page, f"undo-{name}")
    page.get_by_test_id("undo").click()
    expect(page.locator(".zi-messages")).to_contain_text(f"“{RISK}” telah dipulihkan.")
    expect(page.get_by_test_id("priorities")).to_contain_text(RISK)
    risiko.refresh_from_db()
    assert risiko.deleted_at is None


def test_delete_asks_and_undo_brings_it_back(page: Page, live_server, pd: PDWorld) -> None:
    delete_and_undo(page, live_server.url, pd, "desktop")


def test_delete_and_undo_on_a_phone(phone_page: Page, live_server, pd: PDWorld) -> None:
    delete_and_undo(phone_page, live_server.url, pd, "phone")


def test_a_kegiatan_deleted_and_brought_back(page: Page, live_server, pd: PDWorld) -> None:
    """The same on the rencana aksi: the kegiatan page asks, the plan page says it was deleted and
    offers "Urungkan", which lands back on the kegiatan."""
    with scope(pd.world.instansi_a.pk):
        kegiatan = kegiatan_save(
            actor=pd.actor(pd.world.ani), rencana=pd.rencana, data=pd.kegiatan_data(description="Reviu SAKIP unit")
        )
    base = live_server.url
    log_in_with_password(page, base, pd.world.ani.email)
    page.goto(f"{base}/rencana-aksi/kegiatan/{kegiatan.public_id}/")
    page.get_by_text("Hapus kegiatan ini").click()  # the <details> holding the button
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("kegiatan-delete").click()
    expect(page.locator(".zi-messages")).to_contain_text("“Reviu SAKIP unit” telah dihapus.")
    assert Kegiatan.unscoped.get(pk=kegiatan.pk).deleted_at is not None
    page.get_by_test_id("undo").click()
    expect(page.locator(".zi-messages")).to_contain_text("“Reviu SAKIP unit” telah dipulihkan.")
    expect(page.locator("h1")).to_contain_text("Reviu SAKIP unit")
    assert Kegiatan.unscoped.get(pk=kegiatan.pk).deleted_at is None
