"""Pages of the unit kerja register: the tree, a unit's page, create, edit (a move too) and head of unit."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.core.forms import run_service
from apps.tenancy.decorators import capability_required, instansi_member_required, request_actor
from apps.tenancy.roles import Cap
from apps.unit_kerja import selectors
from apps.unit_kerja.access import (
    access_unit_kerja,
)
from apps.unit_kerja.forms import (
    UnitHeadForm,
    UnitKerjaForm,
)
from apps.unit_kerja.models import (
    UnitKerja,
)
from apps.unit_kerja.services import units
from apps.unit_kerja.views.common import _posted, _run_versioned, _visible_unit


@capability_required(Cap.UNIT_VIEW)
@require_GET
def unit_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    context = {
        "units": selectors.unit_kerja_tree(actor=actor),
        "can_manage": actor.can(Cap.UNIT_MANAGE),
    }
    return render(request, "unit_kerja/unit_list.html", context)


@capability_required(Cap.UNIT_MANAGE)
@require_http_methods(["GET", "POST"])
def unit_create(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    parent = _visible_unit(actor, request.GET.get("induk"))
    form = UnitKerjaForm(
        _posted(request),
        parent_choices=selectors.unit_kerja_choices(actor=actor),
        initial={"parent": parent.public_id if parent else None},
    )
    if form.is_valid():
        unit = run_service(form, lambda: units.unit_kerja_create(actor=actor, **form.cleaned_data))
        if unit is not None:
            messages.success(request, _("Unit %(name)s was added.") % {"name": unit.name})
            return redirect("unit_kerja:unit-detail", public_id=unit.public_id)
    return render(request, "unit_kerja/unit_form.html", {"form": form, "unit": None})


def _render_unit_detail(
    request: HttpRequest, unit: UnitKerja, *, head_form: UnitHeadForm | None = None
) -> HttpResponse:
    actor = request_actor(request)
    can_manage = actor.can(Cap.UNIT_MANAGE)
    if head_form is None and can_manage:
        head_form = UnitHeadForm(
            candidates=selectors.pegawai_choices_for_unit(unit=unit),
            initial={"head": unit.head.public_id if unit.head else None},
        )
    detail = selectors.unit_kerja_detail(actor=actor, unit=unit)
    context = {
        "detail": detail,
        "unit": detail.unit,
        "head_form": head_form if can_manage else None,
        "can_manage": can_manage,
        "can_manage_pegawai": actor.can(Cap.PEGAWAI_MANAGE),
        "can_manage_penetapan": actor.can(Cap.PENETAPAN_MANAGE),
        "can_view_audit": actor.can(Cap.AUDIT_VIEW),
        "can_view_penetapan": actor.can(Cap.PENETAPAN_VIEW),
        "can_view_pegawai": actor.can(Cap.PEGAWAI_VIEW),
    }
    return render(request, "unit_kerja/unit_detail.html", context)


@instansi_member_required
@require_GET
def unit_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    unit = access_unit_kerja(request_actor(request), public_id)
    return _render_unit_detail(request, unit)


@instansi_member_required
@require_http_methods(["GET", "POST"])
def unit_update(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    unit = access_unit_kerja(actor, public_id, for_write=True)
    form = UnitKerjaForm(
        _posted(request),
        # A unit cannot move under itself or its own sub-units: those are not offered.
        parent_choices=selectors.unit_kerja_choices(actor=actor).exclude(path__under=unit.path),
        editing=True,
        initial={
            "code": unit.code,
            "name": unit.name,
            "kind": unit.kind,
            "parent": unit.parent.public_id if unit.parent else None,
            "address": unit.address,
            "is_active": unit.is_active,
            "version": unit.version,
        },
    )
    if form.is_valid():
        done, form = _run_versioned(
            request,
            form,
            lambda: units.unit_kerja_update(actor=actor, unit=unit, data=form.cleaned_data),
            lambda data: UnitKerjaForm(data, parent_choices=form.fields["parent"].queryset, editing=True),
            lambda: UnitKerja.objects.get(pk=unit.pk).version,
        )
        if done is not None:
            messages.success(request, _("Unit %(name)s was saved.") % {"name": done.name})
            return redirect("unit_kerja:unit-detail", public_id=unit.public_id)
    return render(request, "unit_kerja/unit_form.html", {"form": form, "unit": unit})


@instansi_member_required
@require_POST
def unit_set_head(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    actor = request_actor(request)
    unit = access_unit_kerja(actor, public_id, for_write=True)
    form = UnitHeadForm(request.POST, candidates=selectors.pegawai_choices_for_unit(unit=unit))
    if form.is_valid():
        done = run_service(
            form, lambda: units.unit_kerja_set_head(actor=actor, unit=unit, pegawai=form.cleaned_data["head"])
        )
        if done is not None:
            messages.success(request, _("The head of unit was saved."))
            return redirect("unit_kerja:unit-detail", public_id=unit.public_id)
    return _render_unit_detail(request, unit, head_form=form)
