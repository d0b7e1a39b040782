"""Report pages: request (POST), status page that polls while rendering, download, list."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from apps.audit.services import audit_download
from apps.core.errors import PermissionDeniedError
from apps.core.files import file_response
from apps.reports.access import access_report
from apps.reports.forms import ReportRequestForm
from apps.reports.models import Report, ReportStatus
from apps.reports.registry import report_kind_get
from apps.reports.selectors import report_list
from apps.reports.services import report_request
from apps.tenancy.decorators import capability_required, instansi_member_required
from apps.tenancy.roles import Cap

REPORT_QUEUED = _("The report is being generated. This page shows it as soon as it is ready.")
REPORT_READY = _("The report is ready.")


def flash_report_requested(request: HttpRequest, report: Report) -> None:
    """The message after asking for a PDF, true to the report's state: in the embedded mode the task
    has already run when the request commits, so "being generated" beside "ready" would be wrong."""
    report.refresh_from_db(fields=["status"])
    messages.success(request, REPORT_READY if report.status == ReportStatus.DONE else REPORT_QUEUED)


@instansi_member_required
@require_safe
def report_list_view(request: HttpRequest) -> HttpResponse:
    reports = report_list(actor=request.membership)  # type: ignore[attr-defined]
    page = Paginator(reports, 30).get_page(request.GET.get("halaman"))
    return render(request, "reports/report_list.html", {"page": page})


@capability_required(Cap.REPORT_CREATE)
@require_POST
def report_create(request: HttpRequest) -> HttpResponse:
    form = ReportRequestForm(request.POST)
    if form.is_valid():
        try:
            report = report_request(
                actor=request.membership,  # type: ignore[attr-defined]
                kind=form.cleaned_data["kind"],
                params=form.params(),
            )
        except PermissionDeniedError as exc:
            raise PermissionDenied from exc
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            flash_report_requested(request, report)
            return redirect("reports:report-detail", public_id=report.public_id)
    return render(request, "reports/report_request.html", {"form": form})


def _add_service_errors(form: ReportRequestForm, exc: ValidationError) -> None:
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc)
        return
    for field, errors in exc.error_dict.items():
        # Parameters (e.g. "unit") are hidden inputs, not form fields: their errors go on top.
        form.add_error(field if field in form.fields else None, errors)


def _detail_context(request: HttpRequest, public_id: uuid.UUID) -> dict[str, object]:
    report = access_report(request.membership, public_id)  # type: ignore[attr-defined]
    definition = report_kind_get(report.kind)
    return {
        "report": report,
        "kind_title": definition.title if definition else report.kind,
        "pending": report.status in {ReportStatus.QUEUED, ReportStatus.RUNNING},
    }


@instansi_member_required
@require_safe
def report_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    return render(request, "reports/report_detail.html", _detail_context(request, public_id))


@instansi_member_required
@require_safe
def report_status(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """The status fragment the detail page polls (HTMX) while the report is queued or running."""
    return render(request, "reports/report_detail.html#status", _detail_context(request, public_id))


@instansi_member_required
@require_safe
def report_download(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    report = access_report(request.membership, public_id)  # type: ignore[attr-defined]
    if report.status != ReportStatus.DONE or not report.file:
        raise Http404
    response = file_response(
        report.file, filename=f"{slugify(report.title) or 'laporan'}.pdf", content_type="application/pdf"
    )
    audit_download(actor=request.membership, verb="report.download", obj=report)  # type: ignore[attr-defined]
    return response
