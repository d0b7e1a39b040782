"""Thin Celery tasks of the pendampingan: ids in, scope opened (TenantTask), one call.

Beat runs ``pendampingan_beat``; it fans out one ``pendampingan_sweep`` per active instansi. The
sweep claims every reminder before sending, so ``acks_late`` is safe: a redelivered or retried
sweep sends nothing twice.
"""

from __future__ import annotations

import datetime

from celery import shared_task
from django.db import OperationalError

from apps.outbox.tasks import TenantTask


@shared_task(acks_late=True)
def pendampingan_beat() -> int:
    """Enqueue one sweep per active instansi (no tenant rows are read here)."""
    from apps.tenancy.models import Instansi

    ids = list(Instansi.objects.filter(is_active=True).values_list("pk", flat=True))
    for instansi_id in ids:
        pendampingan_sweep.delay(instansi_id=instansi_id)
    return len(ids)


@shared_task(base=TenantTask, acks_late=True, autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def pendampingan_sweep(*, instansi_id: int, today: str | None = None) -> dict[str, int]:
    """``today`` (ISO date) replays a given day; beat leaves it empty (the local date)."""
    from apps.pendampingan.reminders import pendampingan_sweep as sweep

    return sweep(instansi_id=instansi_id, today=datetime.date.fromisoformat(today) if today else None)
