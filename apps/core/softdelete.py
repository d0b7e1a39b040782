"""Deletes that can be undone (issue 21): a soft-deletable tenant row keeps its data with
``deleted_at``/``deleted_by`` set; ``objects`` (still scoped and fail-closed) no longer returns it,
``with_deleted`` does, for the restore. Deleting and restoring are audited by the owning service.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from apps.tenancy.models import TenantManager, TenantQuerySet


class LiveTenantManager(TenantManager):
    """``Model.objects`` of a soft-deletable tenant model: the active instansi's rows not deleted."""

    def get_queryset(self) -> TenantQuerySet:
        return super().get_queryset().filter(deleted_at__isnull=True)


class SoftDeleted(models.Model):
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=_("deleted by"),
    )

    class Meta:
        abstract = True
