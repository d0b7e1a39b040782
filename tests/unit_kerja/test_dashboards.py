"""Dashboard panels per role: admin ZI, a unit member (what is due next), TPI (units to review)."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from apps.accounts.models import User
from apps.unit_kerja.models import PenetapanStatus
from tests.conftest import World
from tests.factories import CycleFactory, PegawaiFactory, PenetapanFactory

Login = Callable[[User], Client]


def _designated_world(world: World) -> None:
    cycle = CycleFactory(instansi=world.instansi_a)
    PenetapanFactory(unit=world.unit_a1, cycle=cycle, status=PenetapanStatus.DESIGNATED, sk_number="SK-9")
    PenetapanFactory(unit=world.unit_a2, cycle=cycle)
    PegawaiFactory(unit=world.unit_a1)


def test_admin_sees_units_and_designations(world: World, login: Login) -> None:
    _designated_world(world)
    page = login(world.citra).get(reverse("core:dashboard")).content.decode()
    assert 'id="panel-units-heading"' in page
    assert f"{reverse('unit_kerja:penetapan-list')}?tahun=2026&amp;status=designated" in page
    assert world.unit_a1.name in page
    assert 'id="panel-review-heading"' not in page


def test_unit_member_sees_their_unit_and_what_is_due(world: World, login: Login) -> None:
    _designated_world(world)
    page = login(world.ani).get(reverse("core:dashboard")).content.decode()
    assert 'id="panel-unit-heading"' in page
    assert reverse("unit_kerja:unit-detail", kwargs={"public_id": world.unit_a1.public_id}) in page
    assert "zi-status-designated" in page
    assert 'id="panel-unit-due"' in page
    assert 'id="panel-units-heading"' not in page


def test_tpi_sees_units_to_review(world: World, login: Login) -> None:
    _designated_world(world)
    page = login(world.budi).get(reverse("core:dashboard")).content.decode()
    assert 'id="panel-review-heading"' in page
    assert world.unit_a1.name in page
    assert world.unit_a2.name not in page  # proposed, not designated


def test_outsider_dashboard_shows_nothing_of_a(world: World, login: Login) -> None:
    _designated_world(world)
    page = login(world.dodi).get(reverse("core:dashboard")).content.decode()
    assert world.unit_a1.name not in page
    assert world.unit_b1.name in page
