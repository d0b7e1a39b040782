"""The only way from a public_id in a request to a rencana aksi, kegiatan or realisasi.

* another instansi's object, a missing one, or one outside a unit-narrowed member's subtree: 404;
* visible, but the actor lacks ``rencana_aksi.view``, or asks to write without
  ``rencana_aksi.edit``: 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from apps.rencana_aksi.models import Kegiatan, Realisasi, RencanaAksi
from apps.tenancy.access import get_in_scope_or_404
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap
from apps.unit_kerja.models import UnitKerja
from apps.unit_kerja.selectors import subtree_path


def _check(actor: Membership, unit: UnitKerja, *, for_write: bool) -> None:
    prefix = subtree_path(actor)
    if prefix is not None and not unit.path.startswith(prefix):
        raise Http404
    if not actor.can(Cap.RENCANA_AKSI_VIEW):
        raise PermissionDenied
    if for_write and not actor.can(Cap.RENCANA_AKSI_EDIT):
        raise PermissionDenied


def access_rencana_aksi(actor: Membership | None, public_id: object, *, for_write: bool = False) -> RencanaAksi:
    rencana = get_in_scope_or_404(RencanaAksi, actor, public_id)
    _check(actor, rencana.unit, for_write=for_write)  # type: ignore[arg-type]
    return rencana


def access_kegiatan(actor: Membership | None, public_id: object, *, for_write: bool = False) -> Kegiatan:
    kegiatan = get_in_scope_or_404(Kegiatan, actor, public_id)
    _check(actor, kegiatan.rencana.unit, for_write=for_write)  # type: ignore[arg-type]
    return kegiatan


def access_realisasi(actor: Membership | None, public_id: object, *, for_write: bool = False) -> Realisasi:
    realisasi = get_in_scope_or_404(Realisasi, actor, public_id)
    _check(actor, realisasi.kegiatan.rencana.unit, for_write=for_write)  # type: ignore[arg-type]
    return realisasi
