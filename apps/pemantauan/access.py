"""Access to the monitoring after the predikat: the only way from a request to what it acts on.

A member who does not monitor (operator, pegawai, viewer) is 403; another instansi's unit is 404
(``get_in_scope_or_404``). The public complaint form reaches any active unit by its link; whether
the unit holds a predikat (else 404) is the view's check inside the unit's scope.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404

from apps.pemantauan.services import can_monitor
from apps.tenancy.access import get_in_scope_or_404
from apps.tenancy.models import Membership
from apps.tenancy.rls import all_tenants
from apps.unit_kerja.models import UnitKerja


def access_monitor(actor: Membership | None) -> Membership:
    """The actor, if they monitor their instansi's units (403 otherwise)."""
    if actor is None or not can_monitor(actor):
        raise PermissionDenied
    return actor


def access_monitored_unit(actor: Membership | None, public_id: Any) -> UnitKerja:
    """A unit of the actor's instansi (404 outside it), for a member who monitors (403 otherwise)."""
    if actor is None:
        raise Http404
    unit = get_in_scope_or_404(UnitKerja, actor, public_id)
    access_monitor(actor)
    return unit


def access_public_unit(public_id: Any) -> UnitKerja:
    """An active unit named by a public complaint link, of any instansi (404 when there is none)."""
    with all_tenants("a public complaint link names the unit"):
        unit = UnitKerja.unscoped.filter(public_id=public_id, is_active=True).select_related("instansi").first()
    if unit is None:
        raise Http404
    return unit
