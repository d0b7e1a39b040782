"""Thin Celery tasks of the rencana aksi: ids in, scope opened (TenantTask), one service call.

Beat runs ``rencana_aksi_beat`` daily; it fans out one ``rencana_aksi_sweep`` per active instansi.
Both are idempotent by construction (the sweep claims every item before sending), so ``acks_late``
is safe: a worker killed mid-sweep leaves the message to be redelivered, and the redelivered sweep
skips what was already claimed.
"""

from __future__ import annotations

import datetime

from celery import shared_task
from django.db import OperationalError

from apps.tenancy.tasks import TenantTask


@shared_task(acks_late=True)
def rencana_aksi_beat() -> int:
    """Enqueue one sweep per active instansi (no tenant rows are read here)."""
    from apps.tenancy.models import Instansi

    ids = list(Instansi.objects.filter(is_active=True).values_list("pk", flat=True))
    for instansi_id in ids:
        rencana_aksi_sweep.delay(instansi_id=instansi_id)
    return len(ids)


@shared_task(base=TenantTask, acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def rencana_aksi_sweep(*, instansi_id: int, today: str | None = None) -> dict[str, int]:
    """``today`` (ISO date) is for replaying a given day; beat leaves it empty (the local date)."""
    from apps.rencana_aksi.reminders import rencana_aksi_sweep as sweep

    return sweep(instansi_id=instansi_id, today=datetime.date.fromisoformat(today) if today else None)


@shared_task(base=TenantTask, acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def rencana_aksi_deliver(
    *,
    instansi_id: int,
    claim_ids: list[int] | None = None,
    rencana_ids: list[int] | None = None,
    today: str | None = None,
    notification_ids: list[int] | None = None,
    report_ids: list[int] | None = None,
) -> int:
    """One unit's share of a sweep: write the messages and reports its claims promise
    (``rencana_aksi_deliver_claims``), then send its pending emails and render its reports. Each
    email is claimed ``pending → sending`` and each report ``queued → rendering`` before any work,
    so a redelivered message (acks_late) writes, sends and renders nothing twice. Returns how many
    emails and reports this run handled. (``notification_ids``/``report_ids``: messages enqueued by
    the sweep before issue 9b, which wrote the rows itself.)"""
    from apps.notifications.services import notification_send_email
    from apps.rencana_aksi.reminders import rencana_aksi_deliver_claims
    from apps.reports.services import report_render

    notification_ids = list(notification_ids or [])
    report_ids = list(report_ids or [])
    if claim_ids:
        delivery = rencana_aksi_deliver_claims(
            instansi_id=instansi_id,
            claim_ids=claim_ids,
            rencana_ids=list(rencana_ids or []),
            today=datetime.date.fromisoformat(today) if today else datetime.date.today(),  # noqa: DTZ011
        )
        notification_ids += delivery.notification_ids
        report_ids += delivery.report_ids
    done = sum(1 for pk in notification_ids if notification_send_email(notification_id=pk))
    return done + sum(1 for pk in report_ids if report_render(report_id=pk))
