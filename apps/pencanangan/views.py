"""Staff pages of the pencanangan: the coverage overview, a unit's pencanangan with its signatures,
signing links and scans, the pact text, and a pegawai's own pact page.

Thin shells: object pages resolve their id through ``access`` first (another instansi's → 404),
then the capability (403). A service refusal is shown beside the form and nothing is saved.
"""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.audit.services import audit_download
from apps.core.concurrency import VersionConflict, form_after_conflict, version_of
from apps.core.errors import DomainError, PermissionDeniedError
from apps.core.forms import NO_YEAR, run_service
from apps.core.xlsx import xlsx_response
from apps.pencanangan import reminders, selectors, services
from apps.pencanangan.access import access_pakta, access_pegawai, access_unit
from apps.pencanangan.forms import (
    KomitmenForm,
    PencananganEditForm,
    RevokeForm,
    ScanForm,
    SignForm,
    TextForm,
    ThresholdForm,
)
from apps.pencanangan.models import PaktaText, Pencanangan, PernyataanKomitmen, SignMethod
from apps.pencanangan.pdf import pakta_pdf, pakta_pdf_filename, verify_url
from apps.pencanangan.reports import PAKTA_REKAP
from apps.reports.services import report_request
from apps.reports.views import flash_report_requested
from apps.tenancy.decorators import capability_required, instansi_member_required, request_actor
from apps.tenancy.models import Membership
from apps.tenancy.roles import Cap
from apps.unit_kerja.models import Cycle, UnitKerja
from apps.unit_kerja.selectors import unit_kerja_visible
from zi.db.replica import replica_reads

SAVED = _("Saved.")
SIGNED = _("Thank you: your Pakta Integritas is signed.")
KOMITMEN_SIGNED = _("The statement of commitment is signed.")
DECLARED = _("The pencanangan is declared.")
REVOKED = _("The signature is revoked; the pegawai may sign again.")
SCAN_SAVED = _("The scanned pact is recorded for %(name)s.")
ROUND_STARTED = _("The reminders are being sent to the pegawai who have not signed.")


def _cycle(request: HttpRequest, actor: Membership) -> Cycle | None:
    raw = request.GET.get("tahun", "")
    return selectors.current_cycle(instansi=actor.instansi, tahun=int(raw) if raw.isdigit() else None)


def _cycle_or_404(request: HttpRequest, actor: Membership) -> Cycle:
    """The year of an object page (``?tahun=``, else the open one); none opened yet: 404."""
    cycle = _cycle(request, actor)
    if cycle is None:
        raise Http404
    return cycle


def _cycles(actor: Membership) -> list[Cycle]:
    return list(Cycle.objects.filter(instansi_id=actor.instansi_id).order_by("-tahun"))


def _one_unit(unit: UnitKerja):
    return UnitKerja.objects.filter(pk=unit.pk)


