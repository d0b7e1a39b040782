"""The only way from an id in a request to a pendampingan object (a thread, an asistensi, a
follow-up action).

* another instansi's object, a missing one, or one of a unit outside a unit-narrowed member's
  subtree: 404 (the same answer for all three);
* visible but not permitted: 403. Reading takes ``Cap.PENDAMPINGAN_VIEW`` or a seat in the unit's
  tim kerja ZI that year (``apps.timkerja.access``); the TPI's writes ``Cap.PENDAMPINGAN_TPI``
  (the services check each rule again).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from apps.pendampingan.models import Asistensi, Konsultasi, TindakLanjut
from apps.pendampingan.services.konsultasi import side_of
from apps.tenancy.access import get_in_scope_or_404
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap
from apps.timkerja.access import may_read, unit_in_reach


def access_konsultasi(actor: Membership | None, public_id: object) -> Konsultasi:
    """A unit thread: its unit in reach, and a reader of the unit or a party to it. A question to
    TPN is the TPI's business: anyone else gets 404, as if it did not exist."""
    konsultasi = get_in_scope_or_404(Konsultasi, actor, public_id)
    assert actor is not None  # noqa: S101
    if konsultasi.for_tpn:
        if not actor.can(Cap.PENDAMPINGAN_TPI):
            raise Http404
        return konsultasi
    unit_in_reach(actor, konsultasi.unit)  # type: ignore[arg-type]
    if side_of(actor, konsultasi) is None and not may_read(actor, konsultasi.unit, konsultasi.cycle):  # type: ignore[arg-type]
        raise PermissionDenied
    return konsultasi


def access_asistensi(actor: Membership | None, public_id: object) -> Asistensi:
    asistensi = get_in_scope_or_404(Asistensi, actor, public_id)
    assert actor is not None  # noqa: S101
    unit_in_reach(actor, asistensi.unit)
    if not may_read(actor, asistensi.unit, asistensi.cycle):
        raise PermissionDenied
    return asistensi


def access_tindak_lanjut(actor: Membership | None, public_id: object) -> TindakLanjut:
    action = get_in_scope_or_404(TindakLanjut, actor, public_id)
    assert actor is not None  # noqa: S101
    unit_in_reach(actor, action.asistensi.unit)
    if not may_read(actor, action.asistensi.unit, action.asistensi.cycle):
        raise PermissionDenied
    return action
