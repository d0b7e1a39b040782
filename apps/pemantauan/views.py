"""Pages of the monitoring after the predikat (issue 17): the instansi's yearly overview (figures,
warnings, complaints, revocation proposals) with its three actions, the public complaint form, and
KemenPANRB's list and decision on revocation proposals.

Another instansi's unit is 404; a member who does not monitor (operator, pegawai, viewer) is 403;
the national pages are for national members only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.core.errors import DomainError, PermissionDeniedError
from apps.pemantauan import selectors, services
from apps.pemantauan.access import access_monitor, access_monitored_unit, access_public_unit
from apps.pemantauan.forms import DecisionForm, PengaduanForm, PengaduanPublicForm, UsulanForm
from apps.pemantauan.models import StatusUsulan
from apps.survei import throttle
from apps.tenancy.decorators import instansi_member_required, national_required, request_actor
from apps.tenancy.roles import Cap
from apps.tenancy.scope import scope

COMPLAINT_RECORDED = _("The complaint is recorded and an early warning is raised on the unit.")
EVALUATED = _("The year is evaluated: %(count)s warning(s) raised or refreshed.")
USULAN_SENT = _("The revocation proposal is sent to KemenPANRB.")
DECIDED = _("The decision is recorded.")
PUBLIC_THANKS = _("Thank you. Your report is recorded and passed to the unit's supervisors.")


def _tahun(request: HttpRequest) -> int:
    raw = request.GET.get("tahun") or request.POST.get("tahun") or ""
    return int(raw) if raw.isdigit() and 2000 <= int(raw) <= 2100 else timezone.localdate().year


def _refusal(request: HttpRequest, exc: ValidationError | DomainError) -> None:
    if isinstance(exc, ValidationError):
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.error(request, str(exc))


def _back(tahun: int) -> HttpResponse:
    response = redirect("pemantauan:overview")
    response["Location"] += f"?tahun={tahun}"
    return response


@require_GET
@instansi_member_required
def overview(request: HttpRequest) -> HttpResponse:
    actor = access_monitor(request_actor(request))
    tahun = _tahun(request)
    return render(
        request,
        "pemantauan/overview.html",
        {
            "tahun": tahun,
            "rows": selectors.monitored_units(instansi_id=actor.instansi_id, tahun=tahun),
            "complaints": selectors.pengaduan_list(instansi_id=actor.instansi_id, tahun=tahun)[:50],
            "usulan": selectors.usulan_list(instansi_id=actor.instansi_id)[:50],
            "pengaduan_form": PengaduanForm(),
            "usulan_form": UsulanForm(),
        },
    )


@require_POST
@instansi_member_required
def evaluate(request: HttpRequest) -> HttpResponse:
    actor = access_monitor(request_actor(request))
    tahun = _tahun(request)
    raised = services.pemantauan_evaluate_by(actor=actor, tahun=tahun)
    messages.success(request, EVALUATED % {"count": len(raised)})
    return _back(tahun)


@require_POST
@instansi_member_required
def pengaduan_record(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    unit = access_monitored_unit(actor, public_id)
    form = PengaduanForm(request.POST)
    tahun = _tahun(request)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _back(tahun)
    try:
        services.pengaduan_record(actor=actor, unit=unit, **form.cleaned_data)
    except PermissionDeniedError as exc:
        raise PermissionDenied from exc
    except (ValidationError, DomainError) as exc:
        _refusal(request, exc)
    else:
        messages.success(request, COMPLAINT_RECORDED)
    return _back(tahun)


@require_POST
@instansi_member_required
def usulan_create(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    unit = access_monitored_unit(actor, public_id)
    form = UsulanForm(request.POST, request.FILES)
    tahun = _tahun(request)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return _back(tahun)
    try:
        services.usulan_pencabutan_create(
            actor=actor, unit=unit, alasan=form.cleaned_data["alasan"], bukti_files=form.cleaned_data["bukti"]
        )
    except PermissionDeniedError as exc:
        raise PermissionDenied from exc
    except (ValidationError, DomainError) as exc:
        _refusal(request, exc)
    else:
        messages.success(request, USULAN_SENT)
    return _back(tahun)


# -----------------------------------------------------------------------------
# The public complaint form (no login)
# -----------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
def public_complaint(request: HttpRequest, public_id: Any) -> HttpResponse:
    """Anyone may report on a unit that holds WBK/WBBM; other units are 404 (nothing to monitor)."""
    unit = access_public_unit(public_id)
    with scope(unit.instansi_id):
        if services.standing_predikat(unit=unit) is None:
            raise Http404
    form = PengaduanPublicForm(request.POST or None)
    status = 200
    if request.method == "POST":
        verdict = throttle.hit(request, "submit")
        if not verdict.allowed:
            response = render(request, "pemantauan/public_form.html", {"unit": unit, "form": form}, status=429)
            response["Retry-After"] = str(verdict.retry_after)
            return response
        if form.is_valid():
            try:
                services.pengaduan_public_submit(unit=unit, **form.cleaned_data)
            except (ValidationError, DomainError) as exc:
                form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
            else:
                return render(request, "pemantauan/public_done.html", {"unit": unit, "message": PUBLIC_THANKS})
        status = 400
    return render(request, "pemantauan/public_form.html", {"unit": unit, "form": form}, status=status)


# -----------------------------------------------------------------------------
# KemenPANRB: revocation proposals of every instansi
# -----------------------------------------------------------------------------


@require_GET
@national_required
def national_list(request: HttpRequest) -> HttpResponse:
    if not request.membership.can(Cap.NATIONAL_VIEW):  # type: ignore[attr-defined]
        raise PermissionDenied
    status = request.GET.get("status") or StatusUsulan.DIUSULKAN
    rows = selectors.usulan_list_national(status=status if status in StatusUsulan.values else None)[:100]
    return render(request, "pemantauan/national_list.html", {"rows": rows, "status": status})


@require_http_methods(["GET", "POST"])
@national_required
def national_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    if not request.membership.can(Cap.NATIONAL_VIEW):  # type: ignore[attr-defined]
        raise PermissionDenied
    usulan = selectors.usulan_get_national(public_id=public_id)
    if usulan is None:
        raise Http404
    form = DecisionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.usulan_pencabutan_decide(
                    actor=request.membership,  # type: ignore[attr-defined]
                    usulan=usulan,
                    decision=form.cleaned_data["decision"],
                    notes=form.cleaned_data["notes"] or "",
                    revoked_on=form.cleaned_data["revoked_on"],
                )
            except PermissionDeniedError as exc:
                raise PermissionDenied from exc
            except (ValidationError, DomainError) as exc:
                _refusal(request, exc)
            else:
                messages.success(request, DECIDED)
                return redirect("pemantauan:national-detail", public_id=usulan.public_id)
        status = 400
    return render(
        request,
        "pemantauan/national_detail.html",
        {
            "usulan": usulan,
            "bukti": selectors.usulan_bukti_national(usulan=usulan),
            "form": form,
            "can_decide": request.membership.can(Cap.TPN_DECIDE),  # type: ignore[attr-defined]
        },
        status=status,
    )
