"""The performance budget's query line: every main page and list reads in a number of queries that
does not grow with its rows (issue "National scale"). Each page is counted with 2 rows, then the
instansi grows to 20 (units with a plan, kegiatan and realisasi, pegawai, proposals with their
frozen snapshots) and the page must stay within the count it had with 2 — and within a fixed cap,
so a page that starts querying per row fails at once. The worksheet and TPI review pages are pinned
the same way in tests/penilaian/test_worksheet_queries.py and test_review_queries.py.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.pengusulan.models import Pengusulan
from apps.penilaian.models import Jawaban, Penilaian, Tier
from apps.rencana_aksi.models import Kegiatan, Realisasi, RealisasiStatus, RencanaAksi
from apps.tenancy.scope import scope
from apps.unit_kerja.models import Pegawai, Penetapan, UnitKerja
from tests.factories import UnitKerjaFactory
from tests.penilaian.conftest import lke  # noqa: F401  (fixture re-exported)
from tests.penilaian.test_worksheet_queries import fill
from tests.portalrb.conftest import prb, propose  # noqa: F401  (fixture re-exported)
from tests.tpn.conftest import TPNWorld, bearer, tpn  # noqa: F401  (fixture re-exported)

# No page may use more than this, whatever its rows (today's pages use 5 to 15).
CAP = 25


def grow(tpn: TPNWorld, total: int) -> None:  # noqa: F811  (the tpn fixture type)
    """Instansi A gets ``total`` extra units, each with a penetapan, a pegawai, an approved plan with
    two kegiatan and a verified realisasi, an answered LKE and a proposal with its snapshot."""
    world = tpn.world
    lke_world = tpn.prb.lke
    instansi = world.instansi_a
    with scope(instansi.pk):
        have = UnitKerja.objects.filter(code__startswith="G").count()
        for n in range(have, total):
            unit = UnitKerjaFactory(instansi=instansi, code=f"G{n:03d}", name=f"Unit Tumbuh {n:03d}")
            Penetapan.objects.create(instansi=instansi, unit=unit, cycle=lke_world.cycle, status="designated")
            pegawai = Pegawai.objects.create(
                instansi=instansi, unit=unit, nip=f"19800101200501{1 + n % 2}{n:03d}", name=f"Pegawai {n}"
            )
            rencana = RencanaAksi.objects.create(
                instansi=instansi, unit=unit, cycle=lke_world.cycle, status="approved", approved_revision=1
            )
            for area in (1, 2):
                kegiatan = Kegiatan.objects.create(
                    instansi=instansi,
                    rencana=rencana,
                    area=area,
                    description=f"Kegiatan {n}-{area}",
                    output="Dokumen",
                    indicator="Jumlah",
                    target_value=4,
                    target_unit="dokumen",
                    pic=pegawai,
                    schedule=0b111,
                    deadline=datetime.date(lke_world.cycle.tahun, 3, 28),
                )
                Realisasi.objects.create(
                    instansi=instansi,
                    kegiatan=kegiatan,
                    periode=f"{lke_world.cycle.tahun}-01",
                    progress=50,
                    status=RealisasiStatus.VERIFIED,
                    verified_at=timezone.now(),
                )
            penilaian = Penilaian.objects.create(
                instansi=instansi, unit=unit, cycle=lke_world.cycle, template=lke_world.template
            )
            Jawaban.objects.create(
                instansi=instansi, penilaian=penilaian, soal=lke_world.soal(1), tier=Tier.UNIT, answer="Ya"
            )
            Jawaban.objects.create(
                instansi=instansi, penilaian=penilaian, soal=lke_world.soal(1), tier=Tier.TPI, level=1, answer="Ya"
            )
    proposed = Pengusulan.unscoped.filter(instansi=instansi).values("penilaian_id")
    for penilaian in Penilaian.unscoped.filter(instansi=instansi, unit__code__startswith="G").exclude(pk__in=proposed):
        propose(penilaian, predikat="WBK", by=world.citra)


def queries(get: Callable[[], object]) -> int:
    get()  # warm per-process caches (templates, the LKE master order) as a running server has them
    with CaptureQueriesContext(connection) as captured:
        response = get()
    assert response.status_code == 200, response.status_code  # type: ignore[attr-defined]
    return len(captured.captured_queries)


def pages(tpn: TPNWorld, login) -> dict[str, Callable[[], object]]:  # noqa: F811
    world = tpn.world
    ani, citra, tina = login(world.ani), login(world.citra), login(tpn.tina)

    api = Client()
    unit_id = str(world.unit_a1.public_id)
    return {
        "unit dashboard": lambda: ani.get(reverse("core:dashboard")),
        "admin dashboard": lambda: citra.get(reverse("core:dashboard")),
        "unit list": lambda: citra.get(reverse("unit_kerja:unit-list")),
        "pegawai list": lambda: citra.get(reverse("unit_kerja:pegawai-list")),
        "penetapan list": lambda: citra.get(reverse("unit_kerja:penetapan-list")),
        "rencana aksi list": lambda: citra.get(reverse("rencana_aksi:rencana-list")),
        "heatmap": lambda: citra.get(reverse("rencana_aksi:heatmap")),
        "penilaian list": lambda: citra.get(reverse("penilaian:penilaian-list")),
        "pencanangan overview": lambda: citra.get(reverse("pencanangan:overview")),
        "national dashboard": lambda: tina.get(reverse("nasional:dashboard")),
        "national proposal list": lambda: tina.get(reverse("nasional:pengusulan-list")),
        "api v1 proposal list": lambda: api.get(reverse("api_v1:pengusulan-list"), **bearer(tpn.token_tpn)),
        "portalrb unit-wbk": lambda: api.get(reverse("portalrb_api:unit-wbk"), **bearer(tpn.prb.token_a)),
        "portalrb jawaban-unit": lambda: api.get(
            reverse("portalrb_api:jawaban-unit", kwargs={"unit_id": unit_id}), **bearer(tpn.prb.token_a)
        ),
    }


def test_query_counts_do_not_grow_with_rows(tpn: TPNWorld, login, django_assert_max_num_queries) -> None:  # noqa: F811
    grow(tpn, 2)
    few = {name: queries(get) for name, get in pages(tpn, login).items()}
    for name, count in few.items():
        assert count <= CAP, f"{name}: {count} queries"
    grow(tpn, 20)
    assert UnitKerja.unscoped.filter(instansi=tpn.world.instansi_a, code__startswith="G").count() == 20
    for name, get in pages(tpn, login).items():
        get()  # warm
        with django_assert_max_num_queries(few[name]):
            response = get()
        assert response.status_code == 200, name


@pytest.mark.parametrize("rows", [2, 20])
def test_the_grown_rows_are_on_the_pages(tpn: TPNWorld, login, rows: int) -> None:  # noqa: F811
    """The counts above are about pages that show the rows: the lists and the API carry them all."""
    grow(tpn, rows)
    client = login(tpn.world.citra)
    body = client.get(reverse("rencana_aksi:rencana-list")).content.decode()
    assert body.count("Unit Tumbuh") == rows

    listing = Client().get(reverse("api_v1:pengusulan-list") + "?limit=200", **bearer(tpn.token_tpn)).json()
    grown = [row for row in listing["results"] if "Unit Tumbuh" in str(row)]
    assert len(grown) == rows


def test_the_worksheet_of_an_editable_lke_stays_within_twelve_queries(lke, login) -> None:  # noqa: F811
    """Issue 22: the LKE worksheet section in self-assessment — the items with their forms, the
    suggestions from ZI's records (Manajemen Perubahan holds six of them), evidence and returns —
    reads in at most 12 queries, the session and the membership included."""
    with scope(lke.world.instansi_a.pk):
        fill(lke, 127)
    client = login(lke.world.ani)
    path = reverse("penilaian:worksheet", args=[lke.penilaian.public_id, "pemenuhan-1"])
    count = queries(lambda: client.get(path))
    body = client.get(path).content.decode()
    assert 'data-testid="pd-suggest-1"' in body  # the suggestions are on the page, not deferred
    assert 'name="s1-note"' in body  # the items are editable
    assert count <= 12, count
