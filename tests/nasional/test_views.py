"""The national read-only view: a TPN evaluator sees every instansi's proposals, counts, scores and
snapshots; every instansi member gets 403; GET only; bad filters never break a page."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.nasional import selectors
from apps.pengusulan.models import Pengusulan, PengusulanStatus, PredikatUnit
from apps.penilaian.models import Penilaian, Tier
from apps.tpn.models import Outcome, Stage
from apps.tpn.services import tpn_result_record
from tests.factories import UnitKerjaFactory
from tests.nasional.conftest import national_membership
from tests.portalrb.conftest import PRBWorld, answer, freeze, propose

pytestmark = pytest.mark.django_db


def _urls(prb: PRBWorld) -> list[str]:
    return [
        reverse("nasional:dashboard"),
        reverse("nasional:pengusulan-list"),
        reverse("nasional:pengusulan-detail", args=[prb.wbk.public_id]),
        reverse("nasional:unit-detail", args=[prb.wbk.unit.public_id]),
    ]


def _codes(response) -> list[str]:
    return sorted(row.pengusulan.unit.code for row in response.context["rows"])


# -----------------------------------------------------------------------------
# Who gets in
# -----------------------------------------------------------------------------


def test_national_member_sees_every_instansi(prb: PRBWorld, nadia, login) -> None:
    client = login(nadia)
    for url in _urls(prb):
        assert client.get(url).status_code == 200, url
    response = client.get(reverse("nasional:pengusulan-list"))
    assert _codes(response) == ["A1", "A2", "B1"]
    body = response.content.decode()
    assert "Kementerian Alfa" in body
    assert "Pemerintah Kota Beta" in body
    # The column holds the unit's own total score, not a count of units (issue 21).
    assert ">Nilai total unit</th>" in body
    assert "Jumlah unit" not in body


@pytest.mark.parametrize("persona", ["citra", "evi", "dodi", "ani", "budi"])
def test_tenant_members_get_403_everywhere(prb: PRBWorld, login, persona: str) -> None:
    client = login(getattr(prb.world, persona))
    for url in _urls(prb):
        response = client.get(url)
        assert response.status_code == 403, (persona, url)
        assert "Pemerintah Kota Beta" not in response.content.decode()


def test_anonymous_is_sent_to_login(prb: PRBWorld, client) -> None:
    response = client.get(reverse("nasional:pengusulan-list"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_post_is_405(prb: PRBWorld, nadia, login) -> None:
    client = login(nadia)
    for url in _urls(prb):
        assert client.post(url).status_code == 405, url
    assert Pengusulan.unscoped.count() == 3  # nothing changed


def test_national_member_without_the_capability_gets_403(prb: PRBWorld, nadia, login) -> None:
    membership = national_membership(nadia)
    membership.is_active = False  # an inactive membership holds no capability
    membership.save()
    response = login(nadia).get(reverse("nasional:pengusulan-list"))
    assert response.status_code == 403


# -----------------------------------------------------------------------------
# The list: filters, rows, paging
# -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"predikat": "WBBM"}, ["A2"]),
        ({"predikat": "WBK"}, ["A1", "B1"]),
        ({"province": "pusat"}, ["A1", "A2"]),
        ({"province": "32"}, ["B1"]),
        ({"province": "11"}, []),
        ({"instansi_kind": "kota"}, ["B1"]),
        ({"instansi_kind": "kementerian", "predikat": "WBK"}, ["A1"]),
        ({"stage": "proposed"}, ["A1", "A2", "B1"]),
        ({"stage": "desk"}, []),
    ],
)
def test_filters(prb: PRBWorld, nadia, login, query: dict, expected: list[str]) -> None:
    response = login(nadia).get(reverse("nasional:pengusulan-list"), query)
    assert response.status_code == 200
    assert _codes(response) == expected


def test_rows_carry_the_snapshot_totals(prb: PRBWorld, nadia, login) -> None:
    response = login(nadia).get(reverse("nasional:pengusulan-list"), {"province": "pusat", "predikat": "WBK"})
    (row,) = response.context["rows"]
    snapshot = selectors.snapshot_current_national(pengusulan=prb.wbk)
    assert row.unit_total == snapshot.data["scores"]["unit"]["total"]
    assert row.tpi_tier == "tpi2"
    assert row.tpi_total == snapshot.data["scores"]["tpi2"]["total"]
    assert row.pengusulan.kategori == "WBK"
    assert row.stage == "proposed"


def test_stage_follows_the_tpn_results(prb: PRBWorld, nadia, login) -> None:
    tpn_result_record(
        actor=national_membership(nadia), pengusulan=prb.b1, stage=Stage.ADMINISTRASI, outcome=Outcome.LULUS
    )
    client = login(nadia)
    response = client.get(reverse("nasional:pengusulan-list"), {"stage": "administrasi_lulus"})
    assert _codes(response) == ["B1"]
    counts = client.get(reverse("nasional:dashboard")).context["counts"]
    assert {row.key: row.count for row in counts.by_stage} == {"proposed": 2, "administrasi_lulus": 1}
    detail = client.get(reverse("nasional:pengusulan-detail", args=[prb.b1.public_id]))
    assert [r.outcome for r in detail.context["tpn_results"]] == [Outcome.LULUS]


def test_drafts_stay_with_the_instansi(prb: PRBWorld, nadia, login) -> None:
    lke = prb.lke
    unit = UnitKerjaFactory(instansi=prb.world.instansi_a, code="A3", name="Unit Draf A3")
    penilaian = Penilaian.unscoped.create(instansi=unit.instansi, unit=unit, cycle=lke.cycle, template=lke.template)
    draft = propose(penilaian, predikat="WBK", by=prb.world.citra, status=PengusulanStatus.DRAFT)
    client = login(nadia)
    assert "A3" not in _codes(client.get(reverse("nasional:pengusulan-list")))
    assert client.get(reverse("nasional:pengusulan-detail", args=[draft.public_id])).status_code == 404
    assert client.get(reverse("nasional:unit-detail", args=[unit.public_id])).status_code == 404


def test_withdrawn_after_proposing_stays_visible(prb: PRBWorld, nadia, login) -> None:
    Pengusulan.unscoped.filter(pk=prb.wbbm.pk).update(status=PengusulanStatus.WITHDRAWN)
    response = login(nadia).get(reverse("nasional:pengusulan-list"), {"predikat": "WBBM"})
    assert _codes(response) == ["A2"]
    assert response.context["rows"][0].pengusulan.status == PengusulanStatus.WITHDRAWN


@pytest.mark.parametrize(
    "query",
    [
        {"tahun": "abc"},
        {"tahun": "1999"},
        {"predikat": "XYZ"},
        {"province": "99"},
        {"instansi_kind": "planet"},
        {"stage": "<script>"},
        {"halaman": "zzz"},
        {"halaman": "999"},
    ],
)
def test_bad_filters_are_ignored_with_a_message(prb: PRBWorld, nadia, login, query: dict) -> None:
    response = login(nadia).get(reverse("nasional:pengusulan-list"), query)
    assert response.status_code == 200
    assert _codes(response) == ["A1", "A2", "B1"]
    if "halaman" not in query:
        assert response.context["form"].errors
        assert 'role="alert"' in response.content.decode()


def test_bad_year_on_the_dashboard_falls_back_to_the_latest(prb: PRBWorld, nadia, login) -> None:
    response = login(nadia).get(reverse("nasional:dashboard"), {"tahun": "x"})
    assert response.status_code == 200
    assert response.context["tahun"] == prb.lke.cycle.tahun


def test_unknown_ids_are_404(prb: PRBWorld, nadia, login) -> None:
    client = login(nadia)
    missing = "00000000-0000-0000-0000-000000000000"
    assert client.get(reverse("nasional:pengusulan-detail", args=[missing])).status_code == 404
    assert client.get(reverse("nasional:unit-detail", args=[missing])).status_code == 404


def _more_proposals(prb: PRBWorld, n: int) -> None:
    """``n`` more proposals by instansi B (a kota), each with a unit and a TPI answer."""
    lke, cycle_b = prb.lke, prb.b1.cycle
    for i in range(n):
        unit = UnitKerjaFactory(instansi=prb.world.instansi_b, code=f"B{i + 2}", name=f"Dinas Tambahan {i}")
        penilaian = Penilaian.unscoped.create(instansi=unit.instansi, unit=unit, cycle=cycle_b, template=lke.template)
        answer(penilaian, lke.soal(1), Tier.UNIT, 0, "Ya")
        answer(penilaian, lke.soal(1), Tier.TPI, 1, "Ya")
        propose(penilaian, predikat="WBK", by=prb.world.dodi)


@pytest.mark.parametrize("name", ["nasional:pengusulan-list", "nasional:dashboard", "nasional:unit-detail"])
def test_query_count_is_constant(prb: PRBWorld, nadia, login, django_assert_num_queries, name: str) -> None:
    """With 1 proposal of a kota and with 10, each page runs the same number of queries."""
    client = login(nadia)
    url = reverse(name, args=[prb.world.unit_b1.public_id]) if name == "nasional:unit-detail" else reverse(name)
    query = {"instansi_kind": "kota"}
    client.get(url, query)  # warm the session
    with CaptureQueriesContext(connection) as one:
        client.get(url, query)
    _more_proposals(prb, 9)
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(url, query)
    if name == "nasional:pengusulan-list":
        assert len(response.context["rows"]) == 10
    elif name == "nasional:dashboard":
        assert {r.key: r.count for r in response.context["counts"].by_kind} == {"kementerian": 2, "kota": 10}


# -----------------------------------------------------------------------------
# Counts, detail, unit, dashboard panel
# -----------------------------------------------------------------------------


def test_counts(prb: PRBWorld, nadia, login) -> None:
    response = login(nadia).get(reverse("nasional:dashboard"))
    counts = response.context["counts"]
    assert counts.tahun == prb.lke.cycle.tahun
    assert counts.total == 3
    assert {r.key: r.count for r in counts.by_province} == {"pusat": 2, "32": 1}
    assert {r.key: r.count for r in counts.by_kind} == {"kementerian": 2, "kota": 1}
    assert {r.key: r.count for r in counts.by_kategori} == {"WBK": 2, "WBBM-AFIRMASI": 1}
    assert {r.key: r.count for r in counts.by_stage} == {"proposed": 3}
    body = response.content.decode()
    assert 'data-testid="count-province-pusat">2<' in body
    assert 'data-testid="count-province-32">1<' in body


def test_counts_of_another_year_are_empty(prb: PRBWorld, nadia, login) -> None:
    assert selectors.national_counts(tahun=prb.lke.cycle.tahun - 1).total == 0
    assert selectors.national_counts(tahun=None).total == 0


def test_detail_shows_scores_recommendation_and_history(prb: PRBWorld, nadia, login, english_ui) -> None:
    second = freeze(prb.wbk, by=prb.world.citra, reason="Koreksi bukti area 1")
    response = login(nadia).get(reverse("nasional:pengusulan-detail", args=[prb.wbk.public_id]))
    assert response.status_code == 200
    assert response.context["tiers"] == ["unit", "tpi1", "tpi2"]
    total = next(line for line in response.context["lines"] if line.level == "total")
    assert total.values == [second.data["scores"][t]["total"] for t in ["unit", "tpi1", "tpi2"]]
    assert len(response.context["lines"]) == 6 + 1 + 6 + 1 + 3
    body = response.content.decode()
    assert second.sha256 in body
    assert "Koreksi bukti area 1" in body
    assert [s.number for s in response.context["history"]] == [2, 1]
    assert "Manajemen Perubahan" in body
    assert "No TPN result yet." in body


def test_unit_detail_shows_proposals_and_predikat(prb: PRBWorld, nadia, login) -> None:
    PredikatUnit.unscoped.create(
        instansi=prb.world.instansi_b,
        unit=prb.world.unit_b1,
        predikat="WBK",
        tahun=prb.lke.cycle.tahun - 2,
        decree_number="KEP/WBK/2024",
        decree_date=datetime.date(prb.lke.cycle.tahun - 2, 12, 9),
    )
    response = login(nadia).get(reverse("nasional:unit-detail", args=[prb.world.unit_b1.public_id]))
    assert response.status_code == 200
    assert [row.pengusulan.pk for row in response.context["rows"]] == [prb.b1.pk]
    body = response.content.decode()
    assert "KEP/WBK/2024" in body
    assert "Pemerintah Kota Beta" in body


def test_dashboard_panel_and_nav(prb: PRBWorld, nadia, login) -> None:
    response = login(nadia).get(reverse("core:dashboard"))
    body = response.content.decode()
    assert 'data-testid="panel-national-total">3<' in body
    assert reverse("nasional:dashboard") in body


def test_no_panel_or_nav_for_tenant_members(prb: PRBWorld, login) -> None:
    body = login(prb.world.citra).get(reverse("core:dashboard")).content.decode()
    assert "panel-national-total" not in body
    assert reverse("nasional:dashboard") not in body
