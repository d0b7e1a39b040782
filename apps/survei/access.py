"""Turning ids from requests into survey objects: another instansi's (or, for a unit-narrowed member,
another subtree's) → 404; visible without the capability → 403."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from apps.survei.models import Layanan, Survei
from apps.tenancy.access import get_in_scope_or_404
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap
from apps.unit_kerja.models import UnitKerja
from apps.unit_kerja.selectors import subtree_path


def _require_unit(actor: Membership, unit: UnitKerja, *, for_write: bool) -> None:
    prefix = subtree_path(actor)
    if prefix is not None and not unit.path.startswith(prefix):
        raise Http404
    if not actor.can(Cap.SURVEI_VIEW):
        raise PermissionDenied
    if for_write and not actor.can(Cap.SURVEI_MANAGE):
        raise PermissionDenied


def access_survei(actor: Membership | None, public_id: object, *, for_write: bool = False) -> Survei:
    """``for_write``: close, reopen (Cap.SURVEI_MANAGE)."""
    survei = get_in_scope_or_404(Survei, actor, public_id)
    _require_unit(actor, survei.unit, for_write=for_write)  # type: ignore[arg-type]
    return survei


def access_layanan(actor: Membership | None, public_id: object, *, for_write: bool = False) -> Layanan:
    """``for_write``: rename, (de)activate, print the poster (Cap.SURVEI_MANAGE)."""
    layanan = get_in_scope_or_404(Layanan, actor, public_id)
    _require_unit(actor, layanan.unit, for_write=for_write)  # type: ignore[arg-type]
    return layanan


def access_unit(actor: Membership | None, public_id: object, *, for_write: bool = False) -> UnitKerja:
    """A unit's survey pages: its services and results over time."""
    unit = get_in_scope_or_404(UnitKerja, actor, public_id)
    _require_unit(actor, unit, for_write=for_write)  # type: ignore[arg-type]
    return unit
