"""Browser journey of issue 16 (Playwright on Debian's Chromium, strict CSP): a unit uploads a real
Lampiran III workbook — short count labels, notes in P and links in Q, a typed total that disagrees
with its parts, one answer nobody can read — sees the row it could not read (sheet, row, column) and
the total's warning with its row, confirms, and finds everything else imported; on the worksheet a
saved item updates answered/total beside its sub-area's score in place."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from apps.lke.excel import messages as m
from apps.lke.excel import workbook_layout
from apps.lke.selectors import template_spec
from apps.penilaian.models import Jawaban, Tier
from apps.tenancy.scope import scope
from tests.browser_fixtures import screenshot
from tests.lke.corpus import generate
from tests.penilaian.conftest import LKEWorld, lke  # noqa: F401  (the lke fixture)
from tests.penilaian.test_worksheet_browser import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_real_lampiran_iii_is_previewed_with_its_problems_and_imported_after_confirmation(
    page: Page,
    live_server,
    lke: LKEWorld,  # noqa: F811
    tmp_path,
) -> None:
    spec, layout = template_spec(lke.template.pk), workbook_layout(lke.template.pk)
    generated = next(
        g
        for seed in range(20, 80)
        if (
            g := generate(
                spec, layout, seed, layout_name="lke_zi", mutations=("typed_totals", "text_numbers"), real_world=True
            )
        ).must_warn
        and g.answers.get(2) is not None
    )  # a wrong total over answered counts
    sheet = generated.workbook.active
    bad_row = generated.row_of[2]
    sheet[f"K{bad_row}"] = "Mungkin"  # not an option of soal 2
    path = tmp_path / "lampiran-iii.xlsx"
    generated.workbook.save(path)

    log_in(page, live_server.url, lke.world.ani.email)
    page.goto(f"{live_server.url}/penilaian/{lke.penilaian.public_id}/excel/impor/")
    page.locator("input[type=file]").set_input_files(str(path))
    page.locator("main form[enctype] button[type=submit]").click()

    problems = page.get_by_test_id("import-problems")
    expect(problems).to_contain_text(sheet.title)
    expect(problems.locator("tr", has_text="Mungkin")).to_contain_text(str(bad_row))
    expect(problems.locator("tr", has_text="Mungkin").locator("td").nth(2)).to_have_text("K")
    prefix = str(m.TYPED_TOTAL_DISAGREES).split("{")[0]
    for row in generated.must_warn:
        expect(page.locator("main")).to_contain_text(re.compile(rf"{row}: {re.escape(prefix)}"))
    screenshot(page, "lke-import-preview")
    with scope(lke.world.instansi_a.pk):
        assert not Jawaban.objects.filter(penilaian=lke.penilaian).exists()  # nothing before confirming

    page.locator("main form:not([enctype]) button[type=submit]").click()
    page.wait_for_url(f"**/penilaian/{lke.penilaian.public_id}/")
    with scope(lke.world.instansi_a.pk):
        saved = {
            j.soal.portalrb_soal_id: j.answer
            for j in Jawaban.objects.filter(penilaian=lke.penilaian, tier=Tier.UNIT).select_related("soal")
        }
    expected = {i: a for i, a in generated.answers.items() if a is not None and i != 2}
    assert {i: saved.get(i) for i in expected} == expected
    assert 2 not in saved


def test_a_saved_item_updates_answered_of_total_beside_its_score(page: Page, live_server, lke: LKEWorld) -> None:  # noqa: F811
    log_in(page, live_server.url, lke.world.ani.email)
    page.goto(f"{live_server.url}/penilaian/{lke.penilaian.public_id}/lke/pemenuhan-1/")
    expect(page.locator("#done-node-4")).to_contain_text("0/2")
    item = page.locator("#soal-2")
    item.locator("input[value=A]").check()
    item.locator("#save-2").click()
    expect(page.locator("#done-node-4")).to_contain_text("1/2")
    expect(page.locator("#done-section")).to_contain_text("1/12")
