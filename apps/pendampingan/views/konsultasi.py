"""Pages of the consultation threads with the TPI, the TPI's inbox and its questions to TPN, and the
national view of those questions (read across instansi, answer)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.core.errors import DomainError, PermissionDeniedError
from apps.core.forms import NO_YEAR, apply_service_error, run_action, run_service
from apps.lke.models import Soal
from apps.pendampingan import selectors
from apps.pendampingan.access import (
    access_konsultasi,
)
from apps.pendampingan.forms import (
    KonsultasiForm,
    ReplyForm,
    TpnQuestionForm,
)
from apps.pendampingan.models import (
    KonsultasiStatus,
    Pihak,
)
from apps.pendampingan.services import konsultasi as k_services
from apps.pendampingan.views.common import (
    CLOSED,
    SENT,
    _base,
)
from apps.rencana_aksi.models import Kegiatan
from apps.rencana_aksi.selectors import lke_template_for
from apps.tenancy.decorators import capability_required, instansi_member_required, national_required, request_actor
from apps.tenancy.roles import Cap
from apps.tenancy.scope import scope
from apps.timkerja.access import access_unit_year
from apps.unit_kerja.selectors import cycle_current


@require_GET
@instansi_member_required
def konsultasi_list(request: HttpRequest, public_id: Any, tahun: int) -> HttpResponse:
    actor = request_actor(request)
    unit, cycle = access_unit_year(actor, public_id, tahun)
    context = _base(actor, unit, cycle, "konsultasi") | {
        "threads": list(selectors.konsultasi_for_unit(unit=unit, cycle=cycle)[:200]),
        "can_ask": k_services.unit_side_allowed(actor, unit, cycle),
    }
    return render(request, "pendampingan/konsultasi_list.html", context)


@require_http_methods(["GET", "POST"])
@instansi_member_required
def konsultasi_create(request: HttpRequest, public_id: Any, tahun: int) -> HttpResponse:
    actor = request_actor(request)
    unit, cycle = access_unit_year(actor, public_id, tahun)
    if not k_services.unit_side_allowed(actor, unit, cycle):
        raise PermissionDenied
    initial = {"soal": request.GET.get("soal") or None, "kegiatan": request.GET.get("kegiatan") or None}
    form = KonsultasiForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        c = form.cleaned_data
        soal = None
        if c.get("soal"):
            template = lke_template_for(cycle.tahun)
            soal = Soal.objects.filter(template=template, portalrb_soal_id=c["soal"]).first() if template else None
            if soal is None:
                form.add_error("soal", _("There is no such soal in the LKE of this year."))
        kegiatan = None
        if c.get("kegiatan"):
            kegiatan = Kegiatan.objects.filter(instansi_id=actor.instansi_id, public_id=c["kegiatan"]).first()
            if kegiatan is None:
                raise Http404
        if not form.errors:
            thread = run_service(
                form,
                lambda: k_services.konsultasi_start(
                    actor=actor,
                    unit=unit,
                    cycle=cycle,
                    subject=c.get("subject", ""),
                    body=c.get("body", ""),
                    soal=soal,
                    kegiatan=kegiatan,
                    files=c.get("files") or [],
                ),
            )
            if thread is not None:
                messages.success(request, SENT)
                return redirect("pendampingan:konsultasi-detail", public_id=thread.public_id)
    context = _base(actor, unit, cycle, "konsultasi") | {"form": form}
    return render(request, "pendampingan/konsultasi_form.html", context)


def _render_thread(request: HttpRequest, konsultasi: Any, form: ReplyForm | None = None) -> HttpResponse:
    actor = request_actor(request)
    side = k_services.side_of(actor, konsultasi)
    context = {
        "konsultasi": konsultasi,
        "pesan": list(k_services.messages_of(konsultasi)),
        "side": side,
        "can_reply": side is not None and konsultasi.status != KonsultasiStatus.CLOSED,
        "form": form or ReplyForm(),
        "unit": konsultasi.unit,
        "cycle": konsultasi.cycle,
    }
    return render(request, "pendampingan/konsultasi_detail.html", context, status=400 if form else 200)


@require_GET
@instansi_member_required
def konsultasi_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    return _render_thread(request, access_konsultasi(request_actor(request), public_id))


@require_POST
@instansi_member_required
def konsultasi_reply(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    konsultasi = access_konsultasi(actor, public_id)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        c = form.cleaned_data
        sent = run_service(
            form,
            lambda: k_services.konsultasi_reply(
                actor=actor, konsultasi=konsultasi, body=c.get("body", ""), files=c.get("files") or []
            ),
        )
        if sent is not None:
            messages.success(request, SENT)
            return redirect("pendampingan:konsultasi-detail", public_id=konsultasi.public_id)
    return _render_thread(request, konsultasi, form)


@require_POST
@instansi_member_required
def konsultasi_close(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    konsultasi = access_konsultasi(actor, public_id)
    if run_action(request, lambda: k_services.konsultasi_close(actor=actor, konsultasi=konsultasi)):
        messages.success(request, CLOSED)
    return redirect("pendampingan:konsultasi-detail", public_id=konsultasi.public_id)


@require_GET
@capability_required(Cap.PENDAMPINGAN_TPI)
def tpi_inbox(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    status = request.GET.get("status") or None
    if status not in {None, *KonsultasiStatus.values}:
        status = None
    threads = list(selectors.konsultasi_for_tpi(actor=actor, status=status)[:300])
    return render(
        request,
        "pendampingan/tpi_inbox.html",
        {"threads": threads, "status": status, "statuses": KonsultasiStatus.choices},
    )


@require_http_methods(["GET", "POST"])
@capability_required(Cap.PENDAMPINGAN_TPI)
def tpn_question_create(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    cycle = cycle_current(instansi=actor.instansi_id)
    form = TpnQuestionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if cycle is None:
            form.add_error(None, NO_YEAR)
        else:
            thread = run_service(
                form,
                lambda: k_services.tpn_question_start(
                    actor=actor,
                    cycle=cycle,
                    subject=form.cleaned_data.get("subject", ""),
                    body=form.cleaned_data.get("body", ""),
                ),
            )
            if thread is not None:
                messages.success(request, SENT)
                return redirect("pendampingan:konsultasi-detail", public_id=thread.public_id)
    return render(request, "pendampingan/tpn_form.html", {"form": form})


@require_GET
@national_required
def tpn_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or None
    if status not in {None, *KonsultasiStatus.values}:
        status = None
    threads = list(selectors.national_tpn_questions(status=status)[:300])
    return render(
        request,
        "pendampingan/national_list.html",
        {"threads": threads, "status": status, "statuses": KonsultasiStatus.choices},
    )


@require_http_methods(["GET", "POST"])
@national_required
def tpn_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    konsultasi = selectors.national_tpn_question(public_id)
    if konsultasi is None:
        raise Http404
    can_answer = actor.can(Cap.TPN_EVALUATE) and konsultasi.status != KonsultasiStatus.CLOSED
    form = ReplyForm(request.POST or None)
    if request.method == "POST":
        if not actor.can(Cap.TPN_EVALUATE):
            raise PermissionDenied
        if form.is_valid():
            with scope(konsultasi.instansi_id):
                try:
                    k_services.konsultasi_reply(actor=actor, konsultasi=konsultasi, body=form.cleaned_data["body"])
                except PermissionDeniedError as exc:
                    raise PermissionDenied from exc
                except (ValidationError, DomainError) as exc:
                    apply_service_error(form, exc)
                else:
                    messages.success(request, SENT)
                    return redirect(reverse("pendampingan:tpn-detail", kwargs={"public_id": konsultasi.public_id}))
    return render(
        request,
        "pendampingan/national_detail.html",
        {
            "konsultasi": konsultasi,
            "pesan": selectors.national_messages(konsultasi),
            "form": form,
            "can_answer": can_answer,
            "TPN": Pihak.TPN,
        },
        status=400 if form.errors else 200,
    )
