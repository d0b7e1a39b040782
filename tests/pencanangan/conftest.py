"""A unit of ten pegawai in instansi A with an open year; one of them (Sari) has an account."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from apps.accounts.models import User
from apps.tenancy.models import Membership
from apps.tenancy.roles import Role
from apps.unit_kerja.models import Cycle, Pegawai
from tests.conftest import World
from tests.factories import MembershipFactory, PegawaiFactory, UserFactory
from tests.notifications.worker import running_worker
from tests.penilaian.conftest import open_cycle_now

__all__ = ["PaktaWorld", "make_roster", "running_worker"]


@dataclass
class PaktaWorld:
    world: World
    cycle: Cycle
    pegawai: list[Pegawai]
    sari: User  # a pegawai of unit A1 with an account (role pegawai)
    sari_pegawai: Pegawai
    sari_membership: Membership


def make_roster(world: World, count: int = 10) -> list[Pegawai]:
    return [
        PegawaiFactory(
            unit=world.unit_a1,
            nip=f"19900101201501{1 + i % 2}{i:03d}",
            name=f"Pegawai {i:02d}",
            position="Analis" if i % 2 else "Pengadministrasi",
            email=f"pegawai{i}@alfa.go.id",
        )
        for i in range(count)
    ]


@pytest.fixture
def pakta(world: World) -> PaktaWorld:
    cycle = open_cycle_now(world.instansi_a)
    roster = make_roster(world)
    sari = UserFactory(email="sari@alfa.go.id", name="Sari Wulandari")
    sari_pegawai = roster[0]
    Pegawai.unscoped.filter(pk=sari_pegawai.pk).update(user=sari, name="Sari Wulandari")
    sari_pegawai.refresh_from_db()
    membership = MembershipFactory(user=sari, instansi=world.instansi_a, unit=world.unit_a1, role=Role.PEGAWAI)
    return PaktaWorld(world, cycle, roster, sari, sari_pegawai, membership)
