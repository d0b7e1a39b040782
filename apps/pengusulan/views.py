"""Pages of the pengusulan: eligibility facts and checks, candidates, the proposal workflow, the
letter with its SPTJM, the detail with the frozen snapshot.

Thin shells: object pages resolve their id through ``access`` first (another instansi's → 404),
then the capability (403). A service refusal is shown beside the form (or as a message for the
one-button actions) and nothing is saved.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.core.concurrency import VersionConflict, form_after_conflict, version_of
from apps.core.forms import NO_YEAR, run_action, run_service
from apps.pengusulan import selectors, services
from apps.pengusulan.access import access_candidate, access_pengusulan, access_surat, access_unit_facts
from apps.pengusulan.forms import (
    CorrectForm,
    InstansiEligibilityForm,
    PengusulanCreateForm,
    SptjmSignForm,
    SubmitForm,
    SuratForm,
    UnitEligibilityForm,
)
from apps.pengusulan.snapshot import last_tpi_tier
from apps.penilaian.thresholds import final_tpi_report
from apps.reports.views import flash_report_requested
from apps.tenancy.decorators import capability_required, instansi_member_required, request_actor
from apps.tenancy.roles import Cap
from apps.unit_kerja.models import Cycle

SAVED = _("Saved.")
CREATED = _("The unit is chosen for the proposal. Submit it when the letter and its SPTJM are ready.")
SUBMITTED = _("Proposed to KemenPANRB: the LKE is frozen in a snapshot.")
CORRECTED = _("Corrected: the new snapshot replaces the earlier one.")
WITHDRAWN = _("The proposal is withdrawn.")
SIGNED = _("The SPTJM is confirmed.")


def _cycle(request: HttpRequest) -> Cycle | None:
    return selectors.cycle_pick(instansi=request_actor(request).instansi_id, tahun=request.GET.get("tahun"))


def _no_year(request: HttpRequest) -> HttpResponse:
    return render(request, "pengusulan/no_year.html", {"message": NO_YEAR})


def _list_url(cycle: Cycle) -> str:
    return f"{reverse('pengusulan:pengusulan-list')}?tahun={cycle.tahun}"


# -----------------------------------------------------------------------------
# Overview: candidates, proposals, the letter
# -----------------------------------------------------------------------------


@require_GET
@capability_required(Cap.PENGUSULAN_VIEW)
def pengusulan_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    cycle = _cycle(request)
    if cycle is None:
        return _no_year(request)
    instansi = actor.instansi
    return render(
        request,
        "pengusulan/pengusulan_list.html",
        {
            "cycle": cycle,
            "cycles": selectors.cycles_for(instansi=instansi),
            "candidates": selectors.candidates(instansi=instansi, cycle=cycle),
            "proposals": selectors.pengusulan_list(instansi=instansi, cycle=cycle),
            "surat": selectors.surat_for(instansi=instansi, cycle=cycle),
            "quota": selectors.quota_for(instansi=instansi, tahun=cycle.tahun),
            "can_submit": actor.can(Cap.PENGUSULAN_SUBMIT),
            "can_create": actor.can(Cap.PENGUSULAN_SUBMIT) or actor.can(Cap.PENGUSULAN_MANAGE),
            "create_form": PengusulanCreateForm(),
        },
    )


@require_POST
@instansi_member_required
def pengusulan_create(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    penilaian = access_candidate(actor, public_id)
    form = PengusulanCreateForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(_list_url(penilaian.cycle))
    created = run_action(
        request,
        lambda: services.pengusulan_create(actor=actor, penilaian=penilaian, predikat=form.cleaned_data["predikat"]),
    )
    if created is None:
        return redirect(_list_url(penilaian.cycle))
    messages.success(request, CREATED)
    return redirect("pengusulan:pengusulan-detail", public_id=created.public_id)


@require_GET
@instansi_member_required
def pengusulan_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    pengusulan = access_pengusulan(actor, public_id)
    current = selectors.snapshot_current(pengusulan=pengusulan)
    scores = []
    if current is not None:
        order = current.data.get("tiers", [])
        scores = [(tier, current.data["scores"][tier]) for tier in order if tier in current.data["scores"]]
    return render(
        request,
        "pengusulan/pengusulan_detail.html",
        {
            "pengusulan": pengusulan,
            "current": current,
            "scores": scores,
            "last_tpi": last_tpi_tier(current.data) if current else None,
            "history": selectors.snapshot_history(pengusulan=pengusulan),
            "checks": selectors.unit_checks(cycle=pengusulan.cycle, unit=pengusulan.unit),
            "surat": selectors.surat_for(instansi=actor.instansi, cycle=pengusulan.cycle),
            "can_submit": actor.can(Cap.PENGUSULAN_SUBMIT),
            "correct_form": CorrectForm(),
            "submit_form": SubmitForm(),
            "thresholds": final_tpi_report(penilaian=pengusulan.penilaian, predikat=pengusulan.predikat),
        },
    )


@require_http_methods(["GET", "POST"])
@instansi_member_required
def pengusulan_submit(request: HttpRequest, public_id: Any) -> HttpResponse:
    """The confirmation page (GET: the score, every threshold and its gap; the afirmasi reason when
    it is below them) and the submission (POST)."""
    actor = request_actor(request)
    pengusulan = access_pengusulan(actor, public_id, for_write=True)
    form = SubmitForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        done = run_service(
            form,
            lambda: services.pengusulan_submit(
                actor=actor, pengusulan=pengusulan, afirmasi_reason=form.cleaned_data["afirmasi_reason"]
            ),
        )
        if done is not None:
            messages.success(request, SUBMITTED)
            return redirect("pengusulan:pengusulan-detail", public_id=pengusulan.public_id)
    return render(
        request,
        "pengusulan/pengusulan_submit.html",
        {
            "pengusulan": pengusulan,
            "form": form,
            "thresholds": final_tpi_report(penilaian=pengusulan.penilaian, predikat=pengusulan.predikat),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@instansi_member_required
def pengusulan_correct(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    pengusulan = access_pengusulan(actor, public_id, for_write=True)
    form = CorrectForm(request.POST if request.method == "POST" else None)
    if form.is_valid():
        done = run_service(
            form,
            lambda: services.pengusulan_correct(actor=actor, pengusulan=pengusulan, reason=form.cleaned_data["reason"]),
        )
        if done is not None:
            messages.success(request, CORRECTED)
            return redirect("pengusulan:pengusulan-detail", public_id=pengusulan.public_id)
    return render(request, "pengusulan/pengusulan_correct.html", {"pengusulan": pengusulan, "form": form})


@require_POST
@instansi_member_required
def pengusulan_withdraw(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    pengusulan = access_pengusulan(actor, public_id, for_write=True)
    if run_action(request, lambda: services.pengusulan_withdraw(actor=actor, pengusulan=pengusulan)) is not None:
        messages.success(request, WITHDRAWN)
    return redirect("pengusulan:pengusulan-detail", public_id=pengusulan.public_id)


# -----------------------------------------------------------------------------
# Eligibility facts and the matrix of checks
# -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@capability_required(Cap.PENGUSULAN_VIEW)
def eligibility(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    cycle = _cycle(request)
    if cycle is None:
        return _no_year(request)
    facts = selectors.instansi_facts(instansi=actor.instansi, cycle=cycle)
    initial = (
        {
            "opini_bpk": facts.opini_bpk,
            "predikat_sakip": facts.predikat_sakip,
            "indeks_rb": facts.indeks_rb,
            "maturitas_spip": facts.maturitas_spip,
            "version": facts.version,
        }
        if facts
        else {"version": 0}
    )
    if request.method == "POST":
        if not actor.can(Cap.PENGUSULAN_MANAGE):
            raise PermissionDenied
        form = InstansiEligibilityForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = run_service(
                    form,
                    lambda: services.instansi_eligibility_set(
                        actor=actor,
                        cycle=cycle,
                        opini_bpk=data["opini_bpk"],
                        predikat_sakip=data["predikat_sakip"],
                        indeks_rb=data["indeks_rb"],
                        maturitas_spip=data["maturitas_spip"],
                        evidence_files=data["evidence"],
                        version=data["version"],
                    ),
                    reraise=(VersionConflict,),
                )
            except VersionConflict:
                facts = selectors.instansi_facts(instansi=actor.instansi, cycle=cycle)
                form = form_after_conflict(InstansiEligibilityForm, request, version_of(facts))
                saved = None
            if saved is not None:
                messages.success(request, SAVED)
                return redirect(f"{reverse('pengusulan:eligibility')}?tahun={cycle.tahun}")
        status = 400
    else:
        form = InstansiEligibilityForm(initial=initial)
        status = 200
    return render(
        request,
        "pengusulan/eligibility.html",
        {
            "cycle": cycle,
            "cycles": selectors.cycles_for(instansi=actor.instansi),
            "facts": facts,
            "form": form,
            "units": selectors.eligibility_units(instansi=actor.instansi, cycle=cycle),
            "can_manage": actor.can(Cap.PENGUSULAN_MANAGE),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@instansi_member_required
def eligibility_unit(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    unit = access_unit_facts(actor, public_id, for_write=request.method == "POST")
    cycle = _cycle(request)
    if cycle is None:
        raise Http404(NO_YEAR)
    facts = selectors.unit_facts(instansi=actor.instansi, cycle=cycle, unit=unit)
    fields = ("is_core_service", "has_public_impact", "tlhp_pct", "lhkpn_pct", "lhkasn_pct", "zi_started_on")
    initial = (
        {**{name: getattr(facts, name) for name in (*fields, "sakip_internal")}, "version": facts.version}
        if facts
        else {"version": 0}
    )
    status = 200
    if request.method == "POST":
        form = UnitEligibilityForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = run_service(
                    form,
                    lambda: services.unit_eligibility_set(
                        actor=actor,
                        cycle=cycle,
                        unit=unit,
                        **{name: data[name] for name in (*fields, "sakip_internal")},
                        evidence_files=data["evidence"],
                        version=data["version"],
                    ),
                    reraise=(VersionConflict,),
                )
            except VersionConflict:
                facts = selectors.unit_facts(instansi=actor.instansi, cycle=cycle, unit=unit)
                form = form_after_conflict(UnitEligibilityForm, request, version_of(facts))
                saved = None
            if saved is not None:
                messages.success(request, SAVED)
                return redirect(f"{reverse('pengusulan:eligibility-unit', args=[unit.public_id])}?tahun={cycle.tahun}")
        status = 400
    else:
        form = UnitEligibilityForm(initial=initial)
    return render(
        request,
        "pengusulan/eligibility_unit.html",
        {
            "cycle": cycle,
            "unit": unit,
            "facts": facts,
            "form": form,
            "checks": selectors.unit_checks(cycle=cycle, unit=unit),
            "can_manage": actor.can(Cap.PENGUSULAN_MANAGE),
        },
        status=status,
    )


@require_GET
@capability_required(Cap.PENGUSULAN_VIEW)
def predikat_list(request: HttpRequest) -> HttpResponse:
    """The predikat the units hold (read-only: written by TPN/KemenPANRB)."""
    return render(
        request,
        "pengusulan/predikat_list.html",
        {"rows": selectors.predikat_list(instansi=request_actor(request).instansi)},
    )


# -----------------------------------------------------------------------------
# The letter and its SPTJM
# -----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@capability_required(Cap.PENGUSULAN_VIEW)
def surat_edit(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    cycle = _cycle(request)
    if cycle is None:
        return _no_year(request)
    surat = selectors.surat_for(instansi=actor.instansi, cycle=cycle)
    status = 200
    if request.method == "POST":
        if not (actor.can(Cap.PENGUSULAN_SUBMIT) or actor.can(Cap.PENGUSULAN_MANAGE)):
            raise PermissionDenied
        form = SuratForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = run_service(
                    form,
                    lambda: services.surat_pengusulan_save(
                        actor=actor,
                        cycle=cycle,
                        number=data["number"],
                        date=data["date"],
                        sptjm_file=data["sptjm_file"],
                        version=data["version"],
                    ),
                    reraise=(VersionConflict,),
                )
            except VersionConflict:
                surat = selectors.surat_for(instansi=actor.instansi, cycle=cycle)
                form = form_after_conflict(SuratForm, request, version_of(surat))
                saved = None
            if saved is not None:
                messages.success(request, SAVED)
                return redirect(f"{reverse('pengusulan:surat-edit')}?tahun={cycle.tahun}")
        status = 400
    else:
        form = SuratForm(
            initial={"number": surat.number, "date": surat.date, "version": surat.version} if surat else {"version": 0}
        )
    return render(
        request,
        "pengusulan/surat_edit.html",
        {
            "cycle": cycle,
            "surat": surat,
            "form": form,
            "sign_form": SptjmSignForm(),
            "sptjm_preview": services.sptjm_text(surat=surat, signer=actor.user) if surat else "",
            "proposed": selectors.proposed_list(instansi=actor.instansi, cycle=cycle),
            "can_edit": actor.can(Cap.PENGUSULAN_SUBMIT) or actor.can(Cap.PENGUSULAN_MANAGE),
            "can_sign": actor.can(Cap.PENGUSULAN_SUBMIT),
        },
        status=status,
    )


@require_POST
@instansi_member_required
def surat_sign(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    surat = access_surat(actor, public_id, for_write=True)
    form = SptjmSignForm(request.POST)
    form.is_valid()
    signed = run_service(
        form,
        lambda: services.surat_sptjm_sign(
            actor=actor,
            surat=surat,
            password=form.cleaned_data.get("password") or "",
            confirm=bool(form.cleaned_data.get("confirm")),
        ),
    )
    if signed is not None:
        messages.success(request, SIGNED)
        return redirect(f"{reverse('pengusulan:surat-edit')}?tahun={surat.cycle.tahun}")
    return render(
        request,
        "pengusulan/surat_edit.html",
        {
            "cycle": surat.cycle,
            "surat": surat,
            "form": SuratForm(initial={"number": surat.number, "date": surat.date}),
            "sign_form": form,
            "sptjm_preview": services.sptjm_text(surat=surat, signer=actor.user),
            "proposed": selectors.proposed_list(instansi=actor.instansi, cycle=surat.cycle),
            "can_edit": True,
            "can_sign": True,
        },
        status=400,
    )


@require_POST
@instansi_member_required
def surat_pdf(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    surat = access_surat(actor, public_id)
    report = run_action(request, lambda: services.surat_pdf_request(actor=actor, surat=surat))
    if report is None:
        return redirect(f"{reverse('pengusulan:surat-edit')}?tahun={surat.cycle.tahun}")
    flash_report_requested(request, report)
    return redirect("reports:report-detail", public_id=report.public_id)
