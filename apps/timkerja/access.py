"""The only way from an id in a request to a tim kerja object, and the unit-and-year rule the
diagnosis and the pendampingan pages share.

* another instansi's object, a missing one, or one of a unit outside a unit-narrowed member's
  subtree: 404 (the same answer for all three);
* visible but not permitted: 403. Reading takes ``Cap.PENDAMPINGAN_VIEW`` or a seat in the unit's
  tim kerja ZI that year; the unit's writes take ``Cap.PENDAMPINGAN_EDIT`` (the services check
  each rule again).
"""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.http import Http404

from apps.tenancy.access import get_in_scope_or_404, parse_public_id
from apps.tenancy.models import Membership, TenantModel
from apps.tenancy.roles import Cap
from apps.timkerja.models import AgenPerubahan, AnggotaTim, Perubahan
from apps.timkerja.permissions import is_team_member
from apps.unit_kerja.models import Cycle, UnitKerja
from apps.unit_kerja.selectors import subtree_path

T = TypeVar("T", bound=TenantModel)


def unit_in_reach(actor: Membership, unit: UnitKerja) -> None:
    """404 for a unit outside a unit-narrowed member's subtree."""
    prefix = subtree_path(actor)
    if prefix is not None and not unit.path.startswith(prefix):
        raise Http404


def may_read(actor: Membership, unit: UnitKerja, cycle: Cycle) -> bool:
    """``Cap.PENDAMPINGAN_VIEW``, or a seat in the unit's tim kerja ZI that year."""
    return actor.can(Cap.PENDAMPINGAN_VIEW) or is_team_member(actor=actor, unit=unit, cycle=cycle)


def access_unit_year(actor: Membership | None, public_id: object, tahun: int) -> tuple[UnitKerja, Cycle]:
    """A unit and one of its instansi's years, readable by the actor."""
    unit = get_in_scope_or_404(UnitKerja, actor, public_id)
    assert actor is not None  # noqa: S101  (get_in_scope_or_404 raised otherwise)
    unit_in_reach(actor, unit)
    cycle = Cycle.objects.filter(instansi_id=actor.instansi_id, tahun=tahun).first()  # type: ignore[misc]  # no instansi: no row
    if cycle is None:
        raise Http404
    if not may_read(actor, unit, cycle):
        raise PermissionDenied
    return unit, cycle


def access_unit_row(model: type[T], actor: Membership | None, public_id: object, unit_of: str) -> T:
    """A row of a unit (a team member, a risk, …) for the unit's writes; ``unit_of`` is the path
    from the row to its unit."""
    obj = get_in_scope_or_404(model, actor, public_id)
    unit = obj
    for part in unit_of.split("."):
        unit = getattr(unit, part)
    unit_in_reach(actor, unit)  # type: ignore[arg-type]
    if not actor.can(Cap.PENDAMPINGAN_EDIT):  # type: ignore[union-attr]
        raise PermissionDenied
    return obj


def access_deleted(model: type[T], actor: Membership | None, public_id: object, unit_of: str) -> T:
    """A soft-deleted row (risk, issue, service, member, agent, change) of the actor's instansi and
    reach, for its restore (else 404); ``unit_of`` is the path from the row to its unit."""
    if actor is None or actor.instansi_id is None:
        raise Http404
    obj = (
        model.with_deleted.filter(  # type: ignore[attr-defined]
            instansi_id=actor.instansi_id, public_id=parse_public_id(public_id), deleted_at__isnull=False
        )
        .select_related(unit_of.replace(".", "__"))
        .first()
    )
    if obj is None:
        raise Http404
    unit = obj
    for part in unit_of.split("."):
        unit = getattr(unit, part)
    unit_in_reach(actor, unit)
    if not actor.can(Cap.PENDAMPINGAN_EDIT):
        raise PermissionDenied
    return obj  # type: ignore[no-any-return]


def access_anggota(actor: Membership | None, public_id: object) -> AnggotaTim:
    return access_unit_row(AnggotaTim, actor, public_id, "tim.unit")


def access_agen(actor: Membership | None, public_id: object) -> AgenPerubahan:
    return access_unit_row(AgenPerubahan, actor, public_id, "tim.unit")


def access_perubahan(actor: Membership | None, public_id: object) -> Perubahan:
    return access_unit_row(Perubahan, actor, public_id, "agen.tim.unit")
