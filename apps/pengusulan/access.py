"""Turning ids from requests into pengusulan objects: another instansi's → 404, no capability → 403."""

from __future__ import annotations

from apps.pengusulan.models import Pengusulan, SuratPengusulan
from apps.penilaian.models import Penilaian
from apps.tenancy.access import get_in_scope_or_404, require_capability
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap
from apps.unit_kerja.models import UnitKerja


def access_pengusulan(actor: Membership | None, public_id: object, *, for_write: bool = False) -> Pengusulan:
    pengusulan = get_in_scope_or_404(Pengusulan, actor, public_id)
    require_capability(actor, Cap.PENGUSULAN_SUBMIT if for_write else Cap.PENGUSULAN_VIEW)
    return pengusulan


def access_surat(actor: Membership | None, public_id: object, *, for_write: bool = False) -> SuratPengusulan:
    surat = get_in_scope_or_404(SuratPengusulan, actor, public_id)
    require_capability(actor, Cap.PENGUSULAN_SUBMIT if for_write else Cap.PENGUSULAN_VIEW)
    return surat


def access_candidate(actor: Membership | None, public_id: object) -> Penilaian:
    """A penilaian to propose (the pimpinan instansi or the admin ZI)."""
    penilaian = get_in_scope_or_404(Penilaian, actor, public_id)
    require_capability(actor, Cap.PENGUSULAN_VIEW)
    if not (actor.can(Cap.PENGUSULAN_SUBMIT) or actor.can(Cap.PENGUSULAN_MANAGE)):  # type: ignore[union-attr]
        require_capability(actor, Cap.PENGUSULAN_SUBMIT)
    return penilaian


def access_unit_facts(actor: Membership | None, public_id: object, *, for_write: bool = False) -> UnitKerja:
    unit = get_in_scope_or_404(UnitKerja, actor, public_id)
    require_capability(actor, Cap.PENGUSULAN_MANAGE if for_write else Cap.PENGUSULAN_VIEW)
    return unit
