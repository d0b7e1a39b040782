"""The dashboard's Pakta chart reads its units in one query (issue 22,
``selectors.signed_first_units``); the rows must be exactly those the full coverage gave the chart:
visible active units with active pegawai, in path order, the first ``limit``, each with its own
active pegawai's standing signatures of the year."""

from __future__ import annotations

import pytest

from apps.pencanangan import selectors, services
from apps.tenancy.models import Membership
from apps.unit_kerja.models import Cycle
from tests.factories import PegawaiFactory, UnitKerjaFactory
from tests.pencanangan.conftest import PaktaWorld

pytestmark = pytest.mark.django_db


def _full(actor: Membership, cycle: Cycle, limit: int) -> list[tuple[str, int, int]]:
    """What the chart kept before issue 22: every visible unit's coverage, those with pegawai, first ``limit``."""
    rows = [row for row in selectors.coverage_per_unit(actor=actor, cycle=cycle) if row.coverage.total][:limit]
    return [(row.unit.code, row.coverage.signed, row.coverage.total) for row in rows]


def _light(actor: Membership, cycle: Cycle, limit: int) -> list[tuple[str, int, int]]:
    rows = selectors.signed_first_units(actor=actor, cycle=cycle, limit=limit)
    return [(row.unit.code, row.signed, row.total) for row in rows]


def _sign(citra: Membership, pegawai, cycle: Cycle):
    link = services.signing_link_create(actor=citra, pegawai=pegawai, cycle=cycle)
    return services.pakta_sign_with_link(token=link.token, nip=pegawai.nip, confirm=True)


def test_the_chart_units_are_the_full_coverages_first_rows_with_pegawai(pakta: PaktaWorld, in_scope) -> None:
    world = pakta.world
    citra = Membership.objects.get(user=world.citra)
    ani = Membership.objects.get(user=world.ani)
    child = UnitKerjaFactory(instansi=world.instansi_a, parent=world.unit_a1, code="A1-1", name="Seksi A1-1")
    closed = UnitKerjaFactory(instansi=world.instansi_a, code="A9", name="Unit Tutup", is_active=False)
    leaver = PegawaiFactory(unit=child, nip="199001012015012901")
    PegawaiFactory(unit=child, nip="199001012015012902")
    PegawaiFactory(unit=closed, nip="199001012015012903")  # an inactive unit never shows
    # unit_a2 has no pegawai: it is skipped, as the full coverage's zero-total rows were.
    with in_scope(world.instansi_a):
        for target in pakta.pegawai[1:4]:
            _sign(citra, target, pakta.cycle)
        revoked = _sign(citra, pakta.pegawai[4], pakta.cycle)
        services.pakta_revoke(actor=citra, pakta=revoked, reason="Salah orang")
        _sign(citra, leaver, pakta.cycle)
        leaver.is_active = False
        leaver.save()  # left: counted neither in total nor in signed
        for limit in (1, 2, 12):
            assert _light(citra, pakta.cycle, limit) == _full(citra, pakta.cycle, limit)
            assert _light(ani, pakta.cycle, limit) == _full(ani, pakta.cycle, limit)
        assert _light(citra, pakta.cycle, 12) == [("A1", 3, 10), ("A1-1", 0, 1)]
        rows = selectors.signed_first_units(actor=citra, cycle=pakta.cycle, limit=12)
        assert [str(row.pct) for row in rows] == ["30.0", "0.0"]
        # A signature made now is on the next read: nothing is kept between calls.
        _sign(citra, pakta.pegawai[5], pakta.cycle)
        assert _light(citra, pakta.cycle, 1) == [("A1", 4, 10)]


def test_the_chart_units_of_another_instansi_never_show(pakta: PaktaWorld, in_scope) -> None:
    world = pakta.world
    PegawaiFactory(unit=world.unit_b1, nip="199001012015012904")
    dodi = Membership.objects.get(user=world.dodi)
    with in_scope(world.instansi_b):
        assert selectors.signed_first_units(actor=dodi, cycle=pakta.cycle, limit=12) == []
    with in_scope(world.instansi_a):
        ani = Membership.objects.get(user=world.ani)
        assert [row.unit.code for row in selectors.signed_first_units(actor=ani, cycle=pakta.cycle, limit=12)] == ["A1"]
