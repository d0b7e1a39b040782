"""Demo data of the pencanangan for `make run`: every unit has recorded its pencanangan, and about
three quarters of the pegawai have signed (through their links), so coverage, the unsigned list
and the verify page all have something to show."""

from __future__ import annotations

import datetime

from apps.pencanangan import services
from apps.pencanangan.models import PencananganForm
from apps.tenancy.models import Membership
from apps.unit_kerja.models import Cycle, Pegawai, UnitKerja


def seed_pencanangan(admin: Membership, cycle: Cycle, units: dict[str, UnitKerja]) -> None:
    for index, unit in enumerate(units.values()):
        services.pencanangan_save(
            actor=admin,
            unit=unit,
            cycle=cycle,
            data={
                "date": datetime.date(cycle.tahun, 1, 15 + index % 10),
                "place": f"Aula {unit.name}",
                "form": PencananganForm.CEREMONY if index == 0 else PencananganForm.INAUGURATION,
                "witnesses": "Perwakilan KemenPANRB\nPerwakilan Ombudsman RI",
                "publication_links": "",
            },
        )
    roster = Pegawai.objects.filter(instansi_id=admin.instansi_id, is_active=True, user__isnull=True).order_by("nip")
    for position, pegawai in enumerate(roster):
        if position % 4 == 3:
            continue  # a quarter still to sign
        new = services.signing_link_create(actor=admin, pegawai=pegawai, cycle=cycle)
        services.pakta_sign_with_link(token=new.token, nip=pegawai.nip, confirm=True)
