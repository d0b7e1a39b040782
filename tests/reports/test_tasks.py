"""A real Celery worker on Redis renders reports; a task for instansi B never touches A's rows."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from apps.notifications.models import Channel, Notification, NotificationStatus
from apps.notifications.tasks import notification_send_email as notification_send_email_task
from apps.reports.models import Report, ReportStatus
from apps.reports.services import report_request, reports_reconcile
from apps.reports.tasks import render_report as render_report_task
from apps.unit_kerja.reports import UNIT_PROFILE
from tests.conftest import World
from tests.notifications.worker import TaskLog, wait_until
from tests.reports.factories import HEAD_NIP, SK_NUMBER, fill_unit_profile, pdf_text

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_worker_renders_a_requested_report(world: World, in_scope, running_worker: TaskLog) -> None:
    fill_unit_profile(world)
    with in_scope(world.instansi_a):
        report = report_request(
            actor=world.membership(world.ani), kind=UNIT_PROFILE, params={"unit": str(world.unit_a1.public_id)}
        )

    def finished() -> bool:
        with in_scope(world.instansi_a):
            report.refresh_from_db()
        return report.status in {ReportStatus.DONE, ReportStatus.FAILED}

    wait_until(finished, what="the report to be rendered")
    assert report.status == ReportStatus.DONE, report.error
    text = pdf_text(report.file.read())
    assert world.unit_a1.name in text
    assert HEAD_NIP in text
    assert SK_NUMBER in text
    [run] = running_worker.wait_for("render_report", 1)
    assert run.kwargs == {"instansi_id": world.instansi_a.pk, "report_id": report.pk}
    assert run.retval is True
    with in_scope(world.instansi_a):
        # The requester hears about it in the app.
        assert Notification.objects.filter(recipient=world.ani, channel=Channel.IN_APP).count() == 1


def test_tasks_for_instansi_b_leave_as_rows_untouched(world: World, in_scope, running_worker: TaskLog) -> None:
    report_a = Report.unscoped.create(
        instansi=world.instansi_a,
        kind=UNIT_PROFILE,
        params={"unit": str(world.unit_a1.public_id)},
        title="Profil A1",
        requested_by=world.ani,
    )
    notice_a = Notification.unscoped.create(
        instansi=world.instansi_a,
        recipient=world.ani,
        channel=Channel.EMAIL,
        kind="test",
        key="isolasi",
        subject="Rahasia A",
        body="Isi rahasia A",
    )
    # B's tasks name A's ids: inside B's scope those rows do not exist.
    render_report_task.delay(instansi_id=world.instansi_b.pk, report_id=report_a.pk)
    notification_send_email_task.delay(instansi_id=world.instansi_b.pk, notification_id=notice_a.pk)

    renders = running_worker.wait_for("render_report", 1)
    sends = running_worker.wait_for("notification_send_email", 1)
    assert [run.retval for run in renders + sends] == [False, False]
    report_a.refresh_from_db()
    notice_a.refresh_from_db()
    assert report_a.status == ReportStatus.QUEUED
    assert report_a.started_at is None
    assert not report_a.file
    assert notice_a.status == NotificationStatus.PENDING
    assert mail.outbox == []


def test_the_reconciler_renders_a_report_whose_message_was_lost(
    world: World, in_scope, running_worker: TaskLog
) -> None:
    """A report row committed while its task message was lost (Redis restarted without its AOF)
    would stay "queued" forever: a re-request returns the same queued row. The reconciler enqueues
    it again once it is older than two visibility timeouts; a fresh queued row is left alone."""
    fill_unit_profile(world)
    params = {"unit": str(world.unit_a1.public_id)}
    lost = Report.unscoped.create(
        instansi=world.instansi_a, kind=UNIT_PROFILE, params=params, title="Profil", requested_by=world.ani
    )
    fresh = Report.unscoped.create(
        instansi=world.instansi_a, kind=UNIT_PROFILE, params=params, title="Profil baru", requested_by=world.ani
    )
    Report.unscoped.filter(pk=lost.pk).update(created_at=timezone.now() - timedelta(hours=1))
    assert reports_reconcile() == 1
    [run] = running_worker.wait_for("render_report", 1)
    assert run.kwargs == {"instansi_id": world.instansi_a.pk, "report_id": lost.pk}
    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert lost.status == ReportStatus.DONE, lost.error
    assert fresh.status == ReportStatus.QUEUED
