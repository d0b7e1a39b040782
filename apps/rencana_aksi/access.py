"""The only way from a public_id in a request to a rencana aksi, kegiatan, realisasi or kegiatan
import job.

* another instansi's object, a missing one, or one outside a unit-narrowed member's subtree: 404;
* visible, but the actor lacks ``rencana_aksi.view``, or asks to write without
  ``rencana_aksi.edit``: 403 — unless the unit's tim kerja ZI makes them a pokja member (view the
  plan; write the kegiatan of their own area), see ``apps.timkerja.permissions``.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from apps.rencana_aksi.models import Kegiatan, Realisasi, RencanaAksi
from apps.tenancy.access import get_in_scope_or_404, parse_public_id
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap
from apps.timkerja.permissions import pokja_areas
from apps.unit_kerja.models import Cycle, ImportJob, ImportKind, UnitKerja
from apps.unit_kerja.selectors import subtree_path


def _check(
    actor: Membership,
    unit: UnitKerja,
    *,
    for_write: bool,
    cycle: Cycle | None = None,
    area: int | None = None,
) -> None:
    prefix = subtree_path(actor)
    if prefix is not None and not unit.path.startswith(prefix):
        raise Http404
    if actor.can(Cap.RENCANA_AKSI_VIEW) and (not for_write or actor.can(Cap.RENCANA_AKSI_EDIT)):
        return
    # The tim kerja ZI adds rights: a pokja member sees the plan and edits their own area.
    if cycle is not None:
        areas = pokja_areas(actor=actor, unit=unit, cycle=cycle)
        if areas and (area is None or area in areas):
            return
    raise PermissionDenied


def access_rencana_aksi(actor: Membership | None, public_id: object, *, for_write: bool = False) -> RencanaAksi:
    rencana = get_in_scope_or_404(RencanaAksi, actor, public_id)
    _check(actor, rencana.unit, for_write=for_write, cycle=rencana.cycle)  # type: ignore[arg-type]
    return rencana


def access_kegiatan(actor: Membership | None, public_id: object, *, for_write: bool = False) -> Kegiatan:
    kegiatan = get_in_scope_or_404(Kegiatan, actor, public_id)
    rencana = kegiatan.rencana
    _check(
        actor,  # type: ignore[arg-type]
        rencana.unit,
        for_write=for_write,
        cycle=rencana.cycle,
        area=kegiatan.area if for_write else None,
    )
    return kegiatan


def access_deleted_kegiatan(actor: Membership | None, public_id: object) -> Kegiatan:
    """A deleted kegiatan of the actor's instansi and reach, for its restore (else 404); writing
    it back needs the rights of writing the kegiatan (403 otherwise)."""
    if actor is None or actor.instansi_id is None:
        raise Http404
    kegiatan = (
        Kegiatan.with_deleted.filter(
            instansi_id=actor.instansi_id, public_id=parse_public_id(public_id), deleted_at__isnull=False
        )
        .select_related("rencana__unit", "rencana__cycle")
        .first()
    )
    if kegiatan is None:
        raise Http404
    rencana = kegiatan.rencana
    _check(actor, rencana.unit, for_write=True, cycle=rencana.cycle, area=kegiatan.area)
    return kegiatan


def access_realisasi(actor: Membership | None, public_id: object, *, for_write: bool = False) -> Realisasi:
    realisasi = get_in_scope_or_404(Realisasi, actor, public_id)
    _check(actor, realisasi.kegiatan.rencana.unit, for_write=for_write)  # type: ignore[arg-type]
    return realisasi


def access_kegiatan_import_job(actor: Membership | None, public_id: object) -> tuple[ImportJob, RencanaAksi]:
    """A kegiatan import job and its plan: seen by whoever sees the plan (the unit's people, the
    instansi roles, its TPI, a pokja member), with the plan's answers (404, then 403). The job's
    rows name the unit's people and kegiatan, so its page reaches no further than the plan."""
    if actor is None:
        raise Http404
    job = get_in_scope_or_404(ImportJob, actor, public_id)
    if job.kind != ImportKind.KEGIATAN:
        raise Http404
    rencana = (
        RencanaAksi.objects.filter(instansi_id=job.instansi_id, public_id=parse_public_id(job.params.get("rencana")))
        .select_related("unit", "cycle")
        .first()
    )
    if rencana is None:
        raise Http404
    _check(actor, rencana.unit, for_write=False, cycle=rencana.cycle)
    return job, rencana
