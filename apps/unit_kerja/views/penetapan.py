"""Pages of penetapan: the year's list, propose, edit, and designation by SK."""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from apps.core.errors import ConflictError
from apps.core.forms import run_service
from apps.tenancy.decorators import capability_required, instansi_member_required, request_actor
from apps.tenancy.roles import Cap
from apps.unit_kerja import selectors
from apps.unit_kerja.access import (
    access_penetapan,
)
from apps.unit_kerja.forms import (
    PenetapanDesignateForm,
    PenetapanForm,
)
from apps.unit_kerja.models import (
    Cycle,
    Penetapan,
    PenetapanStatus,
)
from apps.unit_kerja.services import cycles
from apps.unit_kerja.views.common import _posted, _visible_unit


def _chosen_cycle(request: HttpRequest, years: list[Cycle]) -> Cycle | None:
    raw = request.GET.get("tahun", "")
    if raw.isdigit():
        for cycle in years:
            if cycle.tahun == int(raw):
                return cycle
    current = selectors.cycle_current(instansi=request_actor(request).instansi)
    return current or (years[0] if years else None)


@capability_required(Cap.PENETAPAN_VIEW)
@require_GET
def penetapan_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    years = list(selectors.cycle_list(instansi=actor.instansi))
    cycle = _chosen_cycle(request, years)
    designated_only = request.GET.get("status") == PenetapanStatus.DESIGNATED
    rows = selectors.penetapan_list(actor=actor, cycle=cycle, designated_only=designated_only) if cycle else None
    context = {
        "cycles": years,
        "cycle": cycle,
        "rows": rows,
        "designated_only": designated_only,
        "counts": selectors.penetapan_counts(actor=actor, cycle=cycle) if cycle else None,
        "can_manage": actor.can(Cap.PENETAPAN_MANAGE),
        "can_manage_cycle": actor.can(Cap.CYCLE_MANAGE),
    }
    return render(request, "unit_kerja/penetapan_list.html", context)


@capability_required(Cap.PENETAPAN_MANAGE)
@require_http_methods(["GET", "POST"])
def penetapan_create(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    open_cycles = selectors.cycle_list(instansi=actor.instansi).filter(is_open=True)
    unit = _visible_unit(actor, request.GET.get("unit"))
    tahun = request.GET.get("tahun", "")
    initial_cycle = open_cycles.filter(tahun=int(tahun)).first() if tahun.isdigit() else None
    initial_cycle = initial_cycle or selectors.cycle_current(instansi=actor.instansi)
    form = PenetapanForm(
        _posted(request),
        unit_choices=selectors.unit_kerja_choices(actor=actor),
        cycle_choices=open_cycles,
        initial={
            "unit": unit.public_id if unit else None,
            "cycle": initial_cycle.public_id if initial_cycle else None,
        },
    )
    if form.is_valid():
        penetapan = run_service(form, lambda: cycles.penetapan_create(actor=actor, **form.cleaned_data))
        if penetapan is not None:
            messages.success(request, _("The penetapan of %(unit)s was proposed.") % {"unit": penetapan.unit.name})
            return redirect("unit_kerja:penetapan-detail", public_id=penetapan.public_id)
    return render(request, "unit_kerja/penetapan_form.html", {"form": form, "penetapan": None})


@instansi_member_required
@require_GET
def penetapan_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    penetapan = access_penetapan(actor, public_id)
    context = {
        "penetapan": penetapan,
        "can_manage": actor.can(Cap.PENETAPAN_MANAGE),
        "can_view_audit": actor.can(Cap.AUDIT_VIEW),
    }
    return render(request, "unit_kerja/penetapan_detail.html", context)


def _keep_input_after_conflict(form_class: type[Any], request: HttpRequest, current: Penetapan, **kwargs: Any) -> Any:
    """Re-show the user's own input, now carrying the current version, with the conflict message."""
    data = request.POST.copy()
    data["version"] = str(current.version)
    form = form_class(data, request.FILES or None, **kwargs)
    form.is_valid()
    form.add_error(None, cycles.PENETAPAN_CONFLICT)
    return form


@instansi_member_required
@require_http_methods(["GET", "POST"])
def penetapan_update(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    penetapan = access_penetapan(actor, public_id, for_write=True)
    initial = {name: getattr(penetapan, name) for name in cycles.PENETAPAN_EDIT_FIELDS}
    form = PenetapanForm(_posted(request), initial={**initial, "version": penetapan.version})
    if form.is_valid():
        data = form.cleaned_data
        try:
            done = run_service(
                form,
                lambda: cycles.penetapan_update(actor=actor, penetapan=penetapan, version=data["version"], data=data),
                reraise=(ConflictError,),
            )
        except ConflictError:
            penetapan = access_penetapan(actor, public_id, for_write=True)
            form = _keep_input_after_conflict(PenetapanForm, request, penetapan)
        else:
            if done is not None:
                messages.success(request, _("The penetapan was saved."))
                return redirect("unit_kerja:penetapan-detail", public_id=penetapan.public_id)
    return render(request, "unit_kerja/penetapan_form.html", {"form": form, "penetapan": penetapan})


@instansi_member_required
@require_http_methods(["GET", "POST"])
def penetapan_designate(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    penetapan = access_penetapan(actor, public_id, for_write=True)
    has_file = penetapan.sk_file_id is not None
    form = PenetapanDesignateForm(
        _posted(request),
        request.FILES or None,
        has_file=has_file,
        initial={"sk_number": penetapan.sk_number, "sk_date": penetapan.sk_date, "version": penetapan.version},
    )
    if form.is_valid():
        data = form.cleaned_data
        try:
            done = run_service(
                form,
                lambda: cycles.penetapan_designate(
                    actor=actor,
                    penetapan=penetapan,
                    version=data["version"],
                    sk_number=data["sk_number"],
                    sk_date=data["sk_date"],
                    sk_file=data.get("sk_file"),
                ),
                reraise=(ConflictError,),
            )
        except ConflictError:
            penetapan = access_penetapan(actor, public_id, for_write=True)
            form = _keep_input_after_conflict(PenetapanDesignateForm, request, penetapan, has_file=has_file)
        else:
            if done is not None:
                messages.success(
                    request,
                    _("%(unit)s is designated for %(tahun)s.") % {"unit": done.unit.name, "tahun": done.cycle.tahun},
                )
                return redirect("unit_kerja:penetapan-detail", public_id=penetapan.public_id)
    return render(request, "unit_kerja/penetapan_designate.html", {"form": form, "penetapan": penetapan})
