"""Thin Celery tasks for reports: ids in, scope opened (TenantTask), one service call."""

from __future__ import annotations

from celery import shared_task

from apps.outbox.tasks import TenantTask


# acks_late: the claim in report_render makes a redelivered message a no-op (DESIGN §8).
@shared_task(base=TenantTask, acks_late=True)
def render_report(*, instansi_id: int, report_id: int) -> bool:
    from apps.reports.services import report_render

    return report_render(report_id=report_id)


@shared_task(acks_late=True)
def report_reconcile_beat() -> int:
    """Beat, every 5 minutes: reports whose message was lost are rendered after all."""
    from apps.reports.services import reports_reconcile

    return reports_reconcile()
