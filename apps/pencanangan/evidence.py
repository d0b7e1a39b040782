"""The pencanangan's holders of evidence, registered with ``apps.bukti_dukung.holders`` (imported by
``PencananganConfig.ready``): a pakta's scan and a pencanangan's documents."""

from __future__ import annotations

from apps.bukti_dukung.holders import EvidenceHolder, register_holder
from apps.pencanangan.access import access_pakta, access_unit
from apps.pencanangan.models import PaktaIntegritas, Pencanangan
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap


def _pakta(actor: Membership, pakta: PaktaIntegritas) -> object:
    return access_pakta(actor, pakta.public_id)


def _pencanangan(actor: Membership, pencanangan: Pencanangan) -> object:
    return access_unit(actor, pencanangan.unit.public_id)


register_holder(EvidenceHolder("pencanangan.PaktaIntegritas", "scan", Cap.PENCANANGAN_VIEW, "unit__path", _pakta))
register_holder(
    EvidenceHolder("pencanangan.Pencanangan", "documents", Cap.PENCANANGAN_VIEW, "unit__path", _pencanangan)
)
