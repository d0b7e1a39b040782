"""The audit trail: one row per write, written by the service that made the write."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.tenancy.models import TenantModel


class AuditEvent(TenantModel):
    """Jejak audit — who did what to which object of an instansi, with the values before and after.

    Written only by ``apps.audit.services.audit_record``, called from every service that writes.
    ``object_type`` is the model label (``unit_kerja.unitkerja``) and ``object_id`` its public_id,
    so the trail survives deletion of the object.
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    actor_label = models.CharField(_("actor"), max_length=200, blank=True)
    verb = models.CharField(_("action"), max_length=60)
    object_type = models.CharField(_("object type"), max_length=100)
    object_id = models.UUIDField(_("object id"), null=True, blank=True)
    object_repr = models.CharField(_("object"), max_length=300, blank=True)
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta(TenantModel.Meta):
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["instansi", "object_type", "object_id"], name="audit_event_inst_object"),
            models.Index(fields=["instansi", "-created_at"], name="audit_event_inst_time"),
        ]

    def __str__(self) -> str:
        return f"{self.verb} {self.object_repr}"
