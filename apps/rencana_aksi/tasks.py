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
