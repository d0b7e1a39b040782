"""Staff pages: opening a period, services and links, results with indices, exports, the PDF report,
and the suggestion beside the LKE's IPAK/IPKP soal (never written into the answer)."""

from __future__ import annotations

import csv
import datetime
import io

from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from apps.audit.models import AuditEvent
from apps.demo.seed.survei import seed_survei
from apps.penilaian.models import Jawaban, Penilaian
from apps.reports.models import Report, ReportStatus
from apps.reports.services import report_render
from apps.survei import services
from apps.survei.models import Layanan, Survei, SurveiStatus
from apps.survei.selectors import lke_suggestion
from apps.tenancy.models import Membership
from apps.tenancy.scope import scope
from tests.penilaian.conftest import LKEWorld, lke
from tests.survei.conftest import SurveiWorld, answers, make_layanan, make_survei, post_answer

__all__ = ["lke"]  # fixture used by this module


def _answer(sv: SurveiWorld, rows: list[dict[str, str]], layanan: Layanan | None = None) -> None:
    with scope(sv.world.instansi_a.pk):
        for number, row in enumerate(rows):
            services.respons_submit(
                survei=sv.survei, layanan=layanan or sv.layanan, device_id=f"perangkat-{number}", answers=row
            )


# The SPAK rows of tests/survei/test_indices.py (index 5.25 → LKE 3.40); SPKP all 5 (→ 3.20).
SPAK_ROWS = [(6, 6, 6, 6, 6), (5, 5, 5, 5, 5), (6, 6, 5, 5, 6), (3, 5, 4, 5, 5)]


def _rows() -> list[dict[str, str]]:
    return [answers(5, **{f"spak{i + 1}": v for i, v in enumerate(row)}) for row in SPAK_ROWS]


def test_tim_kerja_opens_a_period_for_own_unit_only(world, login) -> None:
    ani = login(world.ani)
    today = timezone.localdate()
    data = {
        "tahun": today.year,
        "label": "Semester I",
        "opens_on": today.isoformat(),
        "closes_on": datetime.date(today.year, 12, 31).isoformat(),
        "konversi": "linear",
    }
    other = ani.post(reverse("survei:survei-create"), {**data, "unit": world.unit_a2.public_id})
    assert other.status_code == 400  # A2 is outside ani's unit: not even offered
    bad = ani.post(
        reverse("survei:survei-create"),
        {**data, "unit": world.unit_a1.public_id, "closes_on": (today - datetime.timedelta(days=1)).isoformat()},
    )
    assert "Survei harus dibuka sebelum ditutup." in bad.content.decode()
    with scope(world.instansi_a.pk):
        assert not Survei.objects.exists()
    created = ani.post(reverse("survei:survei-create"), {**data, "unit": world.unit_a1.public_id})
    assert created.status_code == 302, created.content.decode()
    with scope(world.instansi_a.pk):
        survei = Survei.objects.get()
        assert survei.unit == world.unit_a1
        assert AuditEvent.objects.filter(verb="survei.create").exists()
    again = ani.post(reverse("survei:survei-create"), {**data, "unit": world.unit_a1.public_id})
    assert "sudah memiliki survei dengan periode ini" in again.content.decode()
    # the read-only member sees the list but may not open a period
    assert login(world.evi).get(reverse("survei:survei-list")).status_code == 200
    assert login(world.evi).get(reverse("survei:survei-create")).status_code == 403


def test_services_links_and_workflow(sv: SurveiWorld, login) -> None:
    ani = login(sv.world.ani)
    unit_url = reverse("survei:unit-detail", kwargs={"public_id": sv.world.unit_a1.public_id})
    page = ani.get(unit_url).content.decode()
    assert f"/s/{sv.layanan.token}/" in page
    assert "data:image/svg+xml;base64," in page  # the QR code
    duplicate = ani.post(
        reverse("survei:layanan-create", kwargs={"public_id": sv.world.unit_a1.public_id}),
        {"name": "  penerbitan IZIN usaha "},
    )
    assert duplicate.status_code == 400
    assert "sudah memiliki layanan dengan nama ini" in duplicate.content.decode()
    # the viewer may look but not change
    evi = login(sv.world.evi)
    assert evi.get(unit_url).status_code == 200
    toggle = reverse("survei:layanan-toggle", kwargs={"public_id": sv.layanan.public_id})
    assert evi.post(toggle).status_code == 403
    # a deactivated service's link stops accepting answers
    assert ani.post(toggle).status_code == 302
    assert Client().get(f"/s/{sv.layanan.token}/").status_code == 404
    ani.post(toggle)
    # closing the period
    close = reverse("survei:survei-close", kwargs={"public_id": sv.survei.public_id})
    ani.post(close)
    sv.survei.refresh_from_db()
    assert sv.survei.status == SurveiStatus.CLOSED
    refused = ani.post(close, follow=True)
    assert "Survei ini sudah ditutup." in refused.content.decode()


