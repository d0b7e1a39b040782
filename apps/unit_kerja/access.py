"""The only way from a public_id in a request to a unit, pegawai, cycle or penetapan.

* another instansi's object, a missing one, or — for a unit-narrowed member — one outside their
  unit's subtree: 404 (the same answer, so nothing is revealed);
* visible, but the actor lacks the view capability, or asks to write without the manage
  capability: 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from apps.tenancy.access import get_in_scope_or_404
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap
from apps.unit_kerja.models import Cycle, ImportJob, ImportKind, Pegawai, Penetapan, UnitKerja
from apps.unit_kerja.selectors import subtree_path


def _require_in_subtree(actor: Membership, unit: UnitKerja) -> None:
    prefix = subtree_path(actor)
    if prefix is not None and not unit.path.startswith(prefix):
        raise Http404


def access_unit_kerja(actor: Membership | None, public_id: object, *, for_write: bool = False) -> UnitKerja:
    """``for_write``: change the register entry (Cap.UNIT_MANAGE)."""
    if actor is None:
        raise Http404
    unit = get_in_scope_or_404(UnitKerja, actor, public_id)
    _require_in_subtree(actor, unit)
    if not actor.can(Cap.UNIT_VIEW):
        raise PermissionDenied
    if for_write and not actor.can(Cap.UNIT_MANAGE):
        raise PermissionDenied
    return unit


def access_pegawai(actor: Membership | None, public_id: object, *, for_write: bool = False) -> Pegawai:
    """``for_write``: change the roster entry (Cap.PEGAWAI_MANAGE; tim kerja for their own subtree)."""
    if actor is None:
        raise Http404
    pegawai = get_in_scope_or_404(Pegawai, actor, public_id)
    _require_in_subtree(actor, pegawai.unit)
    if not actor.can(Cap.PEGAWAI_VIEW):
        raise PermissionDenied
    if for_write and not actor.can(Cap.PEGAWAI_MANAGE):
        raise PermissionDenied
    return pegawai


def access_cycle(actor: Membership | None, public_id: object, *, for_write: bool = False) -> Cycle:
    """Every member of the instansi may see its years; ``for_write`` needs Cap.CYCLE_MANAGE."""
    if actor is None:
        raise Http404
    cycle = get_in_scope_or_404(Cycle, actor, public_id)
    if for_write and not actor.can(Cap.CYCLE_MANAGE):
        raise PermissionDenied
    return cycle


def access_penetapan(actor: Membership | None, public_id: object, *, for_write: bool = False) -> Penetapan:
    """``for_write``: change or designate (Cap.PENETAPAN_MANAGE)."""
    if actor is None:
        raise Http404
    penetapan = get_in_scope_or_404(Penetapan, actor, public_id)
    _require_in_subtree(actor, penetapan.unit)
    if not actor.can(Cap.PENETAPAN_VIEW):
        raise PermissionDenied
    if for_write and not actor.can(Cap.PENETAPAN_MANAGE):
        raise PermissionDenied
    return penetapan


# The capability of each import's page (the services' _IMPORTS holds the same pairs with the service).
_IMPORT_CAPABILITY: dict[str, str] = {ImportKind.PEGAWAI: Cap.PEGAWAI_MANAGE, ImportKind.UNIT: Cap.UNIT_MANAGE}


def access_import_job(actor: Membership | None, public_id: object, *, for_write: bool = False) -> ImportJob:
    """An import job is seen by those who may run that import now (Cap.PEGAWAI_MANAGE or
    Cap.UNIT_MANAGE, as its import page) and reach the importer's scope: a job of a unit-narrowed
    importer reaches that unit's subtree and the instansi roles; a job of an instansi-wide importer,
    the instansi roles only.
    ``for_write`` is accepted for the common signature; a job has no write views."""
    if actor is None:
        raise Http404
    job = get_in_scope_or_404(ImportJob, actor, public_id)
    if job.kind not in _IMPORT_CAPABILITY:  # another app's import has its own page (rencana aksi)
        raise Http404
    prefix = subtree_path(actor)
    if prefix is not None and (job.unit is None or not job.unit.path.startswith(prefix)):
        raise Http404
    if not actor.can(_IMPORT_CAPABILITY[job.kind]):
        raise PermissionDenied
    return job
