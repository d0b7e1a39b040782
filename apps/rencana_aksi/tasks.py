"""Thin Celery tasks of the rencana aksi: ids in, scope opened (TenantTask), one service call.

Beat runs ``rencana_aksi_beat`` daily; it fans out one ``rencana_aksi_sweep`` per active instansi.
Both are idempotent by construction (the sweep claims every item before sending), so ``acks_late``
is safe: a worker killed mid-sweep leaves the message to be redelivered, and the redelivered sweep
skips what was already claimed.
"""

from __future__ import annotations

import datetime
import logging

from celery import shared_task
from django.db import OperationalError

from apps.outbox.tasks import TenantTask

logger = logging.getLogger(__name__)


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
    today: str | None = None,
    units: list[list[list[int]]] | None = None,
    notification_ids: list[int] | None = None,
    report_ids: list[int] | None = None,
) -> int:
    """A few units' share of a sweep (``units``: per unit, its claim ids and plan ids): for each,
    write the messages and reports its claims promise (``rencana_aksi_deliver_claims``, one
    transaction per unit), then send its pending emails and render its reports. Each email is
    claimed ``pending → sending`` and each report ``queued → rendering`` before any work, so a
    redelivered or retried message writes, sends and renders nothing twice. One unit's failure does
    not hold up the others: it is logged, the rest are delivered, and the task then fails (a
    database error retries the whole task, which finds the done units done). Returns how many
    emails and reports this run handled. (``notification_ids``/``report_ids``: a message enqueued
    by the sweep before issue 9b, which wrote the rows itself.)"""
    from apps.notifications.services import notification_send_email
    from apps.rencana_aksi.reminders import rencana_aksi_deliver_claims
    from apps.reports.services import report_render

    day = datetime.date.fromisoformat(today) if today else datetime.date.today()  # noqa: DTZ011
    done = sum(1 for pk in notification_ids or [] if notification_send_email(notification_id=pk))
    done += sum(1 for pk in report_ids or [] if report_render(report_id=pk))
    failure: Exception | None = None
    for claim_ids, rencana_ids in units or []:
        try:
            delivery = rencana_aksi_deliver_claims(
                instansi_id=instansi_id, claim_ids=claim_ids, rencana_ids=rencana_ids, today=day
            )
            done += sum(1 for pk in delivery.notification_ids if notification_send_email(notification_id=pk))
            done += sum(1 for pk in delivery.report_ids if report_render(report_id=pk))
        except Exception as exc:  # re-raised below, after the other units
            logger.exception("rencana aksi delivery of claims %s failed", claim_ids)
            failure = failure or exc
    if failure is not None:
        raise failure
    return done
