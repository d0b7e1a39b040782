"""Kegiatan pages: add, change, delete (with undo), restore, detail, and evidence to the LKE."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.bukti_dukung.access import access_bukti_dukung
from apps.core.concurrency import VersionConflict, form_after_conflict
from apps.core.forms import run_action, run_service
from apps.diagnosis.selectors import diagnosis_choices
from apps.lke.models import Soal
from apps.rencana_aksi import selectors
from apps.rencana_aksi.access import access_deleted_kegiatan, access_kegiatan, access_rencana_aksi
from apps.rencana_aksi.forms import EvidenceToLkeForm, KegiatanForm, ReasonForm
from apps.rencana_aksi.models import Kegiatan, RencanaAksi
from apps.rencana_aksi.services import kegiatan as services
from apps.rencana_aksi.views.plans import SAVED, _detail
from apps.tenancy.access import require_capability
from apps.tenancy.decorators import instansi_member_required, request_actor
from apps.tenancy.roles import Cap
from apps.unit_kerja.models import Pegawai

DELETED_UNDOABLE = _("“%(name)s” was deleted.")
RESTORED = _("“%(name)s” was restored.")
ATTACHED = _("The file is attached to LKE soal %(soal)s.")


def _kegiatan_url(kegiatan: Kegiatan) -> str:
    return reverse("rencana_aksi:kegiatan-detail", kwargs={"public_id": kegiatan.public_id})


# -----------------------------------------------------------------------------
# Kegiatan
# -----------------------------------------------------------------------------


def _kegiatan_form(rencana: RencanaAksi, data: Any = None, initial: dict[str, Any] | None = None) -> KegiatanForm:
    template = selectors.lke_template_for(rencana.cycle.tahun)
    soal = (
        Soal.objects.filter(template=template, node__area__isnull=False).select_related("node").order_by("order")
        if template
        else Soal.objects.none()
    )
    risiko, isu = diagnosis_choices(unit=rencana.unit, cycle=rencana.cycle)
    return KegiatanForm(
        data,
        initial=initial,
        pegawai_all=Pegawai.objects.filter(instansi_id=rencana.instansi_id),
        pegawai_unit=Pegawai.objects.filter(instansi_id=rencana.instansi_id, unit=rencana.unit, is_active=True),
        soal=soal,
        risiko=risiko,
        isu=isu,
    )


def _kegiatan_data(form: KegiatanForm) -> services.KegiatanData:
    c = form.cleaned_data
    return services.KegiatanData(
        area=c["area"],
        description=c["description"],
        output=c["output"],
        indicator=c["indicator"],
        target_value=c["target_value"],
        target_unit=c["target_unit"],
        pic=c["pic"],
        months=c["months"],
        deadline=c["deadline"],
        budget=c["budget"],
        soal=c["soal"],
        risiko=c.get("risiko"),
        isu=c.get("isu"),
    )


@require_http_methods(["GET", "POST"])
@instansi_member_required
def kegiatan_create(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    rencana = access_rencana_aksi(actor, public_id, for_write=True)
    initial: dict[str, Any] = {"area": request.GET.get("area") or 1, "version": 0}
    if request.GET.get("risiko"):
        initial["risiko"] = request.GET["risiko"]
    form = _kegiatan_form(rencana, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.kegiatan_save(
                actor=actor,
                rencana=rencana,
                data=_kegiatan_data(form),
                reason=form.cleaned_data["reason"],
                version=form.cleaned_data["version"],
            ),
        )
        if saved is not None:
            messages.success(request, SAVED)
            return _detail(rencana)
    return render(request, "rencana_aksi/kegiatan_form.html", {"form": form, "rencana": rencana, "kegiatan": None})


@require_http_methods(["GET", "POST"])
@instansi_member_required
def kegiatan_update(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    kegiatan = access_kegiatan(actor, public_id, for_write=True)
    rencana = kegiatan.rencana
    initial = {
        "version": kegiatan.version,
        "area": kegiatan.area,
        "description": kegiatan.description,
        "output": kegiatan.output,
        "indicator": kegiatan.indicator,
        "target_value": kegiatan.target_value,
        "target_unit": kegiatan.target_unit,
        "pic": kegiatan.pic.public_id if kegiatan.pic else None,
        "months": kegiatan.months,
        "deadline": kegiatan.deadline,
        "budget": kegiatan.budget,
        "soal": kegiatan.soal.portalrb_soal_id if kegiatan.soal else None,
        "risiko": kegiatan.risiko.public_id if kegiatan.risiko else None,
        "isu": kegiatan.isu.public_id if kegiatan.isu else None,
    }
    form = _kegiatan_form(rencana, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = run_service(
                form,
                lambda: services.kegiatan_save(
                    actor=actor,
                    rencana=rencana,
                    kegiatan=kegiatan,
                    data=_kegiatan_data(form),
                    reason=form.cleaned_data["reason"],
                    version=form.cleaned_data["version"],
                ),
                reraise=(VersionConflict,),
            )
        except VersionConflict:
            current = Kegiatan.objects.get(pk=kegiatan.pk).version
            form = form_after_conflict(lambda data: _kegiatan_form(rencana, data, initial={}), request, current)
            saved = None
        if saved is not None:
            messages.success(request, SAVED)
            return redirect(_kegiatan_url(kegiatan))
    return render(request, "rencana_aksi/kegiatan_form.html", {"form": form, "rencana": rencana, "kegiatan": kegiatan})


@require_POST
@instansi_member_required
def kegiatan_delete(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    kegiatan = access_kegiatan(actor, public_id, for_write=True)
    rencana = kegiatan.rencana
    form = ReasonForm(request.POST)
    form.is_valid()
    reason = form.cleaned_data.get("reason", "")
    done = run_action(request, lambda: services.kegiatan_delete(actor=actor, kegiatan=kegiatan, reason=reason) or True)
    if done:
        # The message carries its undo (templates/partials/messages.html renders the button).
        undo = reverse("rencana_aksi:kegiatan-restore", kwargs={"public_id": kegiatan.public_id})
        messages.success(request, DELETED_UNDOABLE % {"name": kegiatan.description}, extra_tags=f"zi-undo={undo}")
        return _detail(rencana)
    return redirect(_kegiatan_url(kegiatan))


@require_POST
@instansi_member_required
def kegiatan_restore(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    kegiatan = access_deleted_kegiatan(actor, public_id)
    if run_action(request, lambda: services.kegiatan_restore(actor=actor, kegiatan=kegiatan) or True):
        messages.success(request, RESTORED % {"name": kegiatan.description})
        return redirect(_kegiatan_url(kegiatan))
    return _detail(kegiatan.rencana)


@require_GET
@instansi_member_required
def kegiatan_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    kegiatan = access_kegiatan(actor, public_id)
    rencana = kegiatan.rencana
    due = [p.code for p in selectors.periods_of(cycle=rencana.cycle) if kegiatan.schedule & p.mask]
    realisasi = list(selectors.realisasi_for(kegiatan=kegiatan))
    return render(
        request,
        "rencana_aksi/kegiatan_detail.html",
        {
            "kegiatan": kegiatan,
            "rencana": rencana,
            "realisasi": realisasi,
            "due_periods": due,
            "reported": {r.periode for r in realisasi},
            "evidence": selectors.kegiatan_evidence(kegiatan=kegiatan),
            "can_edit": actor.can(Cap.RENCANA_AKSI_EDIT),
            "can_attach": actor.can(Cap.PENILAIAN_FILL) and kegiatan.soal_id is not None,
            "delete_form": ReasonForm(),
        },
    )


@require_POST
@instansi_member_required
def kegiatan_evidence_lke(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    kegiatan = access_kegiatan(actor, public_id)
    require_capability(actor, Cap.PENILAIAN_FILL)
    form = EvidenceToLkeForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(_kegiatan_url(kegiatan))
    bukti = access_bukti_dukung(actor, form.cleaned_data["bukti"])
    if run_action(request, lambda: services.kegiatan_evidence_to_lke(actor=actor, kegiatan=kegiatan, bukti=bukti)):
        messages.success(request, ATTACHED % {"soal": kegiatan.soal.portalrb_soal_id})  # type: ignore[union-attr]
    return redirect(_kegiatan_url(kegiatan))
