"""From a public_id in a request to a unit's pencanangan pages, a pegawai or a signature.

Another instansi's object, a missing one, or one outside a unit-narrowed member's subtree: 404.
Visible without the capability: 403. A pegawai always sees their own signature.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from apps.pencanangan.models import PaktaIntegritas
from apps.tenancy.access import get_in_scope_or_404
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap
from apps.unit_kerja.models import Pegawai, UnitKerja
from apps.unit_kerja.selectors import subtree_path


def _in_reach(actor: Membership, unit: UnitKerja) -> bool:
    prefix = subtree_path(actor)
    return prefix is None or unit.path.startswith(prefix)


def _check(actor: Membership, unit: UnitKerja, for_write: bool) -> None:
    if not _in_reach(actor, unit):
        raise Http404
    if not actor.can(Cap.PENCANANGAN_VIEW):
        raise PermissionDenied
    if for_write and not actor.can(Cap.PENCANANGAN_MANAGE):
        raise PermissionDenied


def access_unit(actor: Membership | None, public_id: object, *, for_write: bool = False) -> UnitKerja:
    if actor is None:
        raise Http404
    unit = get_in_scope_or_404(UnitKerja, actor, public_id)
    _check(actor, unit, for_write)
    return unit


def access_pegawai(actor: Membership | None, public_id: object) -> Pegawai:
    """A roster entry to make a signing link for (needs Cap.PENCANANGAN_MANAGE)."""
    if actor is None:
        raise Http404
    pegawai = get_in_scope_or_404(Pegawai, actor, public_id)
    _check(actor, pegawai.unit, for_write=True)
    return pegawai


def access_pakta(actor: Membership | None, public_id: object, *, for_write: bool = False) -> PaktaIntegritas:
    if actor is None:
        raise Http404
    pakta = get_in_scope_or_404(PaktaIntegritas, actor, public_id)
    if not for_write and pakta.pegawai.user_id == actor.user_id:
        return pakta
    _check(actor, pakta.unit, for_write)
    return pakta
