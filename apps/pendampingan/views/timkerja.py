"""Pages of the unit's tim kerja ZI: the SK, the members, the agents of change and their changes
(add, remove with undo)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST

from apps.core.forms import run_service
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
from apps.timkerja import selectors, services
from apps.timkerja.access import access_agen, access_anggota, access_deleted, access_perubahan, access_unit_year
from apps.timkerja.forms import AgenForm, AnggotaForm, PerubahanForm, SKForm
from apps.timkerja.models import AgenPerubahan, AnggotaTim, Perubahan
from apps.unit_kerja.models import Cycle, UnitKerja


@require_POST
@instansi_member_required
def anggota_restore(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    anggota = access_deleted(AnggotaTim, actor, public_id, "tim.unit")
    return _restore(
        request,
        anggota,
        lambda: services.anggota_restore(actor=actor, anggota=anggota),
        anggota.tim,
        "pendampingan:tim",
    )


@require_POST
@instansi_member_required
def agen_restore(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    agen = access_deleted(AgenPerubahan, actor, public_id, "tim.unit")
    return _restore(request, agen, lambda: services.agen_restore(actor=actor, agen=agen), agen.tim, "pendampingan:tim")


@require_POST
@instansi_member_required
def perubahan_restore(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    perubahan = access_deleted(Perubahan, actor, public_id, "agen.tim.unit")
    return _restore(
        request,
        perubahan,
        lambda: services.perubahan_restore(actor=actor, perubahan=perubahan),
        perubahan.agen.tim,
        "pendampingan:tim",
    )


def _render_tim(
    request: HttpRequest, unit: UnitKerja, cycle: Cycle, forms: dict[str, Any] | None = None
) -> HttpResponse:
    actor = request_actor(request)
    tim = selectors.tim_for(unit=unit, cycle=cycle)
    pegawai = _pegawai(unit)
    context = _base(actor, unit, cycle, "tim") | {
        "tim": tim,
        "anggota": selectors.anggota_of(tim),
        "agen": selectors.agen_of(tim),
        "sk_form": SKForm(prefix="sk", initial={"sk_number": tim.sk_number, "sk_date": tim.sk_date} if tim else None),
        "anggota_form": AnggotaForm(prefix="anggota", **pegawai),
        "agen_form": AgenForm(prefix="agen", **pegawai),
        "perubahan_form": PerubahanForm(prefix="perubahan"),
    }
    context.update(forms or {})
    return render(request, "pendampingan/tim.html", context, status=400 if forms else 200)


@require_GET
@instansi_member_required
def tim(request: HttpRequest, public_id: Any, tahun: int) -> HttpResponse:
    unit, cycle = access_unit_year(request_actor(request), public_id, tahun)
    return _render_tim(request, unit, cycle)


def _tim_obj(actor: Membership, unit: UnitKerja, cycle: Cycle) -> Any:
    return services.tim_kerja_get_or_create(actor=actor, unit=unit, cycle=cycle)


@require_POST
@instansi_member_required
def tim_sk(request: HttpRequest, public_id: Any, tahun: int) -> HttpResponse:
    actor = request_actor(request)
    unit, cycle = access_unit_year(actor, public_id, tahun)
    form = SKForm(request.POST, request.FILES, prefix="sk")
    if form.is_valid():
        c = form.cleaned_data
        saved = run_service(
            form,
            lambda: services.tim_kerja_sk_set(
                actor=actor,
                tim=_tim_obj(actor, unit, cycle),
                sk_number=c.get("sk_number", ""),
                sk_date=c.get("sk_date"),
                file=c.get("file"),
            ),
        )
        if saved is not None:
            messages.success(request, SAVED)
            return _hub(unit, cycle, "pendampingan:tim")
    return _render_tim(request, unit, cycle, {"sk_form": form})


@require_POST
@instansi_member_required
def anggota_add(request: HttpRequest, public_id: Any, tahun: int) -> HttpResponse:
    actor = request_actor(request)
    unit, cycle = access_unit_year(actor, public_id, tahun)
    form = AnggotaForm(request.POST, prefix="anggota", **_pegawai(unit))
    if form.is_valid():
        c = form.cleaned_data
        saved = run_service(
            form,
            lambda: services.anggota_add(
                actor=actor,
                tim=_tim_obj(actor, unit, cycle),
                pegawai=c.get("pegawai"),
                peran=c["peran"],
                area=c.get("area"),
            ),
        )
        if saved is not None:
            messages.success(request, SAVED)
            return _hub(unit, cycle, "pendampingan:tim")
    return _render_tim(request, unit, cycle, {"anggota_form": form})


@require_POST
@instansi_member_required
def anggota_remove(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    anggota = access_anggota(actor, public_id)
    t = anggota.tim
    return _delete(
        request,
        anggota,
        lambda: services.anggota_remove(actor=actor, anggota=anggota),
        t.unit,
        t.cycle,
        "pendampingan:tim",
        restore="pendampingan:anggota-restore",
    )


@require_POST
@instansi_member_required
def agen_add(request: HttpRequest, public_id: Any, tahun: int) -> HttpResponse:
    actor = request_actor(request)
    unit, cycle = access_unit_year(actor, public_id, tahun)
    form = AgenForm(request.POST, prefix="agen", **_pegawai(unit))
    if form.is_valid():
        saved = run_service(
            form,
            lambda: services.agen_add(
                actor=actor, tim=_tim_obj(actor, unit, cycle), pegawai=form.cleaned_data.get("pegawai")
            ),
        )
        if saved is not None:
            messages.success(request, SAVED)
            return _hub(unit, cycle, "pendampingan:tim")
    return _render_tim(request, unit, cycle, {"agen_form": form})


@require_POST
@instansi_member_required
def agen_remove(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    agen = access_agen(actor, public_id)
    t = agen.tim
    return _delete(
        request,
        agen,
        lambda: services.agen_remove(actor=actor, agen=agen),
        t.unit,
        t.cycle,
        "pendampingan:tim",
        restore="pendampingan:agen-restore",
    )


@require_POST
@instansi_member_required
def perubahan_add(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    agen = access_agen(actor, public_id)
    t = agen.tim
    form = PerubahanForm(request.POST, prefix="perubahan")
    if form.is_valid():
        c = form.cleaned_data
        saved = run_service(
            form,
            lambda: services.perubahan_add(
                actor=actor,
                agen=agen,
                title=c.get("title", ""),
                date=c.get("date"),
                description=c.get("description", ""),
                integrated=bool(c.get("integrated")),
            ),
        )
        if saved is not None:
            messages.success(request, SAVED)
            return _hub(t.unit, t.cycle, "pendampingan:tim")
    return _render_tim(request, t.unit, t.cycle, {"perubahan_form": form, "perubahan_agen": agen})


@require_POST
@instansi_member_required
def perubahan_delete(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    perubahan = access_perubahan(actor, public_id)
    t = perubahan.agen.tim
    return _delete(
        request,
        perubahan,
        lambda: services.perubahan_delete(actor=actor, perubahan=perubahan),
        t.unit,
        t.cycle,
        "pendampingan:tim",
        restore="pendampingan:perubahan-restore",
    )
