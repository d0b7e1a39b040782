"""The pengusulan's holders of evidence, registered with ``apps.bukti_dukung.holders`` (imported by
``PengusulanConfig.ready``): the eligibility facts' files and the letter's SPTJM."""

from __future__ import annotations

from apps.bukti_dukung.holders import EvidenceHolder, register_holder
from apps.pengusulan.access import access_surat, access_unit_facts
from apps.pengusulan.models import InstansiEligibility, SuratPengusulan, UnitEligibility
from apps.tenancy.access import require_capability
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap


def _instansi_eligibility(actor: Membership, eligibility: InstansiEligibility) -> object:
    return require_capability(actor, Cap.PENGUSULAN_VIEW)


def _unit_eligibility(actor: Membership, eligibility: UnitEligibility) -> object:
    return access_unit_facts(actor, eligibility.unit.public_id)


def _surat(actor: Membership, surat: SuratPengusulan) -> object:
    return access_surat(actor, surat.public_id)


register_holder(
    EvidenceHolder("pengusulan.InstansiEligibility", "evidence", Cap.PENGUSULAN_VIEW, None, _instansi_eligibility)
)
register_holder(
    EvidenceHolder("pengusulan.UnitEligibility", "evidence", Cap.PENGUSULAN_VIEW, "unit__path", _unit_eligibility)
)
register_holder(EvidenceHolder("pengusulan.SuratPengusulan", "sptjm_file", Cap.PENGUSULAN_VIEW, None, _surat))
