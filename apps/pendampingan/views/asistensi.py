"""Pages of the asistensi: the list, one asistensi with its follow-up actions, marking one done."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.core.forms import run_action, run_service
from apps.pendampingan import selectors
from apps.pendampingan.access import (
    access_asistensi,
    access_tindak_lanjut,
)
from apps.pendampingan.forms import (
    AsistensiForm,
    DoneForm,
    TindakLanjutForm,
)
from apps.pendampingan.models import (
    TindakLanjutStatus,
)
from apps.pendampingan.services import asistensi as a_services
from apps.pendampingan.views.common import (
    DONE,
    SAVED,
    _base,
    _pegawai,
)
from apps.tenancy.decorators import instansi_member_required, request_actor
from apps.tenancy.roles import Cap
from apps.timkerja.access import access_unit_year


@require_http_methods(["GET", "POST"])
@instansi_member_required
def asistensi_list(request: HttpRequest, public_id: Any, tahun: int) -> HttpResponse:
    actor = request_actor(request)
    unit, cycle = access_unit_year(actor, public_id, tahun)
    form = AsistensiForm(request.POST or None, pegawai_unit=_pegawai(unit)["pegawai_unit"])
    if request.method == "POST":
        if not actor.can(Cap.PENDAMPINGAN_TPI):
            raise PermissionDenied
        if form.is_valid():
            c = form.cleaned_data
            saved = run_service(
                form,
                lambda: a_services.asistensi_create(
                    actor=actor,
                    unit=unit,
                    cycle=cycle,
                    date=c.get("date"),
                    topics=c.get("topics", ""),
                    notes=c.get("notes", ""),
                    attendees=list(c.get("attendees") or []),
                    other_attendees=c.get("other_attendees", ""),
                ),
            )
            if saved is not None:
                messages.success(request, SAVED)
                return redirect("pendampingan:asistensi-detail", public_id=saved.public_id)
    context = _base(actor, unit, cycle, "asistensi") | {
        "sessions": list(selectors.asistensi_for_unit(unit=unit, cycle=cycle)),
        "form": form,
    }
    return render(request, "pendampingan/asistensi_list.html", context, status=400 if form.errors else 200)


def _render_asistensi(request: HttpRequest, asistensi: Any, form: Any = None) -> HttpResponse:
    actor = request_actor(request)
    actions = selectors.tindak_lanjut_of(asistensi)
    context = {
        "asistensi": asistensi,
        "unit": asistensi.unit,
        "cycle": asistensi.cycle,
        "actions": [(a, a_services.can_mark_done(actor, a)) for a in actions],
        "attendees": list(asistensi.attendees.order_by("name")),
        "is_tpi": actor.can(Cap.PENDAMPINGAN_TPI),
        "form": form or TindakLanjutForm(**_pegawai(asistensi.unit)),
        "done_form": DoneForm(),
        "DONE": TindakLanjutStatus.DONE,
    }
    return render(request, "pendampingan/asistensi_detail.html", context, status=400 if form else 200)


@require_GET
@instansi_member_required
def asistensi_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    return _render_asistensi(request, access_asistensi(request_actor(request), public_id))


@require_POST
@instansi_member_required
def tindak_lanjut_add(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    asistensi = access_asistensi(actor, public_id)
    if not actor.can(Cap.PENDAMPINGAN_TPI):
        raise PermissionDenied
    form = TindakLanjutForm(request.POST, **_pegawai(asistensi.unit))
    if form.is_valid():
        c = form.cleaned_data
        saved = run_service(
            form,
            lambda: a_services.tindak_lanjut_add(
                actor=actor,
                asistensi=asistensi,
                description=c.get("description", ""),
                owner=c.get("owner"),
                due_date=c.get("due_date"),
            ),
        )
        if saved is not None:
            messages.success(request, SAVED)
            return redirect("pendampingan:asistensi-detail", public_id=asistensi.public_id)
    return _render_asistensi(request, asistensi, form)


@require_POST
@instansi_member_required
def tindak_lanjut_done(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    action = access_tindak_lanjut(actor, public_id)
    form = DoneForm(request.POST)
    form.is_valid()
    note = form.cleaned_data.get("note", "")
    if run_action(request, lambda: a_services.tindak_lanjut_done(actor=actor, action=action, note=note)):
        messages.success(request, DONE)
    return redirect("pendampingan:asistensi-detail", public_id=action.asistensi.public_id)
