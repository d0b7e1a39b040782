"""Thin Celery tasks for notifications: ids in, scope opened, one service call.

The services are imported inside the tasks (STYLE §4.7): ``apps.notifications.services`` imports
this module to enqueue the email task."""

from __future__ import annotations

from celery import shared_task

from apps.notifications.models import Notification, NotificationStatus
from apps.outbox.tasks import TenantTask
from apps.tenancy.rls import all_tenants


@shared_task(base=TenantTask, acks_late=True)
def notification_send_email(*, instansi_id: int, notification_id: int) -> bool:
    from apps.notifications.services import notification_send_email as send

    return send(notification_id=notification_id)


@shared_task(base=TenantTask, acks_late=True)
def notification_digest_send(*, instansi_id: int) -> int:
    from apps.notifications.services import notification_digest_send as send

    return send(instansi_id=instansi_id)


@shared_task(acks_late=True)
def notification_digest_beat() -> int:
    """Beat, daily: one digest task per instansi with notices waiting (catches up on any backlog)."""
    with all_tenants("the digest fan-out lists which instansi have notices waiting"):
        ids = list(
            Notification.unscoped.filter(status=NotificationStatus.DIGEST)
            .values_list("instansi_id", flat=True)
            .distinct()
        )
    for instansi_id in ids:
        notification_digest_send.delay(instansi_id=instansi_id)
    return len(ids)


@shared_task(acks_late=True)
def notification_reconcile_beat() -> dict[str, int]:
    """Beat, every 5 minutes: emails left "sending" by a dead worker are sent again or marked failed."""
    from apps.notifications.services import notifications_reconcile

    return notifications_reconcile()
