"""The unit dashboard reads what its panels share once (issue 22): the current cycle and the LKE
list once per page, never across pages — a cycle closed or opened between two requests shows on
the next. The Pakta chart's units: tests/pencanangan/test_chart_units.py."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.tenancy.models import Membership
from apps.tenancy.scope import scope
from apps.unit_kerja.models import Cycle
from apps.unit_kerja.services.cycles import cycle_update
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
