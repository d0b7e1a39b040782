"""Thin Celery tasks for notifications: ids in, scope opened, one service call."""

from __future__ import annotations

from celery import shared_task

from apps.tenancy.tasks import TenantTask


@shared_task(base=TenantTask, acks_late=True)
def notification_send_email(*, instansi_id: int, notification_id: int) -> bool:
    from apps.notifications.services import notification_send_email as send

    return send(notification_id=notification_id)
