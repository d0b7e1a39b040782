"""The pendampingan entry page: the units the member may open for a year."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from apps.tenancy.decorators import instansi_member_required, request_actor
from apps.tenancy.roles import Cap
from apps.timkerja.permissions import pokja_areas
from apps.unit_kerja.models import Cycle
from apps.unit_kerja.selectors import cycle_current, unit_kerja_visible


@require_GET
@instansi_member_required
def index(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    cycles = list(Cycle.objects.filter(instansi_id=actor.instansi_id).order_by("-tahun"))
    wanted = request.GET.get("tahun", "")
    cycle = next((c for c in cycles if str(c.tahun) == wanted), None) or cycle_current(instansi=actor.instansi_id)
    cycle = cycle or (cycles[0] if cycles else None)
    units = list(unit_kerja_visible(actor=actor).filter(is_active=True).order_by("path")[:500])
    if not actor.can(Cap.PENDAMPINGAN_VIEW):
        units = [u for u in units if cycle is not None and pokja_areas(actor=actor, unit=u, cycle=cycle)]
        if not units:
            raise PermissionDenied
    return render(request, "pendampingan/index.html", {"cycles": cycles, "cycle": cycle, "units": units})
