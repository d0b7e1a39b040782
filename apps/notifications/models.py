"""Notifications: one row per message to one person, claimed before sending (DESIGN §8)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.tenancy.models import TenantModel


class Channel(models.TextChoices):
    EMAIL = "email", _("Email")
    IN_APP = "in_app", _("In the app")


class NotificationStatus(models.TextChoices):
    DIGEST = "digest", _("Waiting for the daily digest")
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Notification(TenantModel):
    """Notifikasi — a message to one user about one thing, in one channel.

    ``key`` makes it idempotent: ``(instansi, recipient, channel, key)`` is unique, so a retried task
    or a second beat process inserting the same reminder finds it already claimed and sends nothing.
    """

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications", verbose_name=_("recipient")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    kind = models.CharField(_("kind"), max_length=50)
    key = models.CharField(_("idempotency key"), max_length=200)
    subject = models.CharField(_("subject"), max_length=255)
    body = models.TextField(_("message"))
    body_html = models.TextField(_("message (HTML)"), blank=True)
    link = models.CharField(_("link"), max_length=500, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    error = models.TextField(_("error"), blank=True)
    # The claim of the current attempt (``pending → sending``): a row still "sending" past the task
    # time limit was abandoned by a dead worker; the redelivered task or the reconciler takes it over.
    sending_since = models.DateTimeField(_("sending since"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta(TenantModel.Meta):
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at"]
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["instansi", "recipient", "channel", "key"], name="notifications_notification_unique_key"
            ),
        ]
        indexes = [
            models.Index(fields=["instansi", "recipient", "channel", "read_at"], name="notif_inst_rcpt_unread"),
            # The reconciler's and the failures page's scan: only rows not yet final.
            models.Index(
                fields=["status", "sending_since"],
                condition=models.Q(status__in=["sending", "failed"]),
                name="notif_unfinished",
            ),
        ]

    def __str__(self) -> str:
        return self.subject


class NotificationPreference(models.Model):
    """How one person wants to be told (issue: "each person chooses email and/or in-app, and digest
    or immediate"). Per person, not per instansi: the same choice holds in every membership. No row
    means the defaults: both channels, email at once."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preference"
    )
    email = models.BooleanField(_("by email"), default=True)
    in_app = models.BooleanField(_("in the app"), default=True)
    email_digest = models.BooleanField(
        _("emails as one daily digest"),
        default=False,
        help_text=_("Instead of one email per notice, one email a day listing them."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return f"{self.user_id}: email={self.email} in_app={self.in_app} digest={self.email_digest}"
