"""Reads of notifications."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from apps.notifications.models import Channel, Notification, NotificationStatus
from apps.notifications.unread import unread_cached

if TYPE_CHECKING:
    from apps.accounts.models import User
    from apps.tenancy.models import Membership


def notification_list(*, user: User, membership: Membership) -> QuerySet[Notification]:
    if membership.instansi_id is None:
        # National accounts have no instansi, so no in-app notices (their mail still reaches them).
        return Notification.unscoped.none()
    return Notification.objects.filter(
        instansi_id=membership.instansi_id, recipient=user, channel=Channel.IN_APP
    ).order_by("-created_at")


def notification_unread_count(*, user: User, membership: Membership | None) -> int:
    """The top bar's count, from the cache (``apps.notifications.unread``: deleted on every change)."""
    if membership is None or membership.instansi_id is None:
        return 0
    return unread_cached(
        instansi_id=membership.instansi_id,
        user_id=user.pk,
        count=lambda: notification_list(user=user, membership=membership).filter(read_at__isnull=True).count(),
    )


def notification_failures(*, membership: Membership) -> QuerySet[Notification]:
    """The instansi's emails that did not reach their reader (the admin's failures page): failed, or
    still "sending" (a crash the reconciler has not resolved yet), newest first."""
    return (
        Notification.objects.filter(  # type: ignore[misc]  # no instansi: no row
            instansi_id=membership.instansi_id,
            channel=Channel.EMAIL,
            status__in=[NotificationStatus.FAILED, NotificationStatus.SENDING],
        )
        .select_related("recipient")
        .order_by("-created_at")
    )
