"""Reports: one row per generated PDF (NetBox's Job idea, DESIGN §8)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.tenancy.models import TenantModel


def report_upload_path(instance: Report, filename: str) -> str:
    return f"instansi/{instance.instansi_id}/reports/{instance.public_id.hex}.pdf"


class ReportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Being generated")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class Report(TenantModel):
    """Laporan — one generation of a PDF report: its kind, parameters, status and file.

    Created ``queued`` by ``report_request``; rendered by the ``render_report`` task with WeasyPrint;
    the status page polls the row. ``kind`` names a definition in ``apps.reports.registry``;
    ``params`` holds the public ids it needs (e.g. ``{"unit": "<uuid>"}``).

    Workflow: queued → running (claimed by one worker with a conditional update) → done (file and
    SHA-256 set) or failed (error set). A second run of a running, done or failed report is a no-op;
    a new generation is a new row.
    """

    kind = models.CharField(_("report"), max_length=50)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    title = models.CharField(_("title"), max_length=255)
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.QUEUED)
    file = models.FileField(_("file"), upload_to=report_upload_path, blank=True, max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    error = models.TextField(_("error"), blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("requested by")
    )
    created_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta(TenantModel.Meta):
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["-created_at"]
        constraints = [
            *TenantModel.Meta.constraints,
            models.CheckConstraint(
                condition=~Q(status=ReportStatus.DONE) | (~Q(file="") & ~Q(sha256="")),
                name="reports_report_done_has_file",
                violation_error_message=_("A finished report has its file and its hash."),
            ),
        ]
        indexes = [
            models.Index(fields=["instansi", "status"], name="reports_report_inst_status"),
            # The instansi's list, newest first.
            models.Index(fields=["instansi", "-created_at"], name="reports_report_inst_created"),
        ]

    def __str__(self) -> str:
        return self.title
