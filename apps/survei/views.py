"""Staff pages of the survei: the list, a new survey period, results (indices, CI, bars over time,
exports, the PDF report), a unit's services with their links, QR codes and posters.

Thin shells: object pages resolve their id through ``access`` first (another instansi's → 404),
then the capability (403). A service refusal is shown beside the form or as a message; nothing is
saved then.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.core.charts import BarChart, Series
from apps.core.forms import run_action, run_service
from apps.reports.views import flash_report_requested
from apps.survei import exports, selectors, services
from apps.survei.access import access_layanan, access_survei, access_unit
from apps.survei.forms import LayananForm, SurveiForm
from apps.survei.instrument import INDEX_NAME, LKE_SOAL, Instrumen, Skala
from apps.survei.qr import public_url, qr_data_uri
from apps.tenancy.decorators import capability_required, instansi_member_required, request_actor
from apps.tenancy.roles import Cap
from zi.db.replica import replica_reads

CREATED = _("The survey is open. Share the links of the unit's services or print their QR posters.")
CLOSED = _("The survey is closed: it no longer accepts answers.")
REOPENED = _("The survey is open again.")
LAYANAN_ADDED = _("The service is added with its own survey link.")
LAYANAN_ON = _("The service's link accepts answers again.")
LAYANAN_OFF = _("The service's link no longer accepts answers.")

EXPORTS = {
    "csv": ("text/csv; charset=utf-8", exports.export_csv),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", exports.export_xlsx),
}


# -----------------------------------------------------------------------------
# List and creation
# -----------------------------------------------------------------------------


@require_GET
@capability_required(Cap.SURVEI_VIEW)
def survei_list(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    years = selectors.survei_years(actor=actor)
    try:
        tahun = int(request.GET.get("tahun") or 0) or None
    except ValueError:
        tahun = None
    return render(
        request,
        "survei/survei_list.html",
        {
            "rows": selectors.survei_list(actor=actor, tahun=tahun),
            "years": years,
            "tahun": tahun,
            "units": selectors.units_for(actor=actor),
            "can_manage": actor.can(Cap.SURVEI_MANAGE),
        },
    )


@require_http_methods(["GET", "POST"])
@capability_required(Cap.SURVEI_MANAGE)
def survei_create(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    form = SurveiForm(request.POST or None, units=selectors.units_for(actor=actor))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        survei = run_service(
            form,
            lambda: services.survei_create(
                actor=actor,
                unit=data["unit"],
                tahun=data["tahun"],
                label=data["label"],
                opens_on=data["opens_on"],
                closes_on=data["closes_on"],
                konversi=data["konversi"],
            ),
        )
        if survei is not None:
            messages.success(request, CREATED)
            return redirect("survei:survei-detail", public_id=survei.public_id)
    return render(request, "survei/survei_create.html", {"form": form}, status=400 if form.errors else 200)


# -----------------------------------------------------------------------------
# One survey: results, workflow, exports, report
# -----------------------------------------------------------------------------


def _index_rows(indices: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "instrumen": instrumen,
            "name": INDEX_NAME[instrumen],
            "soal": LKE_SOAL[instrumen],
            "result": indices[instrumen],
        }
        for instrumen in (Instrumen.SPKP, Instrumen.SPAK)
    ]


@require_GET
@instansi_member_required
def survei_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    survei = access_survei(actor, public_id)
    layanan = [
        {"layanan": row, "url": public_url(row), "qr": qr_data_uri(public_url(row))}
        for row in selectors.layanan_for_unit(unit=survei.unit)
    ]
    return render(
        request,
        "survei/survei_detail.html",
        {
            "survei": survei,
            "indices": _index_rows(selectors.survei_indices(survei=survei)),
            "months": selectors.survei_by_month(survei=survei),
            "breakdown": selectors.survei_breakdown(survei=survei),
            "layanan": layanan,
            "scale": Skala.choices,
            "can_manage": actor.can(Cap.SURVEI_MANAGE),
            "can_report": actor.can(Cap.REPORT_CREATE),
        },
    )


@require_POST
@instansi_member_required
def survei_close(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    survei = access_survei(actor, public_id, for_write=True)
    if run_action(request, lambda: services.survei_close(actor=actor, survei=survei)) is not None:
        messages.success(request, CLOSED)
    return redirect("survei:survei-detail", public_id=survei.public_id)


@require_POST
@instansi_member_required
def survei_reopen(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    survei = access_survei(actor, public_id, for_write=True)
    if run_action(request, lambda: services.survei_reopen(actor=actor, survei=survei)) is not None:
        messages.success(request, REOPENED)
    return redirect("survei:survei-detail", public_id=survei.public_id)


@require_POST
@instansi_member_required
def survei_report(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    survei = access_survei(actor, public_id)
    report = run_action(request, lambda: services.survei_report_request(actor=actor, survei=survei))
    if report is None:
        return redirect("survei:survei-detail", public_id=survei.public_id)
    flash_report_requested(request, report)
    return redirect("reports:report-detail", public_id=report.public_id)


@require_GET
@instansi_member_required
@replica_reads
def survei_export(request: HttpRequest, public_id: Any, fmt: str) -> HttpResponse:
    actor = request_actor(request)
    survei = access_survei(actor, public_id)
    if fmt not in EXPORTS:
        raise Http404
    content_type, build = EXPORTS[fmt]
    content = build(survei)
    services.survei_export_record(actor=actor, survei=survei, fmt=fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{exports.filename(survei, fmt)}"'
    return response


# -----------------------------------------------------------------------------
# A unit: its services (links, QR, posters) and its results over time
# -----------------------------------------------------------------------------


def _history_chart(history: list[Any]) -> Any:
    """IPKP and IPAK of each period on the LKE's 0–4, drawn (issue 21); None before any survey."""
    if not history:
        return None
    return BarChart(
        title=_("Survey indices over time (LKE value 0–4)"),
        categories=[f"{row.survei.label} {row.survei.tahun}" for row in history],
        series=[
            Series("IPKP", [row.ipkp.suggested for row in history]),
            Series("IPAK", [row.ipak.suggested for row in history]),
        ],
        maximum=4,
    )


