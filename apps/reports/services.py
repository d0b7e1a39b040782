"""Requesting and rendering PDF reports (DESIGN §8, STYLE §4.7).

Flow: :func:`report_request` checks the actor and the parameters, creates a ``queued`` row and
enqueues the render on commit. The worker's :func:`report_render` claims the row
(``queued → running``, a conditional update), builds the context, renders HTML in the requester's
language and the PDF with WeasyPrint (no network), stores it under the instansi's folder with its
SHA-256, marks the row ``done`` and tells the requester in the app; on an error it marks the row
``failed`` with the error. The status page polls the row.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from apps.audit.services import audit_record
from apps.core.errors import PermissionDeniedError
from apps.notifications.models import Channel
from apps.notifications.services import notify
from apps.reports.models import Report, ReportStatus
from apps.reports.registry import ReportKind, report_kind_get
from apps.reports.tasks import render_report as render_report_task
from apps.tenancy.models import Membership
from apps.tenancy.rls import all_tenants
from apps.tenancy.roles import Cap

logger = logging.getLogger(__name__)

UNKNOWN_KIND = _("This report does not exist.")
NOT_ALLOWED = _("You may not request this report.")
UNKNOWN_KIND_ERROR = "unknown report kind"

# A run that has been "running" longer than the task's hard time limit died with its worker: the
# redelivered task (acks_late) may claim it again. Rendering twice is harmless, a report stuck
# "running" forever is not.
_STALE_AFTER = datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)


def _check_can_request(actor: Membership, definition: ReportKind) -> int:
    """Refuse unless the actor may request this kind; returns their instansi id (typed: a national
    membership has none and is refused here)."""
    instansi_id = actor.instansi_id
    if instansi_id is None:
        raise PermissionDeniedError(NOT_ALLOWED)
    if not actor.can(Cap.REPORT_CREATE):
        raise PermissionDeniedError(NOT_ALLOWED)
    if not actor.can(definition.capability):
        raise PermissionDeniedError(NOT_ALLOWED)
    return instansi_id


@transaction.atomic
def report_request(*, actor: Membership, kind: str, params: Mapping[str, Any]) -> Report:
    """Queue one report of ``kind`` for the actor's instansi and enqueue its rendering on commit.

    Raises ``ValidationError`` (unknown kind, missing parameter), ``PermissionDeniedError`` (the
    actor lacks ``report.create`` or the kind's capability) or ``Http404`` (a parameter names an
    object outside the actor's instansi). Nothing is saved then.

    A second request of the same report by the same person while the first is still queued or
    running returns the first (a double click makes one PDF). Writes the audit event
    ``report.request``.
    """
    definition = report_kind_get(kind)
    if definition is None:
        raise ValidationError({"kind": UNKNOWN_KIND}, code="unknown_kind")
    instansi_id = _check_can_request(actor, definition)
    cleaned = definition.clean_params(actor, params)

    pending = (
        Report.objects.filter(
            instansi_id=instansi_id,
            kind=kind,
            params=cleaned.params,
            requested_by=actor.user,
            status__in=[ReportStatus.QUEUED, ReportStatus.RUNNING],
        )
        .order_by("-created_at")
        .first()
    )
    if pending is not None:
        return pending

    title = str(definition.title)
    if cleaned.subject:
        title = f"{title} — {cleaned.subject}"
    report = Report(
        instansi_id=instansi_id,
        kind=kind,
        params=cleaned.params,
        title=title[:255],
        requested_by=actor.user,
    )
    report.full_clean()
    report.save()
    audit_record(actor=actor.user, verb="report.request", obj=report, after={"kind": kind, "params": cleaned.params})
    render_report_task.delay_on_commit(instansi_id=instansi_id, report_id=report.pk)
    return report


def _claim(report_id: int) -> datetime.datetime | None:
    """``queued → running`` (or a stale ``running`` again) as one conditional update.

    Returns the claim's ``started_at``, or None when another run has the report or it is finished.
    """
    now = timezone.now()
    claimable = Q(status=ReportStatus.QUEUED) | Q(status=ReportStatus.RUNNING, started_at__lt=now - _STALE_AFTER)
    claimed = Report.objects.filter(claimable, pk=report_id).update(
        status=ReportStatus.RUNNING, started_at=now, error=""
    )
    return now if claimed == 1 else None


def report_html(*, report: Report) -> str:
    """The report's HTML, translated into the requester's language (the PDF renders exactly this)."""
    definition = report_kind_get(report.kind)
    if definition is None:
        raise LookupError(f"{UNKNOWN_KIND_ERROR}: {report.kind}")
    language = (report.requested_by.language if report.requested_by else "") or settings.LANGUAGE_CODE
    with translation.override(language):
        context = definition.build_context(instansi=report.instansi, params=report.params)
        return render_to_string(
            definition.template,
            {
                **context,
                "report": report,
                "report_kind_title": str(definition.title),
                "instansi": report.instansi,
                "generated_at": timezone.localtime(),
            },
        )


def report_render(*, report_id: int) -> bool:
    """Render one queued report. Returns True when this call produced the PDF.

    Deliberately not one transaction: the claim commits at once so the status page shows
    "running" and a second run (a duplicate message, a retried task) finds the report taken and
    does nothing; a ``done`` or ``failed`` report is never rendered again. Must run inside the
    report's instansi scope (the task opens it), so a report id of another instansi is not found.

    On success: the file is stored under ``instansi/<id>/reports/``, ``sha256`` set, the row
    ``done``, the audit event ``report.render`` written and the requester notified in the app
    (``report-ready``). On any error: the row is ``failed`` with the error, nothing is notified.
    """
    # Imported here so that web processes never load WeasyPrint (only workers render).
    from apps.reports.pdf import html_to_pdf  # noqa: PLC0415  (heavy: WeasyPrint)

    started_at = _claim(report_id)
    if started_at is None:
        return False
    report = Report.objects.select_related("instansi", "requested_by").get(pk=report_id)
    try:
        pdf = html_to_pdf(report_html(report=report))
    except Exception as exc:  # any failure of a domain builder or of WeasyPrint ends in "failed"
        logger.exception("rendering report %s (%s) failed", report.public_id, report.kind)
        _finish_failed(report=report, started_at=started_at, error=f"{type(exc).__name__}: {exc}")
        return False
    return _finish_done(report=report, started_at=started_at, pdf=pdf)


def _finish_failed(*, report: Report, started_at: datetime.datetime, error: str) -> None:
    with transaction.atomic():
        updated = Report.objects.filter(pk=report.pk, status=ReportStatus.RUNNING, started_at=started_at).update(
            status=ReportStatus.FAILED, error=error[:2000], finished_at=timezone.now()
        )
        if updated:
            audit_record(actor=None, verb="report.fail", obj=report, after={"error": error[:300]})


def _finish_done(*, report: Report, started_at: datetime.datetime, pdf: bytes) -> bool:
    sha256 = hashlib.sha256(pdf).hexdigest()
    report.file.save(f"{report.public_id.hex}.pdf", ContentFile(pdf), save=False)
    with transaction.atomic():
        # Only the run that still holds the claim may finish it (a stale run may have been overtaken).
        updated = Report.objects.filter(pk=report.pk, status=ReportStatus.RUNNING, started_at=started_at).update(
            status=ReportStatus.DONE, file=report.file.name, sha256=sha256, error="", finished_at=timezone.now()
        )
        if not updated:
            stored = report.file.name  # set by the save above
            if stored:
                transaction.on_commit(lambda: report.file.storage.delete(stored))
            return False
        audit_record(actor=None, verb="report.render", obj=report, after={"sha256": sha256, "size": len(pdf)})
        if report.requested_by is not None:
            notify(
                instansi=report.instansi,
                recipient=report.requested_by,
                kind="report_ready",
                key=f"report-ready:{report.public_id}",
                template="report-ready",
                context={"report": report},
                link=reverse("reports:report-detail", kwargs={"public_id": report.public_id}),
                channels=(Channel.IN_APP,),
            )
    return True


def reports_reconcile() -> int:
    """Beat: re-enqueue reports whose message was lost (Redis restarted without its append-only
    file) or whose worker died without a redelivery: ``queued`` for longer than two visibility
    timeouts, or ``running`` past the stale bound. The claim in :func:`report_render` makes a repeat
    of a message still in flight a no-op. Returns how many were enqueued (docs/operations.md)."""
    now = timezone.now()
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
    lost = Q(status=ReportStatus.QUEUED, created_at__lt=now - datetime.timedelta(seconds=2 * visibility))
    abandoned = Q(status=ReportStatus.RUNNING, started_at__lt=now - _STALE_AFTER)
    with all_tenants("the reconciler looks for unfinished reports in every instansi"):
        rows = list(Report.unscoped.filter(lost | abandoned).values_list("instansi_id", "pk")[:1000])
    for instansi_id, pk in rows:
        render_report_task.delay(instansi_id=instansi_id, report_id=pk)
    if rows:
        logger.warning("reconciler: %s report(s) enqueued again", len(rows))
    return len(rows)
