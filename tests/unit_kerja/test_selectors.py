"""Reads: tree order and narrowing, roster, years, designated units, and their query counts."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import User
from apps.tenancy.models import Membership
from apps.unit_kerja import selectors
from apps.unit_kerja.models import PenetapanStatus
from tests.conftest import World
from tests.factories import CycleFactory, PegawaiFactory, PenetapanFactory, UnitKerjaFactory

D = datetime.date


def test_tree_is_depth_first_with_siblings_by_code(world: World, in_scope, citra_m: Membership) -> None:
    # Created in an order that differs from the tree order, with ids that would sort wrongly as text.
    b = UnitKerjaFactory(parent=world.unit_a1, code="A1-B")
    a = UnitKerjaFactory(parent=world.unit_a1, code="A1-A")
    a_child = UnitKerjaFactory(parent=a, code="A1-A-1")
    with in_scope(world.instansi_a):
        tree = selectors.unit_kerja_tree(actor=citra_m)
    assert [u.code for u in tree] == ["A1", "A1-A", "A1-A-1", "A1-B", "A2"]
    assert [u.rel_depth for u in tree] == [0, 1, 2, 1, 0]
    assert {a.pk, b.pk, a_child.pk} <= {u.pk for u in tree}


def test_tree_of_narrowed_member_starts_at_their_unit(world: World, in_scope, ani_m: Membership) -> None:
    child = UnitKerjaFactory(parent=world.unit_a1, code="A1-A")
    UnitKerjaFactory(parent=world.unit_a2, code="A2-A")
    with in_scope(world.instansi_a):
        tree = selectors.unit_kerja_tree(actor=ani_m)
    assert [u.pk for u in tree] == [world.unit_a1.pk, child.pk]
    assert [u.rel_depth for u in tree] == [0, 1]


def test_tree_is_one_query_with_counts_and_heads(
    world: World, in_scope, citra_m: Membership, django_assert_num_queries
) -> None:
    for i in range(5):
        unit = UnitKerjaFactory(parent=world.unit_a1, code=f"A1-{i}")
        head = PegawaiFactory(unit=unit)
        PegawaiFactory(unit=unit, is_active=False)
        unit.head = head
        unit.save()
    with in_scope(world.instansi_a), django_assert_num_queries(1):
        tree = selectors.unit_kerja_tree(actor=citra_m)
        heads = [u.head.name for u in tree if u.head]
    assert len(heads) == 5
    assert {u.code: u.pegawai_count for u in tree}["A1-0"] == 1  # the inactive one is not counted


def test_unit_detail_queries_do_not_grow_with_roster(
    world: World, in_scope, citra_m: Membership, django_assert_num_queries
) -> None:
    child = UnitKerjaFactory(parent=world.unit_a1, code="A1-A")
    for _ in range(12):
        PegawaiFactory(unit=child)
    PenetapanFactory(unit=child)
    with in_scope(world.instansi_a), django_assert_num_queries(5):
        detail = selectors.unit_kerja_detail(actor=citra_m, unit=child)
        assert [a.pk for a in detail.ancestors] == [world.unit_a1.pk]
        assert detail.unit.parent.name == world.unit_a1.name
        assert [p.cycle.tahun for p in detail.penetapan] == [2026]
    assert (detail.active_count, detail.inactive_count) == (12, 0)


def test_roster_list_and_counts(world: World, in_scope, ani_m: Membership, django_assert_num_queries) -> None:
    PegawaiFactory(unit=world.unit_a1, name="Ani Satu")
    PegawaiFactory(unit=world.unit_a1, name="Ani Dua", is_active=False)
    PegawaiFactory(unit=world.unit_a2, name="Luar")
    with in_scope(world.instansi_a):
        with django_assert_num_queries(1):
            names = [(p.name, p.unit.code) for p in selectors.pegawai_list(actor=ani_m)]
        with django_assert_num_queries(1):
            counts = selectors.pegawai_counts(actor=ani_m)
        everyone = [p.name for p in selectors.pegawai_list(actor=ani_m, include_inactive=True)]
    assert names == [("Ani Satu", "A1")]
    assert counts == {"active": 1, "inactive": 1}
    assert sorted(everyone) == ["Ani Dua", "Ani Satu"]


def test_designated_list_and_is_designated(world: World, in_scope) -> None:
    cycle = CycleFactory(instansi=world.instansi_a)
    PenetapanFactory(unit=world.unit_a1, cycle=cycle, status=PenetapanStatus.DESIGNATED)
    PenetapanFactory(unit=world.unit_a2, cycle=cycle)
    with in_scope(world.instansi_a):
        designated = [p.unit.code for p in selectors.penetapan_designated_list(instansi=world.instansi_a, tahun=2026)]
        assert selectors.penetapan_is_designated(unit=world.unit_a1, tahun=2026)
        assert not selectors.penetapan_is_designated(unit=world.unit_a2, tahun=2026)
        assert not selectors.penetapan_is_designated(unit=world.unit_a1, tahun=2025)
    assert designated == ["A1"]


def test_current_cycle_and_next_tahun(world: World, in_scope) -> None:
    CycleFactory(instansi=world.instansi_a, tahun=2025, is_open=True)
    with in_scope(world.instansi_a):
        assert selectors.cycle_current(instansi=world.instansi_a, today=D(2026, 3, 1)).tahun == 2025
        assert selectors.cycle_next_tahun(instansi=world.instansi_a, today=D(2026, 3, 1)) == 2026
        CycleFactory(instansi=world.instansi_a, tahun=2026)
        assert selectors.cycle_current(instansi=world.instansi_a, today=D(2026, 3, 1)).tahun == 2026
        assert selectors.cycle_next_tahun(instansi=world.instansi_a, today=D(2026, 3, 1)) == 2027
        assert selectors.cycle_current(instansi=world.instansi_a, today=D(2024, 3, 1)) is None


def test_next_deadline(world: World) -> None:
    cycle = CycleFactory(instansi=world.instansi_a)  # fill Jan-Mar, review Apr, revision Apr-15 May, 31 May
    before = selectors.cycle_next_deadline(cycle=cycle, today=D(2025, 12, 1))
    filling = selectors.cycle_next_deadline(cycle=cycle, today=D(2026, 2, 1))
    reviewing = selectors.cycle_next_deadline(cycle=cycle, today=D(2026, 4, 10))
    proposing = selectors.cycle_next_deadline(cycle=cycle, today=D(2026, 5, 20))
    assert (before.date, before.is_open_now) == (D(2026, 1, 1), False)
    assert (filling.date, filling.is_open_now) == (D(2026, 3, 31), True)
    assert reviewing.date == D(2026, 4, 30)
    assert proposing.date == D(2026, 5, 31)
    assert selectors.cycle_next_deadline(cycle=cycle, today=D(2026, 6, 1)) is None


def _count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_tree_and_roster_pages_do_not_grow_with_rows(world: World, login: Callable[[User], Client]) -> None:
    client = login(world.citra)
    cycle = CycleFactory(instansi=world.instansi_a)
    urls = [
        reverse("unit_kerja:unit-list"),
        reverse("unit_kerja:unit-detail", kwargs={"public_id": world.unit_a1.public_id}),
        reverse("unit_kerja:pegawai-list"),
        reverse("unit_kerja:penetapan-list"),
    ]

    def grow(n: int) -> None:
        for _ in range(n):
            unit = UnitKerjaFactory(parent=world.unit_a1)
            head = PegawaiFactory(unit=unit)
            unit.head = head
            unit.save()
            PegawaiFactory(unit=world.unit_a1)
            PenetapanFactory(unit=unit, cycle=cycle, status=PenetapanStatus.DESIGNATED, sk_number="SK")

    grow(2)
    client.get(urls[0])  # the signed-in principal is cached from here on (apps/accounts/principal.py)
    small = [_count_queries(client, url) for url in urls]
    grow(15)
    large = [_count_queries(client, url) for url in urls]
    assert small == large