def _unit_page(request: HttpRequest, unit: Any, form: LayananForm | None = None, status: int = 200) -> HttpResponse:
    actor = request_actor(request)
    history = selectors.unit_history(unit=unit)
    return render(
        request,
        "survei/unit_detail.html",
        {
            "unit": unit,
            "layanan": [
                {"layanan": row, "url": public_url(row), "qr": qr_data_uri(public_url(row))}
                for row in selectors.layanan_for_unit(unit=unit)
            ],
            "history": history,
            "history_chart": _history_chart(history),
            "form": form or LayananForm(),
            "can_manage": actor.can(Cap.SURVEI_MANAGE),
            "can_report": actor.can(Cap.REPORT_CREATE),
        },
        status=status,
    )


@require_GET
@instansi_member_required
def unit_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    return _unit_page(request, access_unit(request_actor(request), public_id))


@require_POST
@instansi_member_required
def layanan_create(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    unit = access_unit(actor, public_id, for_write=True)
    form = LayananForm(request.POST)
    if form.is_valid():
        created = run_service(
            form, lambda: services.layanan_create(actor=actor, unit=unit, name=form.cleaned_data["name"])
        )
        if created is not None:
            messages.success(request, LAYANAN_ADDED)
            return redirect("survei:unit-detail", public_id=unit.public_id)
    return _unit_page(request, unit, form, status=400)


@require_POST
@instansi_member_required
def layanan_toggle(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    layanan = access_layanan(actor, public_id, for_write=True)
    updated = run_action(
        request, lambda: services.layanan_set_active(actor=actor, layanan=layanan, is_active=not layanan.is_active)
    )
    if updated is not None:
        messages.success(request, LAYANAN_ON if updated.is_active else LAYANAN_OFF)
    return redirect("survei:unit-detail", public_id=layanan.unit.public_id)


@require_POST
@instansi_member_required
def layanan_poster(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    layanan = access_layanan(actor, public_id, for_write=True)
    report = run_action(request, lambda: services.layanan_poster_request(actor=actor, layanan=layanan))
    if report is None:
        return redirect("survei:unit-detail", public_id=layanan.unit.public_id)
    flash_report_requested(request, report)
    return redirect("reports:report-detail", public_id=report.public_id)
