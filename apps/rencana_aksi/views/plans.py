"""The year's plans and one plan: its dashboard, kegiatan by area, workflow (submit, approve,
return), tim kerja lead, history and monitoring report; the instansi's monitoring frequency."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from apps.accounts.models import User
from apps.core.forms import NO_YEAR, run_action
from apps.diagnosis.selectors import high_risks_unanswered
from apps.lke.models import Area
from apps.rencana_aksi import selectors
from apps.rencana_aksi.access import access_rencana_aksi
from apps.rencana_aksi.forms import FrequencyForm, LeadForm, NoteForm, PlanCreateForm
from apps.rencana_aksi.models import PlanStatus, RencanaAksi
from apps.rencana_aksi.reports import MONITORING_REPORT
from apps.rencana_aksi.services import plans as services
from apps.reports.services import report_request
from apps.reports.views import flash_report_requested
from apps.tenancy.access import require_capability
from apps.tenancy.decorators import capability_required, instansi_member_required, request_actor
from apps.tenancy.roles import Cap
from apps.timkerja.permissions import pokja_areas
from apps.unit_kerja.models import Cycle
from apps.unit_kerja.selectors import unit_kerja_visible

SAVED = _("Saved.")
CREATED = _("The rencana aksi is created.")
SUBMITTED = _("The plan is submitted to the pimpinan unit for approval.")
APPROVED = _("The plan is approved.")
RETURNED = _("The plan is returned to draft.")
FREQUENCY_SAVED = _("The monitoring frequency is saved.")


def _detail(rencana: RencanaAksi) -> HttpResponse:
    return redirect("rencana_aksi:rencana-detail", public_id=rencana.public_id)


# -----------------------------------------------------------------------------
# The year's plans
# -----------------------------------------------------------------------------


@require_GET
@capability_required(Cap.RENCANA_AKSI_VIEW)
def rencana_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    cycle = selectors.cycle_pick(instansi_id=actor.instansi_id, tahun=request.GET.get("tahun"))
    if cycle is None:
        return render(request, "rencana_aksi/no_year.html", {"message": NO_YEAR})
    plans = list(selectors.rencana_list(actor=actor, cycle=cycle))
    planned = {p.unit_id for p in plans}
    units = unit_kerja_visible(actor=actor).filter(is_active=True).exclude(pk__in=planned).order_by("path")
    overall = {row.unit.pk: row.overall for row in selectors.heatmap(instansi=actor.instansi_id, cycle=cycle)}
    return render(
        request,
        "rencana_aksi/rencana_list.html",
        {
            "cycle": cycle,
            "cycles": Cycle.objects.filter(instansi_id=actor.instansi_id).order_by("-tahun"),
            "plans": [(p, overall.get(p.unit_id) or 0) for p in plans],
            "create_form": PlanCreateForm(units=units) if actor.can(Cap.RENCANA_AKSI_EDIT) else None,
            "frequency_form": FrequencyForm(initial={"frekuensi": selectors.frekuensi_for(cycle=cycle)})
            if actor.can(Cap.CYCLE_MANAGE)
            else None,
            "frekuensi": selectors.frekuensi_for(cycle=cycle),
            "can_monitor": actor.can(Cap.RENCANA_AKSI_MONITOR),
        },
    )


@require_POST
@capability_required(Cap.RENCANA_AKSI_EDIT)
def rencana_create(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    cycle = selectors.cycle_pick(instansi_id=actor.instansi_id, tahun=request.GET.get("tahun"))
    if cycle is None:
        return redirect("rencana_aksi:rencana-list")
    form = PlanCreateForm(request.POST, units=unit_kerja_visible(actor=actor).filter(is_active=True))
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(f"{reverse('rencana_aksi:rencana-list')}?tahun={cycle.tahun}")
    unit = form.cleaned_data["unit"]
    service = services.rencana_aksi_copy_previous if form.cleaned_data["copy"] else services.rencana_aksi_create
    rencana = run_action(request, lambda: service(actor=actor, unit=unit, cycle=cycle))
    if rencana is None:
        return redirect(f"{reverse('rencana_aksi:rencana-list')}?tahun={cycle.tahun}")
    messages.success(request, CREATED)
    return _detail(rencana)


@require_POST
@capability_required(Cap.CYCLE_MANAGE)
def frequency_set(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    cycle = selectors.cycle_pick(instansi_id=actor.instansi_id, tahun=request.GET.get("tahun"))
    if cycle is None:
        return redirect("rencana_aksi:rencana-list")
    form = FrequencyForm(request.POST)
    if form.is_valid() and run_action(
        request,
        lambda: services.pengaturan_monitoring_set(actor=actor, cycle=cycle, frekuensi=form.cleaned_data["frekuensi"]),
    ):
        messages.success(request, FREQUENCY_SAVED)
    return redirect(f"{reverse('rencana_aksi:rencana-list')}?tahun={cycle.tahun}")


# -----------------------------------------------------------------------------
# One plan: dashboard, kegiatan, workflow, history
# -----------------------------------------------------------------------------


@require_GET
@instansi_member_required
def rencana_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    rencana = access_rencana_aksi(actor, public_id)
    board = selectors.unit_dashboard(rencana=rencana)
    area_filter = request.GET.get("area")
    kegiatan = board.kegiatan
    if area_filter and area_filter.isdigit():
        kegiatan = [k for k in kegiatan if k.area == int(area_filter)]
    by_area = [(label, [k for k in kegiatan if k.area == value]) for value, label in Area.choices]
    can_approve = actor.can(Cap.RENCANA_AKSI_APPROVE)
    pokja: frozenset[int] = frozenset()
    if not actor.can(Cap.RENCANA_AKSI_EDIT):
        pokja = pokja_areas(actor=actor, unit=rencana.unit, cycle=rencana.cycle)
    return render(
        request,
        "rencana_aksi/rencana_detail.html",
        {
            "rencana": rencana,
            "board": board,
            "by_area": [(label, rows) for label, rows in by_area if rows],
            "area_filter": area_filter,
            "history": selectors.history(rencana=rencana),
            "can_edit": actor.can(Cap.RENCANA_AKSI_EDIT),
            "pokja_areas": sorted(pokja),
            "high_risks": high_risks_unanswered(unit=rencana.unit, cycle=rencana.cycle),
            "can_approve": can_approve,
            "can_report": actor.can(Cap.REPORT_CREATE),
            "return_form": NoteForm(),
            "lead_form": LeadForm(
                initial={"lead": str(rencana.ketua_tim.public_id) if rencana.ketua_tim else ""},
                members=selectors.unit_members_with(unit=rencana.unit, capability=Cap.RENCANA_AKSI_EDIT),
            )
            if can_approve
            else None,
            "periods": [p.code for p in selectors.periods_of(cycle=rencana.cycle)],
            "progress_chart": selectors.progress_chart(rencana=rencana),
            "current_period": selectors.current_period(cycle=rencana.cycle).code,
            "frekuensi": selectors.frekuensi_for(cycle=rencana.cycle),
            "report_kind": MONITORING_REPORT,
            "S": PlanStatus,
        },
    )


@require_POST
@instansi_member_required
def rencana_submit(request: HttpRequest, public_id: Any) -> HttpResponse:
    rencana = access_rencana_aksi(request_actor(request), public_id, for_write=True)
    if run_action(request, lambda: services.rencana_aksi_submit(actor=request_actor(request), rencana=rencana)):
        messages.success(request, SUBMITTED)
    return _detail(rencana)


@require_POST
@instansi_member_required
def rencana_approve(request: HttpRequest, public_id: Any) -> HttpResponse:
    rencana = access_rencana_aksi(request_actor(request), public_id)
    require_capability(request_actor(request), Cap.RENCANA_AKSI_APPROVE)
    if run_action(request, lambda: services.rencana_aksi_approve(actor=request_actor(request), rencana=rencana)):
        messages.success(request, APPROVED)
    return _detail(rencana)


@require_POST
@instansi_member_required
def rencana_return(request: HttpRequest, public_id: Any) -> HttpResponse:
    rencana = access_rencana_aksi(request_actor(request), public_id)
    require_capability(request_actor(request), Cap.RENCANA_AKSI_APPROVE)
    form = NoteForm(request.POST)
    form.is_valid()
    note = form.cleaned_data.get("note", "")
    if run_action(
        request, lambda: services.rencana_aksi_return(actor=request_actor(request), rencana=rencana, note=note)
    ):
        messages.success(request, RETURNED)
    return _detail(rencana)


@require_POST
@instansi_member_required
def rencana_lead(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    rencana = access_rencana_aksi(actor, public_id)
    require_capability(actor, Cap.RENCANA_AKSI_APPROVE)
    members = selectors.unit_members_with(unit=rencana.unit, capability=Cap.RENCANA_AKSI_EDIT)
    form = LeadForm(request.POST, members=members)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return _detail(rencana)
    chosen = form.cleaned_data["lead"]
    lead = User.objects.filter(public_id=chosen).first() if chosen else None
    if run_action(request, lambda: services.rencana_aksi_set_lead(actor=actor, rencana=rencana, lead=lead)):
        messages.success(request, SAVED)
    return _detail(rencana)


@require_POST
@instansi_member_required
def rencana_report(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    rencana = access_rencana_aksi(actor, public_id)
    require_capability(actor, Cap.REPORT_CREATE)
    params = {"rencana": str(rencana.public_id), "periode": request.POST.get("periode", "")}
    report = run_action(request, lambda: report_request(actor=actor, kind=MONITORING_REPORT, params=params))
    if report is None:
        return _detail(rencana)
    flash_report_requested(request, report)
    return redirect("reports:report-detail", public_id=report.public_id)
