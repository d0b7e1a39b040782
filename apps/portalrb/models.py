"""PortalRB access: one bearer token per instansi (stored hashed) and a log of every fetch."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from apps.tenancy.models import TenantModel


class PortalRBToken(TenantModel):
    """Token PortalRB — the bearer token KemenPANRB's PortalRB uses to pull this instansi's proposals.

    Only the SHA-256 of the token is stored; the token itself is shown once, when issued. Issuing a
    new token revokes the previous one, so at most one token per instansi is active.
    """

    key_hash = models.CharField(_("token hash (SHA-256)"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("token prefix"), max_length=16, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta(TenantModel.Meta):
        verbose_name = _("PortalRB token")
        verbose_name_plural = _("PortalRB tokens")
        ordering = ["-created_at"]
        constraints = [
            *TenantModel.Meta.constraints,
            models.UniqueConstraint(
                fields=["instansi"],
                condition=Q(revoked_at__isnull=True),
                name="portalrb_token_one_active_per_instansi",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.instansi_id})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class PortalRBFetch(TenantModel):
    """Log pengambilan — one authenticated request of PortalRB to the provider API."""

    token = models.ForeignKey(PortalRBToken, on_delete=models.PROTECT, related_name="fetches", verbose_name=_("token"))
    endpoint = models.CharField(_("endpoint"), max_length=40)
    path = models.CharField(_("path"), max_length=300)
    status_code = models.PositiveSmallIntegerField(_("status"))
    remote_addr = models.GenericIPAddressField(_("remote address"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"))
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta(TenantModel.Meta):
        verbose_name = _("PortalRB fetch")
        verbose_name_plural = _("PortalRB fetches")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["instansi", "-created_at"], name="portalrb_fetch_inst_time")]

    def __str__(self) -> str:
        return f"{self.endpoint} {self.status_code}"
