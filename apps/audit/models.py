"""The audit trail: one row per write, written by the service that made the write."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.audit import verbs
from apps.tenancy.models import TenantModel


class AuditEvent(TenantModel):
    """Jejak audit — who did what to which object of an instansi, with the values before and after.

    Written only by ``apps.audit.services.audit_record``, called from every service that writes.
    Append-only and tamper-evident: rows are hash-chained per instansi (``seq``, ``prev_hash``,
    ``hash``), PostgreSQL refuses UPDATE and DELETE, and ``manage.py audit_verify`` walks the chains.
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
    # Set by audit_record before hashing (not auto_now_add: the hash must cover the stored value).
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    # The hash chain (apps.audit.chain): position in the instansi's chain, the previous row's hash,
    # and this row's hash. A database trigger refuses UPDATE and DELETE (migration 0006).
    seq = models.PositiveBigIntegerField(_("sequence"))
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    class Meta(TenantModel.Meta):
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["instansi", "object_type", "object_id"], name="audit_event_inst_object"),
            models.Index(fields=["instansi", "-created_at"], name="audit_event_inst_time"),
        ]
        constraints = [
            *TenantModel.Meta.constraints,
            # Two writers that forked the chain would collide here instead of silently forking.
            models.UniqueConstraint(fields=["instansi", "seq"], name="audit_event_inst_seq"),
        ]

    @property
    def verb_label(self) -> str:
        """The action in the reader's language ("Mengundang pengguna", not ``membership.invite``)."""
        return verbs.verb_label(self.verb)

    def __str__(self) -> str:
        return f"{self.verb} {self.object_repr}"
