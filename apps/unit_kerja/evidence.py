"""The unit kerja's holders of evidence, registered with ``apps.bukti_dukung.holders`` (imported by
``UnitKerjaConfig.ready``): a penetapan's signed SK."""

from __future__ import annotations

from apps.bukti_dukung.holders import EvidenceHolder, register_holder
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap
from apps.unit_kerja.access import access_penetapan
from apps.unit_kerja.models import Penetapan


def _penetapan(actor: Membership, penetapan: Penetapan) -> object:
    return access_penetapan(actor, penetapan.public_id)


register_holder(EvidenceHolder("unit_kerja.Penetapan", "sk_file", Cap.PENETAPAN_VIEW, "unit__path", _penetapan))
