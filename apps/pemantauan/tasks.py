"""Thin Celery tasks of the monitoring after the predikat: the daily sweep fans out one evaluation
per instansi holding a standing predikat (idempotent: a warning is one row per predikat, year, kind)."""

from __future__ import annotations

from celery import shared_task

from apps.outbox.tasks import TenantTask


@shared_task(base=TenantTask, acks_late=True)
def pemantauan_evaluate_task(*, instansi_id: int, tahun: int) -> int:
    from apps.pemantauan.services import pemantauan_evaluate

    return len(pemantauan_evaluate(instansi_id=instansi_id, tahun=tahun))


@shared_task(acks_late=True)
def pemantauan_beat() -> int:
    """Beat, daily: evaluate this year for every instansi with a standing WBK/WBBM predikat."""
    from django.utils import timezone

    from apps.pengusulan.models import PredikatUnit
    from apps.tenancy.rls import all_tenants

    with all_tenants("the monitoring sweep lists which instansi hold a predikat"):
        ids = sorted(set(PredikatUnit.unscoped.filter(revoked_at__isnull=True).values_list("instansi_id", flat=True)))
    tahun = timezone.localdate().year
    for instansi_id in ids:
        pemantauan_evaluate_task.delay(instansi_id=instansi_id, tahun=tahun)
    return len(ids)
