"""The transactional outbox: background work recorded in the user's own transaction (issue 8 item 8).

Not a tenant table: a row names a task and its keyword arguments (tenant tasks carry their
``instansi_id`` there and open the scope themselves when they run); only the relay reads the table,
across instansi, like a management command.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OutboxMessage(models.Model):
    """One Celery task to publish. ``sent_at`` null: not yet handed to the broker.

    ``claimed_until`` is a short lease taken by a conditional UPDATE before publishing, so the
    on-commit attempt and the beat relay never publish the same row twice (a relay that dies after
    publishing and before marking the row leaves a lease that expires: the row is published again
    and the idempotent consumer, DESIGN §8, makes the repeat a no-op).
    """

    task_name = models.CharField(_("task"), max_length=200)
    args = models.JSONField(_("positional arguments"), default=list, blank=True)
    kwargs = models.JSONField(_("keyword arguments"), default=dict, blank=True)
    options = models.JSONField(_("publishing options"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    claimed_until = models.DateTimeField(_("claimed until"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("outbox message")
        verbose_name_plural = _("outbox messages")
        indexes = [
            # The relay's scan: only unsent rows, oldest first (a small partial index).
            models.Index(fields=["id"], condition=Q(sent_at__isnull=True), name="outbox_pending_idx"),
            models.Index(fields=["sent_at"], condition=Q(sent_at__isnull=False), name="outbox_sent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.task_name} #{self.pk}"
