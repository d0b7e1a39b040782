"""Pages of the years (cycle) and their windows."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from apps.core.forms import run_service
from apps.tenancy.decorators import capability_required, instansi_member_required, request_actor
from apps.tenancy.roles import Cap
from apps.unit_kerja import selectors
from apps.unit_kerja.access import (
    access_cycle,
)
from apps.unit_kerja.forms import (
    CycleForm,
)
from apps.unit_kerja.models import (
    Cycle,
)
from apps.unit_kerja.services import cycles
from apps.unit_kerja.views.common import _posted, _run_versioned


@instansi_member_required
@require_GET
def cycle_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    context = {
        "cycles": selectors.cycle_list(instansi=actor.instansi),
        "can_manage": actor.can(Cap.CYCLE_MANAGE),
    }
    return render(request, "unit_kerja/cycle_list.html", context)


@capability_required(Cap.CYCLE_MANAGE)
@require_http_methods(["GET", "POST"])
def cycle_create(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    tahun = selectors.cycle_next_tahun(instansi=actor.instansi)
    form = CycleForm(_posted(request), initial={"tahun": tahun, **cycles.cycle_defaults(tahun)})
    if form.is_valid():
        data = form.cleaned_data
        windows = {name: data[name] for name in cycles.CYCLE_DATE_FIELDS if data.get(name)}
        cycle = run_service(form, lambda: cycles.cycle_open(actor=actor, tahun=data["tahun"], **windows))
        if cycle is not None:
            messages.success(request, _("The year %(tahun)s is open.") % {"tahun": cycle.tahun})
            return redirect("unit_kerja:cycle-list")
    return render(request, "unit_kerja/cycle_form.html", {"form": form, "cycle": None})


@instansi_member_required
@require_http_methods(["GET", "POST"])
def cycle_update(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    cycle = access_cycle(actor, public_id, for_write=True)
    initial = {name: getattr(cycle, name) for name in (*cycles.CYCLE_DATE_FIELDS, "is_open", "version")}
    form = CycleForm(_posted(request), editing=True, initial=initial)
    if form.is_valid():
        done, form = _run_versioned(
            request,
            form,
            lambda: cycles.cycle_update(actor=actor, cycle=cycle, data=form.cleaned_data),
            lambda data: CycleForm(data, editing=True),
            lambda: Cycle.objects.get(pk=cycle.pk).version,
        )
        if done is not None:
            messages.success(request, _("The year %(tahun)s was saved.") % {"tahun": done.tahun})
            return redirect("unit_kerja:cycle-list")
    return render(request, "unit_kerja/cycle_form.html", {"form": form, "cycle": cycle})
