"""A rencana aksi world: instansi A's year 2026, unit A1 with two pegawai (Sari has a login), and
Hadi, pimpinan unit of A1 (MFA enrolled). ``ra.actor(user)`` is the membership a service takes."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from apps.accounts.models import User
from apps.rencana_aksi.models import Kegiatan, RencanaAksi
from apps.rencana_aksi.services.kegiatan import KegiatanData, kegiatan_save
from apps.rencana_aksi.services.plans import rencana_aksi_approve, rencana_aksi_create, rencana_aksi_submit
from apps.tenancy.models import Membership
from apps.tenancy.roles import Role
from apps.tenancy.scope import scope
from apps.unit_kerja.models import Cycle, Pegawai
from tests.conftest import World, enrol_totp
from tests.factories import CycleFactory, MembershipFactory, PegawaiFactory, UserFactory
from tests.notifications.worker import running_worker

__all__ = ["running_worker"]

TAHUN = 2026


@dataclass
class RAWorld:
    world: World
    cycle: Cycle
    rencana: RencanaAksi
    sari: Pegawai  # PIC with a login
    joko: Pegawai  # PIC without a login
    outsider_pegawai: Pegawai  # pegawai of unit A2
    hadi: User  # pimpinan unit A1
    sari_user: User
    hadi_secret: str

    def actor(self, user: User) -> Membership:
        return Membership.objects.select_related("unit", "instansi", "user").get(user=user)

    def data(self, **overrides: Any) -> KegiatanData:
        values: dict[str, Any] = {
            "area": 1,
            "description": "Sosialisasi pakta integritas kepada seluruh pegawai",
            "output": "Laporan sosialisasi",
            "indicator": "Persentase pegawai tersosialisasi",
            "target_value": Decimal("100"),
            "target_unit": "%",
            "pic": self.sari,
            "months": [3, 4],
            "deadline": datetime.date(TAHUN, 4, 30),
            "budget": Decimal("5000000"),
            "soal": None,
        }
        values.update(overrides)
        return KegiatanData(**values)

    def add_kegiatan(self, **overrides: Any) -> Kegiatan:
        with scope(self.world.instansi_a.pk):
            return kegiatan_save(actor=self.actor(self.world.ani), rencana=self.rencana, data=self.data(**overrides))

    def approve(self) -> None:
        with scope(self.world.instansi_a.pk):
            rencana = RencanaAksi.objects.get(pk=self.rencana.pk)
            rencana_aksi_submit(actor=self.actor(self.world.ani), rencana=rencana)
            rencana_aksi_approve(actor=self.actor(self.hadi), rencana=rencana)
            self.rencana.refresh_from_db()


@pytest.fixture
def ra(world: World) -> RAWorld:
    cycle = CycleFactory(instansi=world.instansi_a, tahun=TAHUN)
    sari_user = UserFactory(email="sari@alfa.go.id", name="Sari Wulandari")
    MembershipFactory(user=sari_user, instansi=world.instansi_a, unit=world.unit_a1, role=Role.PEGAWAI)
    sari = PegawaiFactory(unit=world.unit_a1, name="Sari Wulandari", nip="198501012010012001", user=sari_user)
    joko = PegawaiFactory(unit=world.unit_a1, name="Joko Susilo", nip="198601012010011002")
    outsider = PegawaiFactory(unit=world.unit_a2, name="Rina Biro Umum", nip="198701012010012003")
    hadi = UserFactory(email="hadi@alfa.go.id", name="Hadi Pimpinan")
    MembershipFactory(user=hadi, instansi=world.instansi_a, unit=world.unit_a1, role=Role.PIMPINAN_UNIT)
    secret = enrol_totp(hadi)
    with scope(world.instansi_a.pk):
        actor = Membership.objects.select_related("unit").get(user=world.ani)
        rencana = rencana_aksi_create(actor=actor, unit=world.unit_a1, cycle=cycle)
    return RAWorld(world, cycle, rencana, sari, joko, outsider, hadi, sari_user, secret)
