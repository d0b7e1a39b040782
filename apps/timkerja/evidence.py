"""The tim kerja's holder of evidence, registered with ``apps.bukti_dukung.holders`` (imported by
``TimkerjaConfig.ready``): the team's SK."""

from __future__ import annotations

from apps.bukti_dukung.holders import EvidenceHolder, register_holder
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap
from apps.timkerja.access import access_unit_year
from apps.timkerja.models import TimKerja


def _tim_kerja(actor: Membership, tim: TimKerja) -> object:
    return access_unit_year(actor, tim.unit.public_id, tim.cycle.tahun)


register_holder(EvidenceHolder("timkerja.TimKerja", "sk_file", Cap.PENDAMPINGAN_VIEW, "unit__path", _tim_kerja))
