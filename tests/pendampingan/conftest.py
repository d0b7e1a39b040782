"""A pendampingan world on top of the penilaian one (``lke``: the LKE imported, this year's cycle
with every window open, A1 designated, budi TPI of A1 at tier 1):

* hadi — pimpinan unit of A1 (MFA enrolled); ani — tim kerja of A1 (from ``world``);
* sari — a pegawai of A1 with a login and only the pegawai role, pokja member of area 1;
* joko — a pegawai of A1 without a login; rina — a pegawai of unit A2;
* an empty rencana aksi of A1 for the year, created by ani.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from apps.accounts.models import User
from apps.rencana_aksi.models import RencanaAksi
from apps.rencana_aksi.services.kegiatan import KegiatanData
from apps.rencana_aksi.services.plans import rencana_aksi_create
from apps.tenancy.models import Membership
from apps.tenancy.roles import Role
from apps.tenancy.scope import scope
from apps.timkerja import services as timkerja_services
from apps.timkerja.models import TimKerja
from apps.unit_kerja.models import Pegawai
from tests.conftest import enrol_totp
from tests.factories import MembershipFactory, PegawaiFactory, UserFactory
from tests.notifications.worker import running_worker
from tests.penilaian.conftest import LKEWorld, lke

__all__ = ["lke", "running_worker"]


@dataclass
class PDWorld:
    lke: LKEWorld
    hadi: User
    sari_user: User
    sari: Pegawai
    joko: Pegawai
    rina: Pegawai
    tim: TimKerja
    rencana: RencanaAksi

    @property
    def world(self):
        return self.lke.world

    @property
    def cycle(self):
        return self.lke.cycle

    @property
    def tahun(self) -> int:
        return self.lke.cycle.tahun

    def actor(self, user: User) -> Membership:
        return Membership.objects.select_related("unit", "instansi", "user").get(user=user)

    def kegiatan_data(self, **overrides: Any) -> KegiatanData:
        values: dict[str, Any] = {
            "area": 1,
            "description": "Sosialisasi pakta integritas kepada seluruh pegawai",
            "output": "Laporan sosialisasi",
            "indicator": "Persentase pegawai tersosialisasi",
            "target_value": Decimal("100"),
            "target_unit": "%",
            "pic": self.sari,
            "months": [3, 4],
            "deadline": datetime.date(self.tahun, 4, 30),
        }
        values.update(overrides)
        return KegiatanData(**values)


@pytest.fixture
def pd(lke: LKEWorld) -> PDWorld:
    world = lke.world
    hadi = UserFactory(email="hadi@alfa.go.id", name="Hadi Pimpinan")
    MembershipFactory(user=hadi, instansi=world.instansi_a, unit=world.unit_a1, role=Role.PIMPINAN_UNIT)
    enrol_totp(hadi)
    sari_user = UserFactory(email="sari@alfa.go.id", name="Sari Wulandari")
    MembershipFactory(user=sari_user, instansi=world.instansi_a, unit=world.unit_a1, role=Role.PEGAWAI)
    sari = PegawaiFactory(unit=world.unit_a1, name="Sari Wulandari", nip="198501012010012001", user=sari_user)
    joko = PegawaiFactory(unit=world.unit_a1, name="Joko Susilo", nip="198601012010011002")
    rina = PegawaiFactory(unit=world.unit_a2, name="Rina Biro Umum", nip="198701012010012003")
    with scope(world.instansi_a.pk):
        ani = Membership.objects.select_related("unit", "instansi", "user").get(user=world.ani)
        tim = timkerja_services.tim_kerja_get_or_create(actor=ani, unit=world.unit_a1, cycle=lke.cycle)
        timkerja_services.anggota_add(actor=ani, tim=tim, pegawai=sari, peran="anggota", area=1)
        rencana = rencana_aksi_create(actor=ani, unit=world.unit_a1, cycle=lke.cycle)
    return PDWorld(lke, hadi, sari_user, sari, joko, rina, tim, rencana)
