"""access_*: missing, foreign and outside-the-subtree are the same 404; visible but not allowed is 403."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from apps.tenancy.models import Membership
from apps.tenancy.roles import Role
from apps.unit_kerja.access import access_cycle, access_pegawai, access_penetapan, access_unit_kerja
from tests.conftest import World
from tests.factories import CycleFactory, PegawaiFactory, PenetapanFactory


def _dodi(world: World) -> Membership:
    return Membership.objects.get(user=world.dodi)


def test_unit_access(world: World, in_scope, citra_m, ani_m, evi_m) -> None:
    with in_scope(world.instansi_a):
        assert access_unit_kerja(citra_m, world.unit_a2.public_id, for_write=True) == world.unit_a2
        assert access_unit_kerja(evi_m, world.unit_a1.public_id) == world.unit_a1
        assert access_unit_kerja(ani_m, world.unit_a1.public_id) == world.unit_a1
        for actor, unit in ((ani_m, world.unit_a2), (citra_m, world.unit_b1)):
            with pytest.raises(Http404):
                access_unit_kerja(actor, unit.public_id)
        for bad in (uuid.uuid4(), "not-a-uuid", None):
            with pytest.raises(Http404):
                access_unit_kerja(citra_m, bad)
        with pytest.raises(PermissionDenied):
            access_unit_kerja(evi_m, world.unit_a1.public_id, for_write=True)
        with pytest.raises(PermissionDenied):
            access_unit_kerja(ani_m, world.unit_a1.public_id, for_write=True)
    with in_scope(world.instansi_b), pytest.raises(Http404):
        access_unit_kerja(_dodi(world), world.unit_a1.public_id)
    with pytest.raises(Http404):
        access_unit_kerja(None, world.unit_a1.public_id)


def test_pegawai_access(world: World, in_scope, citra_m, ani_m, evi_m) -> None:
    own = PegawaiFactory(unit=world.unit_a1)
    other = PegawaiFactory(unit=world.unit_a2)
    with in_scope(world.instansi_a):
        assert access_pegawai(ani_m, own.public_id, for_write=True) == own
        assert access_pegawai(evi_m, other.public_id) == other
        with pytest.raises(Http404):
            access_pegawai(ani_m, other.public_id)
        with pytest.raises(PermissionDenied):
            access_pegawai(evi_m, own.public_id, for_write=True)
    with in_scope(world.instansi_b), pytest.raises(Http404):
        access_pegawai(_dodi(world), own.public_id, for_write=True)


def test_cycle_access(world: World, in_scope, citra_m, evi_m) -> None:
    cycle = CycleFactory(instansi=world.instansi_a)
    with in_scope(world.instansi_a):
        assert access_cycle(citra_m, cycle.public_id, for_write=True) == cycle
        assert access_cycle(evi_m, cycle.public_id) == cycle
        with pytest.raises(PermissionDenied):
            access_cycle(evi_m, cycle.public_id, for_write=True)
    with in_scope(world.instansi_b), pytest.raises(Http404):
        access_cycle(_dodi(world), cycle.public_id)


def test_penetapan_access(world: World, in_scope, citra_m, ani_m, evi_m) -> None:
    own = PenetapanFactory(unit=world.unit_a1)
    other = PenetapanFactory(unit=world.unit_a2)
    with in_scope(world.instansi_a):
        assert access_penetapan(citra_m, other.public_id, for_write=True) == other
        assert access_penetapan(ani_m, own.public_id) == own
        with pytest.raises(Http404):
            access_penetapan(ani_m, other.public_id)
        with pytest.raises(PermissionDenied):
            access_penetapan(ani_m, own.public_id, for_write=True)
        with pytest.raises(PermissionDenied):
            access_penetapan(evi_m, own.public_id, for_write=True)
        Membership.objects.filter(pk=evi_m.pk).update(role=Role.PEGAWAI)
        evi_m.refresh_from_db()
        with pytest.raises(PermissionDenied):
            access_penetapan(evi_m, own.public_id)
    with in_scope(world.instansi_b), pytest.raises(Http404):
        access_penetapan(_dodi(world), own.public_id)
