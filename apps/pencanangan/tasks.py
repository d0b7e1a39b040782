"""Thin Celery tasks of the pencanangan: ids in, scope opened, one service call (DESIGN §8)."""

from __future__ import annotations

from celery import shared_task

from apps.outbox.tasks import TenantTask


@shared_task(base=TenantTask, acks_late=True)
def pakta_round_dispatch(*, instansi_id: int, round_id: int) -> int:
    from apps.pencanangan.reminders import reminder_round_dispatch

    return reminder_round_dispatch(round_id=round_id)


@shared_task(base=TenantTask, acks_late=True)
def pakta_request_send(*, instansi_id: int, request_id: int) -> bool:
    from apps.pencanangan.reminders import pakta_request_send as send

    return send(request_id=request_id)


@shared_task(base=TenantTask, acks_late=True)
def pakta_link_email(*, instansi_id: int, request_id: int) -> bool:
    from apps.pencanangan.reminders import pakta_link_email_send

    return pakta_link_email_send(request_id=request_id)


@shared_task(base=TenantTask, acks_late=True)
def pakta_arrivals_sweep(*, instansi_id: int, cycle_id: int) -> int:
    from apps.pencanangan.reminders import arrivals_sweep

    return arrivals_sweep(cycle_id=cycle_id)


@shared_task(acks_late=True)
def pakta_arrivals_sweep_all() -> int:
    """Beat, daily: one sweep per open year of every instansi that is collecting signatures."""
    from apps.pencanangan.models import ReminderRound
    from apps.tenancy.rls import all_tenants

    with all_tenants("beat sweep over every instansi collecting signatures"):
        rows = ReminderRound.unscoped.filter(cycle__is_open=True).values_list("instansi_id", "cycle_id")
        pairs = list(rows.distinct())
    count = 0
    for instansi_id, cycle_id in pairs:
        pakta_arrivals_sweep.delay(instansi_id=instansi_id, cycle_id=cycle_id)
        count += 1
    return count
