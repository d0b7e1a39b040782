"""Pages of the unit's diagnosis: the hub, layanan utama, isu strategis and the risk register
(create, edit, delete with undo)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.core.concurrency import VersionConflict, form_after_conflict, version_field
from apps.core.forms import run_service
from apps.diagnosis import selectors, services
from apps.diagnosis.access import access_deleted, access_isu, access_layanan, access_risiko
from apps.diagnosis.forms import IsuForm, LayananForm, RisikoForm
from apps.diagnosis.models import IsuStrategis, LayananUtama, Risiko
from apps.pendampingan.views.common import (
    SAVED,
    _base,
    _delete,
    _hub,
    _pegawai,
    _restore,
)
from apps.tenancy.decorators import instansi_member_required, request_actor
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap
from apps.timkerja.access import access_unit_year
from apps.unit_kerja.models import Cycle, UnitKerja


@require_GET
@instansi_member_required
def hub(request: HttpRequest, public_id: Any, tahun: int) -> HttpResponse:
    actor = request_actor(request)
    unit, cycle = access_unit_year(actor, public_id, tahun)
    return _hub_page(request, actor, unit, cycle)


def _hub_page(
    request: HttpRequest,
    actor: Membership,
    unit: UnitKerja,
    cycle: Cycle,
    *,
    layanan_form: LayananForm | None = None,
    isu_form: IsuForm | None = None,
) -> HttpResponse:
    """The diagnosis hub; a refused add comes back with its form as typed and the errors beside
    the fields they name (status 400), never as a bare message above a cleared form."""
    diagnosis = selectors.diagnosis_for(unit=unit, cycle=cycle)
    risiko = selectors.risiko_of(diagnosis)
    isu = selectors.isu_of(diagnosis)
    context = _base(actor, unit, cycle, "diagnosis") | {
        "diagnosis": diagnosis,
        "layanan": selectors.layanan_of(diagnosis),
        "priorities": selectors.priorities(risiko=risiko, isu=isu),
        "layanan_form": layanan_form or LayananForm(prefix="layanan"),
        "isu_form": isu_form or IsuForm(prefix="isu"),
    }
    refused = any(f is not None and f.errors for f in (layanan_form, isu_form))
    return render(request, "pendampingan/hub.html", context, status=400 if refused else 200)


def _diagnosis(actor: Membership, unit: UnitKerja, cycle: Cycle) -> Any:
    return services.diagnosis_get_or_create(actor=actor, unit=unit, cycle=cycle)


@require_POST
@instansi_member_required
def layanan_add(request: HttpRequest, public_id: Any, tahun: int) -> HttpResponse:
    actor = request_actor(request)
    unit, cycle = access_unit_year(actor, public_id, tahun)
    form = LayananForm(request.POST, prefix="layanan")
    if not form.is_valid():
        return _hub_page(request, actor, unit, cycle, layanan_form=form)
    c = form.cleaned_data
    saved = run_service(
        form,
        lambda: services.layanan_add(
            actor=actor,
            diagnosis=_diagnosis(actor, unit, cycle),
            name=c.get("name", ""),
            volume=c.get("volume"),
            description=c.get("description", ""),
        ),
    )
    if saved is None:
        return _hub_page(request, actor, unit, cycle, layanan_form=form)
    messages.success(request, SAVED)
    return _hub(unit, cycle)


@require_POST
@instansi_member_required
def isu_add(request: HttpRequest, public_id: Any, tahun: int) -> HttpResponse:
    actor = request_actor(request)
    unit, cycle = access_unit_year(actor, public_id, tahun)
    form = IsuForm(request.POST, prefix="isu")
    if not form.is_valid():
        return _hub_page(request, actor, unit, cycle, isu_form=form)
    c = form.cleaned_data
    saved = run_service(
        form,
        lambda: services.isu_add(
            actor=actor,
            diagnosis=_diagnosis(actor, unit, cycle),
            title=c.get("title", ""),
            urgency=c.get("urgency"),
            impact=c.get("impact"),
            area=c.get("area"),
            description=c.get("description", ""),
        ),
    )
    if saved is None:
        return _hub_page(request, actor, unit, cycle, isu_form=form)
    messages.success(request, SAVED)
    return _hub(unit, cycle)


def _risiko_data(form: RisikoForm) -> services.RisikoData:
    c = form.cleaned_data
    return services.RisikoData(
        jenis=c["jenis"],
        title=c.get("title", ""),
        cause=c.get("cause", ""),
        likelihood=c.get("likelihood"),
        impact=c.get("impact"),
        owner=c.get("owner"),
        mitigation=c.get("mitigation", ""),
        area=c.get("area"),
    )


@require_http_methods(["GET", "POST"])
@instansi_member_required
def risiko_create(request: HttpRequest, public_id: Any, tahun: int) -> HttpResponse:
    actor = request_actor(request)
    unit, cycle = access_unit_year(actor, public_id, tahun)
    if not actor.can(Cap.PENDAMPINGAN_EDIT):
        raise PermissionDenied
    form = RisikoForm(request.POST or None, **_pegawai(unit))
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.risiko_save(
                actor=actor, diagnosis=_diagnosis(actor, unit, cycle), data=_risiko_data(form)
            ),
        )
        if saved is not None:
            messages.success(request, SAVED)
            return _hub(unit, cycle)
    return render(request, "pendampingan/risiko_form.html", {"form": form, "unit": unit, "cycle": cycle})


def _risiko_update_form(data: Any, unit: UnitKerja, **kwargs: Any) -> RisikoForm:
    """The risk form for a change: it also carries the version it was built from."""
    form = RisikoForm(data, **kwargs, **_pegawai(unit))
    form.fields["version"] = version_field()
    return form


@require_http_methods(["GET", "POST"])
@instansi_member_required
def risiko_update(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    risiko = access_risiko(actor, public_id)
    unit, cycle = risiko.diagnosis.unit, risiko.diagnosis.cycle
    initial = {
        "jenis": risiko.jenis,
        "title": risiko.title,
        "cause": risiko.cause,
        "likelihood": risiko.likelihood,
        "impact": risiko.impact,
        "owner": risiko.owner.public_id,
        "mitigation": risiko.mitigation,
        "area": risiko.area,
        "version": risiko.version,
    }
    form = _risiko_update_form(request.POST or None, unit, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = run_service(
                form,
                lambda: services.risiko_save(
                    actor=actor,
                    diagnosis=risiko.diagnosis,
                    data=_risiko_data(form),
                    risiko=risiko,
                    version=form.cleaned_data["version"],
                ),
                reraise=(VersionConflict,),
            )
        except VersionConflict:
            current = Risiko.objects.get(pk=risiko.pk).version
            form = form_after_conflict(lambda data: _risiko_update_form(data, unit), request, current)
            saved = None
        if saved is not None:
            messages.success(request, SAVED)
            return _hub(unit, cycle)
    return render(
        request, "pendampingan/risiko_form.html", {"form": form, "unit": unit, "cycle": cycle, "risiko": risiko}
    )


@require_POST
@instansi_member_required
def risiko_restore(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    risiko = access_deleted(Risiko, actor, public_id)
    return _restore(request, risiko, lambda: services.risiko_restore(actor=actor, risiko=risiko))


@require_POST
@instansi_member_required
def layanan_restore(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    layanan = access_deleted(LayananUtama, actor, public_id)
    return _restore(request, layanan, lambda: services.layanan_restore(actor=actor, layanan=layanan))


@require_POST
@instansi_member_required
def isu_restore(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    isu = access_deleted(IsuStrategis, actor, public_id)
    return _restore(request, isu, lambda: services.isu_restore(actor=actor, isu=isu))


@require_POST
@instansi_member_required
def risiko_delete(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    risiko = access_risiko(actor, public_id)
    d = risiko.diagnosis
    return _delete(
        request,
        risiko,
        lambda: services.risiko_delete(actor=actor, risiko=risiko),
        d.unit,
        d.cycle,
        "pendampingan:hub",
        restore="pendampingan:risiko-restore",
    )


@require_POST
@instansi_member_required
def layanan_delete(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    layanan = access_layanan(actor, public_id)
    d = layanan.diagnosis
    return _delete(
        request,
        layanan,
        lambda: services.layanan_delete(actor=actor, layanan=layanan),
        d.unit,
        d.cycle,
        "pendampingan:hub",
        restore="pendampingan:layanan-restore",
    )


@require_POST
@instansi_member_required
def isu_delete(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    isu = access_isu(actor, public_id)
    d = isu.diagnosis
    return _delete(
        request,
        isu,
        lambda: services.isu_delete(actor=actor, isu=isu),
        d.unit,
        d.cycle,
        "pendampingan:hub",
        restore="pendampingan:isu-restore",
    )
