"""Pages of the rencana aksi: the year's plans, one plan with its dashboard, kegiatan and history,
realisasi and their verification, the import, and the instansi-wide heatmap with its export.

Thin shells: object pages resolve their id through ``access`` first (another instansi's → 404,
outside a narrowed member's unit → 404), then the capability (403). A service refusal is shown
beside the form (or as a message for the one-button actions) and nothing is saved.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.accounts.models import User
from apps.audit.services import audit_download
from apps.bukti_dukung.access import access_bukti_dukung
from apps.core.concurrency import VersionConflict, form_after_conflict, version_of
from apps.core.forms import NO_YEAR, run_action, run_service
from apps.diagnosis.selectors import diagnosis_choices, high_risks_unanswered
from apps.lke.models import Area, Soal
from apps.rencana_aksi import exports, selectors, services
from apps.rencana_aksi.access import (
    access_deleted_kegiatan,
    access_kegiatan,
    access_realisasi,
    access_rencana_aksi,
)
from apps.rencana_aksi.forms import (
    EvidenceToLkeForm,
    FrequencyForm,
    KegiatanForm,
    KegiatanImportForm,
    LeadForm,
    NoteForm,
    PlanCreateForm,
    RealisasiForm,
    ReasonForm,
)
from apps.rencana_aksi.models import Kegiatan, PlanStatus, Realisasi, RealisasiStatus, RencanaAksi
from apps.rencana_aksi.reports import MONITORING_REPORT
from apps.reports.views import flash_report_requested
from apps.tenancy.access import get_in_scope_or_404, require_capability
from apps.tenancy.decorators import capability_required, instansi_member_required, request_actor
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap
from apps.timkerja.permissions import pokja_areas
from apps.unit_kerja.models import Cycle, Pegawai, UnitKerja
from apps.unit_kerja.selectors import unit_kerja_visible
from zi.db.replica import replica_reads

SAVED = _("Saved.")
CREATED = _("The rencana aksi is created.")
SUBMITTED = _("The plan is submitted to the pimpinan unit for approval.")
APPROVED = _("The plan is approved.")
RETURNED = _("The plan is returned to draft.")
DELETED_UNDOABLE = _("“%(name)s” was deleted.")
RESTORED = _("“%(name)s” was restored.")
REALISASI_SAVED = _("The realisasi is saved.")
REALISASI_SUBMITTED = _("The realisasi is submitted for verification.")
VERIFIED = _("The realisasi is verified.")
REALISASI_RETURNED = _("The realisasi is returned with your note.")
ATTACHED = _("The file is attached to LKE soal %(soal)s.")
IMPORTED = _("Import finished: %(created)s kegiatan added.")
FREQUENCY_SAVED = _("The monitoring frequency is saved.")

IMPORT_COLUMNS = [
    ("area", True, _("1–6 or the area's name")),
    ("kegiatan", True, _("What is done")),
    ("output", True, _("What it produces")),
    ("indikator", True, _("How success is measured")),
    ("target", True, _("A number")),
    ("satuan", True, _("Unit of the target (%, dokumen, kali…)")),
    ("nip_pic", True, _("NIP of a pegawai of this unit")),
    ("bulan", True, _("Months of the schedule: 1,2,3 or 1-12")),
    ("tenggat", True, _("Deadline YYYY-MM-DD, within the plan's year")),
    ("anggaran", False, _("Budget in Rp")),
    ("soal", False, _("PortalRB id of the LKE soal supported")),
]


def _detail(rencana: RencanaAksi) -> HttpResponse:
    return redirect("rencana_aksi:rencana-detail", public_id=rencana.public_id)


def _kegiatan_url(kegiatan: Kegiatan) -> str:
    return reverse("rencana_aksi:kegiatan-detail", kwargs={"public_id": kegiatan.public_id})


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
    from apps.reports.services import report_request

    actor = request_actor(request)
    rencana = access_rencana_aksi(actor, public_id)
    require_capability(actor, Cap.REPORT_CREATE)
    params = {"rencana": str(rencana.public_id), "periode": request.POST.get("periode", "")}
    report = run_action(request, lambda: report_request(actor=actor, kind=MONITORING_REPORT, params=params))
    if report is None:
        return _detail(rencana)
    flash_report_requested(request, report)
    return redirect("reports:report-detail", public_id=report.public_id)


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


@require_http_methods(["GET", "POST"])
@instansi_member_required
def kegiatan_import(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    rencana = access_rencana_aksi(actor, public_id, for_write=True)
    form = KegiatanImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        result = run_service(
            form,
            lambda: services.kegiatan_import(
                actor=actor, rencana=rencana, file=form.cleaned_data["file"], reason=form.cleaned_data["reason"]
            ),
        )
        if result is not None and result.ok:
            messages.success(request, IMPORTED % {"created": result.created})
            return _detail(rencana)
    return render(
        request,
        "rencana_aksi/kegiatan_import.html",
        {"form": form, "rencana": rencana, "result": result, "columns": IMPORT_COLUMNS},
    )


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


# -----------------------------------------------------------------------------
# Instansi-wide heatmap and export
# -----------------------------------------------------------------------------


@require_GET
@capability_required(Cap.RENCANA_AKSI_MONITOR)
@replica_reads
def heatmap(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    cycle = selectors.cycle_pick(instansi_id=actor.instansi_id, tahun=request.GET.get("tahun"))
    if cycle is None:
        return render(request, "rencana_aksi/no_year.html", {"message": NO_YEAR})
    # Keyset pages in tree order (?setelah= / ?sebelum= a unit): the largest instansi's page costs
    # what a small one's does; the XLSX export still carries every unit.
    after = _heatmap_anchor(actor, request.GET.get("setelah"))
    before = None if after is not None else _heatmap_anchor(actor, request.GET.get("sebelum"))
    page = selectors.heatmap_page(
        instansi=actor.instansi_id, cycle=cycle, after=after, before=before, size=selectors.HEATMAP_PAGE
    )
    # The links and cell classes are built here once per row (one reverse, plain string joins):
    # the template's per-cell {% url %} and {% widthratio %} made the largest instansi's page slow.
    for row in page.rows:
        link = (
            reverse("rencana_aksi:rencana-detail", kwargs={"public_id": row.rencana.public_id}) if row.rencana else ""
        )
        row.link = link  # type: ignore[attr-defined]
        row.tds = [  # type: ignore[attr-defined]
            (
                cell,
                "ra-heat-none" if cell is None else f"ra-heat-{round(cell / 25)}",
                f"{link}?area={area}" if link else "",
            )
            for area, cell in enumerate(row.cells, start=1)
        ]
    return render(
        request,
        "rencana_aksi/heatmap.html",
        {
            "cycle": cycle,
            "cycles": Cycle.objects.filter(instansi_id=actor.instansi_id).order_by("-tahun"),
            "rows": page.rows,
            "page": page,
            "areas": Area.choices,
        },
    )


def _heatmap_anchor(actor: Membership, raw: str | None) -> UnitKerja | None:
    """The unit a heatmap page starts after (or ends before); a malformed or foreign id is 404."""
    if not raw:
        return None
    return get_in_scope_or_404(UnitKerja, actor, raw)


@require_GET
@capability_required(Cap.RENCANA_AKSI_MONITOR)
@replica_reads
def heatmap_export(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    cycle = selectors.cycle_pick(instansi_id=actor.instansi_id, tahun=request.GET.get("tahun"))
    if cycle is None:
        return redirect("rencana_aksi:heatmap")
    content = exports.heatmap_xlsx(rows=selectors.heatmap(instansi=actor.instansi_id, cycle=cycle), cycle=cycle)
    audit_download(actor=actor, verb="rencana_aksi.heatmap_export", obj=cycle)
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="rencana-aksi-{cycle.tahun}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@capability_required(Cap.RENCANA_AKSI_EDIT)
def import_template(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        exports.import_template_xlsx(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="templat-kegiatan.xlsx"'
    return response