def test_results_page_shows_indices(sv: SurveiWorld, login) -> None:
    _answer(sv, _rows())
    page = login(sv.world.evi).get(reverse("survei:survei-detail", kwargs={"public_id": sv.survei.public_id}))
    body = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="lke-spak">3,40<' in body  # (5.25 − 1) × 0.8
    assert 'data-testid="lke-spkp">3,20<' in body  # (5 − 1) × 0.8
    assert 'data-testid="n-spak">4<' in body
    assert "sv-w-85" in body  # SPAK statement 4, mean 5.25: (5.25 − 1)/5 = 85 % of the bar
    history = login(sv.world.evi).get(reverse("survei:unit-detail", kwargs={"public_id": sv.world.unit_a1.public_id}))
    assert "3,40" in history.content.decode()
    # Drawn over time too (issue 21): the SVG and the same numbers in its table.
    chart = history.content.decode().split('<figure class="zi-chart"', 1)[1].split("</figure>", 1)[0]
    assert 'role="img"' in chart
    assert '<td class="zi-number">3,20</td><td class="zi-number">3,40</td>' in chart  # IPKP, IPAK


def test_exports(sv: SurveiWorld, login) -> None:
    trick = make_layanan(sv.world, name="=HYPERLINK(1)")
    _answer(sv, _rows()[:1])
    with scope(sv.world.instansi_a.pk):
        services.respons_submit(
            survei=sv.survei, layanan=trick, device_id="lain", answers=answers(4), profile={"jenis_kelamin": "p"}
        )
    client = login(sv.world.ani)
    raw = client.get(reverse("survei:survei-export", kwargs={"public_id": sv.survei.public_id, "fmt": "csv"}))
    assert raw["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(raw.content.decode("utf-8-sig"))))
    assert rows[0][3:16] == [f"SPKP{i}" for i in range(1, 9)] + [f"SPAK{i}" for i in range(1, 6)]
    assert len(rows) == 3
    assert rows[1][11:16] == ["6", "6", "6", "6", "6"]
    assert rows[2][2] == "'=HYPERLINK(1)"  # never a formula in a spreadsheet
    assert "Perempuan" in rows[2]
    xlsx = client.get(reverse("survei:survei-export", kwargs={"public_id": sv.survei.public_id, "fmt": "xlsx"}))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet.max_row == 3
    assert sheet.cell(row=2, column=4).value == 5
    assert (
        client.get(reverse("survei:survei-export", kwargs={"public_id": sv.survei.public_id, "fmt": "pdf"})).status_code
        == 404
    )
    with scope(sv.world.instansi_a.pk):
        assert AuditEvent.objects.filter(verb="survei.export").count() == 2


def test_report_and_poster_pdfs(sv: SurveiWorld, login) -> None:
    _answer(sv, _rows())
    ani = login(sv.world.ani)
    for url in (
        reverse("survei:survei-report", kwargs={"public_id": sv.survei.public_id}),
        reverse("survei:layanan-poster", kwargs={"public_id": sv.layanan.public_id}),
    ):
        assert ani.post(url).status_code == 302
    with scope(sv.world.instansi_a.pk):
        reports = list(Report.objects.order_by("pk"))
        assert [r.kind for r in reports] == ["survei_hasil", "survei_poster"]
        for report in reports:
            # the worker's service, called directly (tests/reports covers the task and the worker)
            assert report_render(report_id=report.pk) is True
            report.refresh_from_db()
            assert report.status == ReportStatus.DONE
            assert report.file.read(5) == b"%PDF-"
    # the viewer has no report.create
    assert (
        login(sv.world.evi).post(reverse("survei:survei-report", kwargs={"public_id": sv.survei.public_id})).status_code
        == 403
    )


def test_lke_worksheet_shows_the_suggestion_next_to_ipak_and_ipkp(lke: LKEWorld, login) -> None:
    world = lke.world
    url = reverse("penilaian:worksheet", kwargs={"public_id": lke.penilaian.public_id, "section": "hasil"})
    ani = login(world.ani)
    before = ani.get(url).content.decode()
    assert "Belum ada survei unit ini pada tahun ini yang memiliki jawaban." in before
    sv = SurveiWorld(world, *_survei_and_layanan(world))
    _answer(sv, _rows())
    page = ani.get(url).content.decode()
    assert 'data-testid="sv-suggest-125"' in page
    assert "IPAK = <strong>3,40</strong> (4 responden" in page
    assert "IPKP = <strong>3,20</strong>" in page
    assert reverse("survei:survei-detail", kwargs={"public_id": sv.survei.public_id}) in page
    # a suggestion only: no answer was written for the unit
    with scope(world.instansi_a.pk):
        assert not Jawaban.objects.filter(penilaian=lke.penilaian, soal__portalrb_soal_id__in=[125, 127]).exists()


def _survei_and_layanan(world):
    return make_survei(world), make_layanan(world)


def test_public_answer_changes_the_results(sv: SurveiWorld, login) -> None:
    assert post_answer(Client(), sv.url, answers(6)).status_code == 302
    body = login(sv.world.ani).get(reverse("survei:survei-detail", kwargs={"public_id": sv.survei.public_id})).content
    assert 'data-testid="lke-spak">4,00<' in body.decode()


def test_demo_data_gives_every_assessed_unit_a_survey_with_answers(lke: LKEWorld) -> None:
    admin = Membership.objects.select_related("unit").get(user=lke.world.citra)
    with scope(lke.world.instansi_a.pk):
        seed_survei(admin=admin, cycle=lke.cycle, respondents=12)
        survei = Survei.objects.get(unit=lke.world.unit_a1)
        assert survei.responses.count() == 12
        penilaian = Penilaian.objects.select_related("cycle").get(pk=lke.penilaian.pk)
        suggestion = lke_suggestion(penilaian=penilaian, portalrb_soal_id=127)
    assert suggestion is not None
    assert suggestion.result.n == 12
    assert 0 <= suggestion.value <= 4
