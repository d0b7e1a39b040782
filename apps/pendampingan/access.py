"""The only way from an id in a request to a pendampingan object.

* another instansi's object, a missing one, or one of a unit outside a unit-narrowed member's
  subtree: 404 (the same answer for all three);
* visible but not permitted: 403. Reading takes ``Cap.PENDAMPINGAN_VIEW`` or a seat in the unit's
  tim kerja ZI that year; the unit's writes take ``Cap.PENDAMPINGAN_EDIT``; the TPI's writes
  ``Cap.PENDAMPINGAN_TPI`` (the services check each rule again).
"""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import PermissionDenied
from django.http import Http404

from apps.pendampingan.konsultasi import side_of
from apps.pendampingan.models import (
    AgenPerubahan,
    AnggotaTim,
    Asistensi,
    IsuStrategis,
    Konsultasi,
    LayananUtama,
    Perubahan,
    Risiko,
    TindakLanjut,
)
from apps.pendampingan.permissions import is_team_member
from apps.tenancy.access import get_in_scope_or_404, parse_public_id
from apps.tenancy.models import Membership, TenantModel
from apps.tenancy.roles import Cap
from apps.unit_kerja.models import Cycle, UnitKerja
from apps.unit_kerja.selectors import subtree_path

T = TypeVar("T", bound=TenantModel)


def _reach(actor: Membership, unit: UnitKerja) -> None:
    prefix = subtree_path(actor)
    if prefix is not None and not unit.path.startswith(prefix):
        raise Http404


def _may_read(actor: Membership, unit: UnitKerja, cycle: Cycle) -> bool:
    return actor.can(Cap.PENDAMPINGAN_VIEW) or is_team_member(actor=actor, unit=unit, cycle=cycle)


def access_unit_year(actor: Membership | None, public_id: object, tahun: int) -> tuple[UnitKerja, Cycle]:
    """A unit and one of its instansi's years, readable by the actor."""
    unit = get_in_scope_or_404(UnitKerja, actor, public_id)
    assert actor is not None  # noqa: S101  (get_in_scope_or_404 raised otherwise)
    _reach(actor, unit)
    cycle = Cycle.objects.filter(instansi_id=actor.instansi_id, tahun=tahun).first()  # type: ignore[misc]  # no instansi: no row
    if cycle is None:
        raise Http404
    if not _may_read(actor, unit, cycle):
        raise PermissionDenied
    return unit, cycle


def _unit_write(model: type[T], actor: Membership | None, public_id: object, unit_of: str) -> T:
    obj = get_in_scope_or_404(model, actor, public_id)
    unit = obj
    for part in unit_of.split("."):
        unit = getattr(unit, part)
    _reach(actor, unit)  # type: ignore[arg-type]
    if not actor.can(Cap.PENDAMPINGAN_EDIT):  # type: ignore[union-attr]
        raise PermissionDenied
    return obj


def access_risiko(actor: Membership | None, public_id: object) -> Risiko:
    return _unit_write(Risiko, actor, public_id, "diagnosis.unit")


def access_deleted(model: type[T], actor: Membership | None, public_id: object, unit_of: str = "diagnosis.unit") -> T:
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
    _reach(actor, unit)
    if not actor.can(Cap.PENDAMPINGAN_EDIT):
        raise PermissionDenied
    return obj  # type: ignore[no-any-return]


def access_layanan(actor: Membership | None, public_id: object) -> LayananUtama:
    return _unit_write(LayananUtama, actor, public_id, "diagnosis.unit")


def access_isu(actor: Membership | None, public_id: object) -> IsuStrategis:
    return _unit_write(IsuStrategis, actor, public_id, "diagnosis.unit")


def access_anggota(actor: Membership | None, public_id: object) -> AnggotaTim:
    return _unit_write(AnggotaTim, actor, public_id, "tim.unit")


def access_agen(actor: Membership | None, public_id: object) -> AgenPerubahan:
    return _unit_write(AgenPerubahan, actor, public_id, "tim.unit")


def access_perubahan(actor: Membership | None, public_id: object) -> Perubahan:
    return _unit_write(Perubahan, actor, public_id, "agen.tim.unit")


def access_konsultasi(actor: Membership | None, public_id: object) -> Konsultasi:
    """A unit thread: its unit in reach, and a reader of the unit or a party to it. A question to
    TPN is the TPI's business: anyone else gets 404, as if it did not exist."""
    konsultasi = get_in_scope_or_404(Konsultasi, actor, public_id)
    assert actor is not None  # noqa: S101
    if konsultasi.for_tpn:
        if not actor.can(Cap.PENDAMPINGAN_TPI):
            raise Http404
        return konsultasi
    _reach(actor, konsultasi.unit)  # type: ignore[arg-type]
    if side_of(actor, konsultasi) is None and not _may_read(actor, konsultasi.unit, konsultasi.cycle):  # type: ignore[arg-type]
        raise PermissionDenied
    return konsultasi


def access_asistensi(actor: Membership | None, public_id: object) -> Asistensi:
    asistensi = get_in_scope_or_404(Asistensi, actor, public_id)
    assert actor is not None  # noqa: S101
    _reach(actor, asistensi.unit)
    if not _may_read(actor, asistensi.unit, asistensi.cycle):
        raise PermissionDenied
    return asistensi


def access_tindak_lanjut(actor: Membership | None, public_id: object) -> TindakLanjut:
    action = get_in_scope_or_404(TindakLanjut, actor, public_id)
    assert actor is not None  # noqa: S101
    _reach(actor, action.asistensi.unit)
    if not _may_read(actor, action.asistensi.unit, action.asistensi.cycle):
        raise PermissionDenied
    return action
