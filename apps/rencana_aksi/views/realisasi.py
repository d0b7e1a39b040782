"""Realisasi pages: report a period with evidence, detail, submit, verify and return."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.core.concurrency import VersionConflict, form_after_conflict, version_of
from apps.core.forms import run_action, run_service
from apps.rencana_aksi import selectors
from apps.rencana_aksi.access import access_kegiatan, access_realisasi
from apps.rencana_aksi.forms import NoteForm, RealisasiForm
from apps.rencana_aksi.models import Realisasi, RealisasiStatus
from apps.rencana_aksi.services import realisasi as services
from apps.tenancy.decorators import instansi_member_required, request_actor
from apps.tenancy.roles import Cap

REALISASI_SAVED = _("The realisasi is saved.")
REALISASI_SUBMITTED = _("The realisasi is submitted for verification.")
VERIFIED = _("The realisasi is verified.")
REALISASI_RETURNED = _("The realisasi is returned with your note.")


# -----------------------------------------------------------------------------
# Realisasi
# -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@instansi_member_required
def realisasi_edit(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    kegiatan = access_kegiatan(actor, public_id, for_write=True)
    rencana = kegiatan.rencana
    periods = [p.code for p in selectors.periods_of(cycle=rencana.cycle) if kegiatan.schedule & p.mask]
    chosen = request.GET.get("periode") or selectors.current_period(cycle=rencana.cycle).code
    existing = next((r for r in selectors.realisasi_for(kegiatan=kegiatan) if r.periode == chosen), None)
    initial: dict[str, Any] = {"periode": chosen, "version": version_of(existing)}
    if existing is not None:
        initial.update(progress=existing.progress, value=existing.value, narrative=existing.narrative)
    form = RealisasiForm(request.POST or None, request.FILES or None, periods=periods, initial=initial)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        try:
            saved = run_service(
                form,
                lambda: services.realisasi_save(
                    actor=actor,
                    kegiatan=kegiatan,
                    periode=c["periode"],
                    progress=c["progress"],
                    value=c["value"],
                    narrative=c["narrative"],
                    files=c["files"],
                    submit="submit" in request.POST,
                    version=c["version"],
                ),
                reraise=(VersionConflict,),
            )
        except VersionConflict:
            current = Realisasi.objects.filter(kegiatan=kegiatan, periode=c["periode"]).first()
            form = form_after_conflict(lambda data: RealisasiForm(data, periods=periods), request, version_of(current))
            saved = None
        if saved is not None:
            messages.success(
                request, REALISASI_SUBMITTED if saved.status == RealisasiStatus.SUBMITTED else REALISASI_SAVED
            )
            return redirect("rencana_aksi:realisasi-detail", public_id=saved.public_id)
    return render(
        request,
        "rencana_aksi/realisasi_form.html",
        {"form": form, "kegiatan": kegiatan, "rencana": rencana, "existing": existing},
    )


@require_GET
@instansi_member_required
def realisasi_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    realisasi = access_realisasi(actor, public_id)
    rencana = realisasi.kegiatan.rencana
    return render(
        request,
        "rencana_aksi/realisasi_detail.html",
        {
            "realisasi": realisasi,
            "kegiatan": realisasi.kegiatan,
            "rencana": rencana,
            "can_edit": actor.can(Cap.RENCANA_AKSI_EDIT),
            "can_verify": services.can_verify(actor, rencana) and realisasi.reported_by_id != actor.user_id,
            "return_form": NoteForm(),
            "R": RealisasiStatus,
        },
    )


@require_POST
@instansi_member_required
def realisasi_submit(request: HttpRequest, public_id: Any) -> HttpResponse:
    realisasi = access_realisasi(request_actor(request), public_id, for_write=True)
    if run_action(request, lambda: services.realisasi_submit(actor=request_actor(request), realisasi=realisasi)):
        messages.success(request, REALISASI_SUBMITTED)
    return redirect("rencana_aksi:realisasi-detail", public_id=realisasi.public_id)


@require_POST
@instansi_member_required
def realisasi_verify(request: HttpRequest, public_id: Any) -> HttpResponse:
    realisasi = access_realisasi(request_actor(request), public_id)
    if run_action(request, lambda: services.realisasi_verify(actor=request_actor(request), realisasi=realisasi)):
        messages.success(request, VERIFIED)
    return redirect("rencana_aksi:realisasi-detail", public_id=realisasi.public_id)


@require_POST
@instansi_member_required
def realisasi_return(request: HttpRequest, public_id: Any) -> HttpResponse:
    realisasi = access_realisasi(request_actor(request), public_id)
    form = NoteForm(request.POST)
    form.is_valid()
    note = form.cleaned_data.get("note", "")
    if run_action(
        request, lambda: services.realisasi_return(actor=request_actor(request), realisasi=realisasi, note=note)
    ):
        messages.success(request, REALISASI_RETURNED)
    return redirect("rencana_aksi:realisasi-detail", public_id=realisasi.public_id)
