"""What the pendampingan pages share: the messages, the redirect to a unit's page, the context of
the unit pages, and the delete/restore steps with their undo."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.core.forms import run_action
from apps.rencana_aksi.selectors import penilaian_for, rencana_for
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap
from apps.timkerja.permissions import pokja_areas
from apps.unit_kerja.models import Cycle, Pegawai, UnitKerja

SAVED = _("Saved.")
DELETED = _("Deleted.")
DELETED_UNDOABLE = _("“%(name)s” was deleted.")
RESTORED = _("“%(name)s” was restored.")
SENT = _("Your message is sent.")
CLOSED = _("The thread is closed.")
DONE = _("The action is marked done.")


def _hub(unit: UnitKerja, cycle: Cycle, tab: str = "pendampingan:hub") -> HttpResponse:
    return redirect(tab, public_id=unit.public_id, tahun=cycle.tahun)


def _pegawai(unit: UnitKerja) -> dict[str, Any]:
    return {
        "pegawai_all": Pegawai.objects.filter(instansi_id=unit.instansi_id),
        "pegawai_unit": Pegawai.objects.filter(instansi_id=unit.instansi_id, unit=unit, is_active=True),
    }


def _base(actor: Membership, unit: UnitKerja, cycle: Cycle, tab: str) -> dict[str, Any]:
    return {
        "unit": unit,
        "cycle": cycle,
        "tab": tab,
        "can_edit": actor.can(Cap.PENDAMPINGAN_EDIT),
        "is_tpi": actor.can(Cap.PENDAMPINGAN_TPI),
        "rencana": rencana_for(unit=unit, tahun=cycle.tahun),
        "penilaian": penilaian_for(unit=unit, cycle=cycle),
        "pokja_areas": sorted(pokja_areas(actor=actor, unit=unit, cycle=cycle)),
    }


def _delete(
    request: HttpRequest,
    obj: Any,
    call: Callable[[], Any],
    unit: UnitKerja,
    cycle: Cycle,
    tab: str,
    *,
    restore: str | None = None,
) -> Any:
    if run_action(request, lambda: call() or True):
        if restore is None:
            messages.success(request, DELETED)
        else:
            # The message carries its undo (templates/partials/messages.html renders the button).
            url = reverse(restore, kwargs={"public_id": obj.public_id})
            messages.success(request, DELETED_UNDOABLE % {"name": str(obj)}, extra_tags=f"zi-undo={url}")
    return _hub(unit, cycle, tab)


def _restore(
    request: HttpRequest, obj: Any, call: Callable[[], Any], tim: Any = None, tab: str = "pendampingan:hub"
) -> HttpResponse:
    """Restore, say so, and go back to the page the row was deleted from (the diagnosis hub, or the
    team page when ``tim`` is given)."""
    where = tim if tim is not None else obj.diagnosis
    if run_action(request, lambda: call() or True):
        messages.success(request, RESTORED % {"name": str(obj)})
    return _hub(where.unit, where.cycle, tab)