@require_GET
@capability_required(Cap.PENCANANGAN_VIEW)
def overview(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    cycle = _cycle(request, actor)
    if cycle is None:
        return render(request, "pencanangan/no_year.html", {"message": NO_YEAR})
    rows = selectors.coverage_per_unit(actor=actor, cycle=cycle)

    total = selectors.coverage_of(cycle=cycle, units=unit_kerja_visible(actor=actor))
    return render(
        request,
        "pencanangan/overview.html",
        {"cycle": cycle, "cycles": _cycles(actor), "rows": rows, "total": total},
    )


def _unit_context(actor: Membership, unit: UnitKerja, cycle: Cycle) -> dict[str, Any]:
    units = _one_unit(unit)
    pencanangan = Pencanangan.objects.filter(instansi_id=actor.instansi_id, cycle=cycle, unit=unit).first()
    komitmen = (
        PernyataanKomitmen.objects.filter(pencanangan=pencanangan).select_related("signed_by").first()
        if pencanangan
        else None
    )
    pegawai = list(selectors.pegawai_with_status(cycle=cycle, units=units))
    return {
        "unit": unit,
        "cycle": cycle,
        "cycles": _cycles(actor),
        "pencanangan": pencanangan,
        "komitmen": komitmen,
        "coverage": selectors.coverage_of(cycle=cycle, units=units),
        "by_position": selectors.coverage_by_position(cycle=cycle, units=units),
        "unsigned": [p for p in pegawai if not p.has_signed],
        "signatures": list(selectors.signatures_of(cycle=cycle, units=units)),
        "can_manage": actor.can(Cap.PENCANANGAN_MANAGE),
        "can_declare": actor.can(Cap.PENCANANGAN_DECLARE),
        "komitmen_form": KomitmenForm(),
        "scan_form": ScanForm(),
    }


@require_GET
@instansi_member_required
def unit_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    unit = access_unit(actor, public_id)
    cycle = _cycle_or_404(request, actor)
    context = _unit_context(actor, unit, cycle)
    if context["komitmen"] is None and context["pencanangan"] is not None and context["can_declare"]:
        context["komitmen_preview"] = services.komitmen_text(pencanangan=context["pencanangan"], signer=actor.user)
    return render(request, "pencanangan/unit_detail.html", context)


def _unit_url(unit: UnitKerja, cycle: Cycle) -> str:
    return f"{reverse('pencanangan:unit-detail', args=[unit.public_id])}?tahun={cycle.tahun}"


@require_http_methods(["GET", "POST"])
@instansi_member_required
def pencanangan_edit(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    unit = access_unit(actor, public_id, for_write=True)
    cycle = _cycle_or_404(request, actor)
    existing = Pencanangan.objects.filter(instansi_id=actor.instansi_id, cycle=cycle, unit=unit).first()
    if request.method == "POST":
        form = PencananganEditForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                saved = run_service(
                    form,
                    lambda: services.pencanangan_save(
                        actor=actor,
                        unit=unit,
                        cycle=cycle,
                        data=data,
                        documents=data["documents"],
                        version=data["version"],
                    ),
                    reraise=(VersionConflict,),
                )
            except VersionConflict:
                existing = Pencanangan.objects.filter(instansi_id=actor.instansi_id, cycle=cycle, unit=unit).first()
                form = form_after_conflict(PencananganEditForm, request, version_of(existing))
                saved = None
            if saved is not None:
                messages.success(request, SAVED)
                return redirect(_unit_url(unit, cycle))
        status = 400
    else:
        initial = (
            {
                "version": existing.version,
                "date": existing.date,
                "place": existing.place,
                "form": existing.form,
                "witnesses": existing.witnesses,
                "publication_links": existing.publication_links,
            }
            if existing
            else {"version": 0, "date": timezone.localdate()}
        )
        form = PencananganEditForm(initial=initial)
        status = 200
    return render(
        request,
        "pencanangan/pencanangan_form.html",
        {"unit": unit, "cycle": cycle, "form": form, "pencanangan": existing},
        status=status,
    )


def _pencanangan_or_404(actor: Membership, unit: UnitKerja, cycle: Cycle) -> Pencanangan:
    pencanangan = Pencanangan.objects.filter(instansi_id=actor.instansi_id, cycle=cycle, unit=unit).first()
    if pencanangan is None:
        raise Http404
    return pencanangan


@require_POST
@instansi_member_required
def komitmen_sign(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    unit = access_unit(actor, public_id)
    cycle = _cycle_or_404(request, actor)
    pencanangan = _pencanangan_or_404(actor, unit, cycle)
    form = KomitmenForm(request.POST)
    form.is_valid()
    signed = run_service(
        form,
        lambda: services.komitmen_sign(
            actor=actor,
            pencanangan=pencanangan,
            password=form.cleaned_data.get("password") or "",
            confirm=bool(form.cleaned_data.get("confirm")),
        ),
    )
    if signed is not None:
        messages.success(request, KOMITMEN_SIGNED)
        return redirect(_unit_url(unit, cycle))
    context = _unit_context(actor, unit, cycle)
    context["komitmen_form"] = form
    context["komitmen_preview"] = services.komitmen_text(pencanangan=pencanangan, signer=actor.user)
    return render(request, "pencanangan/unit_detail.html", context, status=400)


def _one_button(request: HttpRequest, call: Any, success: Any) -> None:
    try:
        call()
    except PermissionDeniedError as exc:
        raise PermissionDenied from exc
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except DomainError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, success)


@require_POST
@instansi_member_required
def pencanangan_declare(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    unit = access_unit(actor, public_id)
    cycle = _cycle_or_404(request, actor)
    pencanangan = _pencanangan_or_404(actor, unit, cycle)
    _one_button(request, lambda: services.pencanangan_declare(actor=actor, pencanangan=pencanangan), DECLARED)
    return redirect(_unit_url(unit, cycle))


@require_POST
@instansi_member_required
def reminder_round(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    unit = access_unit(actor, public_id, for_write=True)
    cycle = _cycle_or_404(request, actor)
    _one_button(request, lambda: reminders.reminder_round_start(actor=actor, unit=unit, cycle=cycle), ROUND_STARTED)
    return redirect(_unit_url(unit, cycle))


@require_POST
@instansi_member_required
def scan_upload(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    unit = access_unit(actor, public_id, for_write=True)
    cycle = _cycle_or_404(request, actor)
    form = ScanForm(request.POST, request.FILES)
    if form.is_valid():
        pakta = run_service(
            form,
            lambda: services.pakta_scan_upload(
                actor=actor, cycle=cycle, nip=form.cleaned_data["nip"], file=form.cleaned_data["file"]
            ),
        )
        if pakta is not None:
            messages.success(request, SCAN_SAVED % {"name": pakta.name})
            return redirect(_unit_url(unit, cycle))
    context = _unit_context(actor, unit, cycle)
    context["scan_form"] = form
    return render(request, "pencanangan/unit_detail.html", context, status=400)


@require_GET
@instansi_member_required
@replica_reads
def unit_export(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    unit = access_unit(actor, public_id)
    cycle = _cycle_or_404(request, actor)
    header = [
        _("NIP"),
        _("Name"),
        _("Position"),
        _("Unit kerja"),
        _("Signed at"),
        _("Confirmed by"),
        _("Verification code"),
        _("SHA-256 of the text signed"),
        _("Status"),
    ]
    methods = dict(SignMethod.choices)
    rows = [
        [
            p.nip,
            p.name,
            p.position,
            p.unit.name,
            timezone.localtime(p.signed_at).strftime("%Y-%m-%d %H:%M"),
            str(methods.get(p.method, p.method)),
            p.verify_code,
            p.text_sha256,
            str(_("stands")) if p.stands else str(_("revoked: %(reason)s") % {"reason": p.revoked_reason}),
        ]
        for p in selectors.signatures_of(cycle=cycle, units=_one_unit(unit))
    ]
    audit_download(actor=actor, verb="pencanangan.export", obj=unit, detail={"tahun": cycle.tahun, "rows": len(rows)})
    return xlsx_response(
        filename=f"pakta-integritas-{unit.code}-{cycle.tahun}.xlsx",
        title=f"Pakta {cycle.tahun}",
        header=[str(h) for h in header],
        rows=rows,
    )


@require_POST
@instansi_member_required
def unit_rekap(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    unit = access_unit(actor, public_id)
    cycle = _cycle_or_404(request, actor)
    try:
        report = report_request(
            actor=actor, kind=PAKTA_REKAP, params={"unit": str(unit.public_id), "tahun": cycle.tahun}
        )
    except PermissionDeniedError as exc:
        raise PermissionDenied from exc
    flash_report_requested(request, report)
    return redirect("reports:report-detail", report.public_id)


@require_http_methods(["GET", "POST"])
@instansi_member_required
def pegawai_link(request: HttpRequest, public_id: Any) -> HttpResponse:
    """Make a personal one-time signing link (POST) and show it once to copy or send."""
    actor = request_actor(request)
    pegawai = access_pegawai(actor, public_id)
    cycle = _cycle_or_404(request, actor)
    if request.method == "GET":
        return render(request, "pencanangan/link.html", {"pegawai": pegawai, "cycle": cycle})
    try:
        new = services.signing_link_create(actor=actor, pegawai=pegawai, cycle=cycle)
    except PermissionDeniedError as exc:
        raise PermissionDenied from exc
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect(_unit_url(pegawai.unit, cycle))
    url = request.build_absolute_uri(reverse("pakta-public:sign", kwargs={"token": new.token}))

    text = str(
        _("Please sign the Pakta Integritas %(tahun)s of %(unit)s through this personal link: %(url)s")
        % {"tahun": cycle.tahun, "unit": pegawai.unit.name, "url": url}
    )
    return render(
        request,
        "pencanangan/link.html",
        {
            "pegawai": pegawai,
            "cycle": cycle,
            "url": url,
            "link": new.link,
            "whatsapp": "https://wa.me/?text=" + quote(text),
        },
    )


@require_GET
@instansi_member_required
def pakta_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    pakta = access_pakta(actor, public_id)

    return render(
        request,
        "pencanangan/pakta_detail.html",
        {
            "pakta": pakta,
            "verify_url": verify_url(pakta),
            "can_revoke": pakta.stands and actor.can(Cap.PENCANANGAN_MANAGE),
            "revoke_form": RevokeForm(),
        },
    )


@require_GET
@instansi_member_required
def pakta_download(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    pakta = access_pakta(actor, public_id)
    response = _pdf_response(pakta)
    audit_download(actor=actor, verb="pakta.download", obj=pakta)
    return response


def _pdf_response(pakta: Any) -> HttpResponse:
    return FileResponse(
        io.BytesIO(pakta_pdf(pakta)),
        as_attachment=True,
        filename=pakta_pdf_filename(pakta),
        content_type="application/pdf",
    )


@require_POST
@instansi_member_required
def pakta_revoke(request: HttpRequest, public_id: Any) -> HttpResponse:
    actor = request_actor(request)
    pakta = access_pakta(actor, public_id, for_write=True)
    form = RevokeForm(request.POST)
    form.is_valid()
    done = run_service(
        form, lambda: services.pakta_revoke(actor=actor, pakta=pakta, reason=form.cleaned_data.get("reason", ""))
    )
    if done is not None:
        messages.success(request, REVOKED)
        return redirect(_unit_url(pakta.unit, pakta.cycle))

    return render(
        request,
        "pencanangan/pakta_detail.html",
        {"pakta": pakta, "verify_url": verify_url(pakta), "can_revoke": True, "revoke_form": form},
        status=400,
    )


@require_http_methods(["GET", "POST"])
@instansi_member_required
def my_pakta(request: HttpRequest) -> HttpResponse:
    """A pegawai with an account reads and signs their own pact (consent + password)."""
    actor = request_actor(request)
    cycle = _cycle(request, actor)
    if cycle is None:
        return render(request, "pencanangan/no_year.html", {"message": NO_YEAR})
    pegawai = services.pegawai_of(actor=actor)
    signed = services.pakta_standing(pegawai=pegawai, cycle=cycle) if pegawai else None
    form = SignForm(request.POST if request.method == "POST" else None)  # an empty POST is bound, too
    status = 200
    if request.method == "POST" and signed is None:
        form.is_valid()
        pakta = run_service(
            form,
            lambda: services.pakta_sign_with_password(
                actor=actor,
                cycle=cycle,
                password=form.cleaned_data.get("password") or "",
                confirm=bool(form.cleaned_data.get("confirm")),
            ),
        )
        if pakta is not None:
            messages.success(request, SIGNED)
            return redirect("pencanangan:pakta-detail", pakta.public_id)
        status = 400
    text = None
    is_self = pegawai is not None and services.signer_is_pegawai(user=actor.user, pegawai=pegawai)
    if is_self and signed is None:
        text = services.pakta_render(
            text=services.pakta_text_current(instansi=actor.instansi), pegawai=pegawai, cycle=cycle
        )
    return render(
        request,
        "pencanangan/my_pakta.html",
        {"cycle": cycle, "pegawai": pegawai, "signed": signed, "text": text, "form": form, "is_self": is_self},
        status=status,
    )


def _setting_version(setting: Any) -> int:
    return setting.version if setting.pk else 0  # 0: the default, never saved


@require_http_methods(["GET", "POST"])
@capability_required(Cap.PENCANANGAN_VIEW)
def pakta_text(request: HttpRequest) -> HttpResponse:
    """The instansi's pact text (versioned) and its coverage threshold."""
    actor = request_actor(request)
    current = services.pakta_text_current(instansi=actor.instansi)
    setting = services.pakta_setting_get(instansi=actor.instansi)
    text_form = TextForm(initial={"body": current.body, "version": current.version})
    threshold_form = ThresholdForm(
        initial={"threshold_pct": setting.threshold_pct, "version": _setting_version(setting)}
    )
    status = 200
    if request.method == "POST":
        if not actor.can(Cap.PAKTA_TEXT_MANAGE):
            raise PermissionDenied
        try:
            if "threshold_pct" in request.POST:
                threshold_form = ThresholdForm(request.POST)
                if threshold_form.is_valid() and run_service(
                    threshold_form,
                    lambda: services.pakta_setting_update(
                        actor=actor,
                        threshold_pct=threshold_form.cleaned_data["threshold_pct"],
                        version=threshold_form.cleaned_data["version"],
                    ),
                    reraise=(VersionConflict,),
                ):
                    messages.success(request, SAVED)
                    return redirect("pencanangan:text")
            else:
                text_form = TextForm(request.POST)
                if text_form.is_valid() and run_service(
                    text_form,
                    lambda: services.pakta_text_update(
                        actor=actor, body=text_form.cleaned_data["body"], based_on=text_form.cleaned_data["version"]
                    ),
                    reraise=(VersionConflict,),
                ):
                    messages.success(request, SAVED)
                    return redirect("pencanangan:text")
        except VersionConflict:
            current = services.pakta_text_current(instansi=actor.instansi)
            setting = services.pakta_setting_get(instansi=actor.instansi)
            if "threshold_pct" in request.POST:
                threshold_form = form_after_conflict(ThresholdForm, request, _setting_version(setting))
            else:
                text_form = form_after_conflict(TextForm, request, current.version)
        status = 400
    return render(
        request,
        "pencanangan/text.html",
        {
            "current": current,
            "versions": PaktaText.objects.filter(instansi_id=actor.instansi_id).order_by("-version"),
            "setting": setting,
            "text_form": text_form,
            "threshold_form": threshold_form,
            "can_edit": actor.can(Cap.PAKTA_TEXT_MANAGE),
        },
        status=status,
    )
