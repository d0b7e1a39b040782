"""The unit dashboard reads what its panels share once (issue 22): the current cycle and the LKE
list once per page, never across pages — a cycle closed or opened between two requests shows on
the next. The Pakta chart's units: tests/pencanangan/test_chart_units.py."""

from __future__ import annotations

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.core.memo import memo_scope
from apps.penilaian.dashboards import _tier_scores, charts_panel, unit_worksheet_panel
from apps.penilaian.models import Jawaban, Penilaian, PenilaianStatus, Tier
from apps.penilaian.pages.detail import penilaian_rows
from apps.penilaian.selectors import penilaian_list
from apps.tenancy.models import Membership
from apps.tenancy.scope import scope
from apps.unit_kerja.models import Cycle
from apps.unit_kerja.services.cycles import cycle_update
from tests.factories import UnitKerjaFactory
from tests.penilaian.conftest import LKEWorld


def _reads_of(captured: CaptureQueriesContext, table: str) -> int:
    return sum(1 for query in captured.captured_queries if f'FROM "{table}"' in query["sql"])


def test_the_cycle_and_the_lke_list_are_read_once_per_dashboard(lke: LKEWorld, login, english_ui) -> None:
    client = login(lke.world.ani)
    client.get(reverse("core:dashboard"))  # warm the session
    with CaptureQueriesContext(connection) as captured:
        page = client.get(reverse("core:dashboard")).content.decode()
    # Three panels use the cycle (unit, worksheet, charts), two the LKE list (worksheet, charts).
    assert f"Penetapan {lke.cycle.tahun}:" in page
    assert 'id="panel-charts-heading"' in page
    assert f"LKE {lke.cycle.tahun} per area" in page
    assert _reads_of(captured, "unit_kerja_cycle") == 1
    assert _reads_of(captured, "penilaian_penilaian") == 1


def test_a_cycle_closed_between_two_requests_is_not_served_to_the_next(lke: LKEWorld, login, english_ui) -> None:
    client = login(lke.world.ani)
    citra = Membership.objects.get(user=lke.world.citra)
    older = Cycle.unscoped.create(
        instansi=lke.world.instansi_a,
        tahun=lke.cycle.tahun - 1,
        **{name: value.replace(year=lke.cycle.tahun - 1) for name, value in _windows(lke.cycle).items()},
    )
    before = client.get(reverse("core:dashboard")).content.decode()
    assert f"Penetapan {lke.cycle.tahun}:" in before
    assert f"LKE {lke.cycle.tahun} per area" in before
    with scope(lke.world.instansi_a.pk):
        cycle_update(actor=citra, cycle=lke.cycle, data={"is_open": False})
    after = client.get(reverse("core:dashboard")).content.decode()
    assert f"Penetapan {older.tahun}:" in after
    assert f"Penetapan {lke.cycle.tahun}:" not in after
    assert f"LKE {lke.cycle.tahun} per area" not in after  # the closed year's LKE left with it
    with scope(lke.world.instansi_a.pk):
        cycle_update(actor=citra, cycle=lke.cycle, data={"is_open": True})
    again = client.get(reverse("core:dashboard")).content.decode()
    assert f"Penetapan {lke.cycle.tahun}:" in again
    assert f"LKE {lke.cycle.tahun} per area" in again


def _windows(cycle: Cycle) -> dict:
    names = [f.name for f in Cycle._meta.concrete_fields if f.get_internal_type() == "DateField"]
    return {name: getattr(cycle, name) for name in names}


def _answer(lke: LKEWorld, penilaian: Penilaian, soal_ids: range, tier: str, level: int) -> None:
    """An answer the soal accepts: its first option, else a number."""
    soal_list = [lke.soal(soal_id) for soal_id in soal_ids]
    Jawaban.objects.bulk_create(
        Jawaban(
            instansi=lke.world.instansi_a,
            penilaian=penilaian,
            soal=soal,
            tier=tier,
            level=level,
            answer=soal.options[0]["key"] if soal.options else "3",
        )
        for soal in soal_list
    )


def test_one_read_of_the_answers_gives_both_panels_what_they_read_apart(lke: LKEWorld, a_scope) -> None:
    """The unit panel's rows (each LKE's progress and unit total) and the chart's tiers come from one
    query; they must be what penilaian_rows and tier_answers read on their own, for a member whose
    subtree holds several LKE — the chart's being the member's own unit's, not the first row's."""
    child = UnitKerjaFactory(instansi=lke.world.instansi_a, parent=lke.world.unit_a1, code="A1-1", name="Seksi A1-1")
    other = Penilaian.objects.create(instansi=lke.world.instansi_a, unit=child, cycle=lke.cycle, template=lke.template)
    Penilaian.objects.filter(pk=other.pk).update(status=PenilaianStatus.IN_REVIEW)  # more advanced than ani's own
    _answer(lke, lke.penilaian, range(1, 9), Tier.UNIT, 0)
    _answer(lke, lke.penilaian, range(1, 5), Tier.TPI, 1)
    _answer(lke, other, range(3, 20), Tier.UNIT, 0)
    _answer(lke, other, range(1, 3), Tier.TPI, 1)
    ani = lke.actor(lke.world.ani)
    with memo_scope():
        rows_panel = unit_worksheet_panel(ani)
        charts = charts_panel(ani)
    assert rows_panel is not None
    assert charts is not None
    both = list(penilaian_list(actor=ani, cycle=lke.cycle))
    apart = penilaian_rows(penilaian_list=both)
    assert [(r.penilaian.pk, r.answered, r.total, r.unit_total) for r in rows_panel.context["rows"]] == [
        (r.penilaian.pk, r.answered, r.total, r.unit_total) for r in apart
    ]
    assert [r.answered for r in apart] == [8, 17]
    columns, score_rows = _tier_scores(lke.penilaian)  # ani's own unit's LKE, read on its own
    lke_chart = charts.context["charts"][0]
    assert f"— {lke.world.unit_a1.name} (" in lke_chart.title
    assert [s.label for s in lke_chart.series] == [c.label for c in columns]
    areas = [row for row in score_rows if row.level == "area"]
    assert lke_chart.series[1].values == [
        (row.values[1] * 100 / row.weight).quantize(Decimal("0.1")) if row.weight else None for row in areas
    ]
    assert any(lke_chart.series[1].values)
