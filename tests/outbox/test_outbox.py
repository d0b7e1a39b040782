"""Redis down: the user's action still succeeds, and its work runs exactly once when Redis is back.

Each test runs its own redis-server (conftest ``own_broker``) and kills it; the shared Redis on 6379
is never touched. A real Celery worker (tests/notifications/worker.py's embedded worker) consumes.
"""

from __future__ import annotations

import threading
import time

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.core import mail
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from apps.notifications.models import Channel, Notification, NotificationStatus
from apps.notifications.services import notify
from apps.outbox.models import OutboxMessage
from apps.outbox.services import Outcome, outbox_relay_one, outbox_relay_pending
from apps.reports.models import Report, ReportStatus
from apps.unit_kerja.reports import UNIT_PROFILE
from tests.conftest import World
from tests.notifications.factories import report_ready_context
from tests.notifications.worker import TaskLog
from tests.outbox.conftest import OwnRedis
from tests.reports.factories import fill_unit_profile
from zi.celery import app

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


class worker:  # used as a context manager, like start_worker
    """A real worker on the test's own broker, recording what it finished."""

    def __enter__(self) -> TaskLog:
        self.log = TaskLog()
        task_postrun.connect(self.log.record, weak=False)
        self._ctx = start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=20)
        self._ctx.__enter__()
        return self.log

    def __exit__(self, *exc: object) -> None:
        try:
            self._ctx.__exit__(*exc)
        finally:
            task_postrun.disconnect(self.log.record)


def _notify(world: World, key: str) -> list[Notification]:
    context, link = report_ready_context(world)
    return notify(
        instansi=world.instansi_a,
        recipient=world.ani,
        kind="report_ready",
        key=key,
        template="report-ready",
        context=context,
        link=link,
        channels=(Channel.EMAIL,),
    )


def _pending() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(sent_at__isnull=True))


def test_report_request_succeeds_with_redis_down_and_renders_once_when_it_is_back(
    world: World, login, in_scope, own_broker: OwnRedis
) -> None:
    fill_unit_profile(world)
    own_broker.stop()

    started = time.monotonic()
    response = login(world.ani).post(
        reverse("reports:report-create"), {"kind": UNIT_PROFILE, "unit": str(world.unit_a1.public_id)}
    )
    assert response.status_code == 302  # the user's action succeeded
    assert time.monotonic() - started < 5  # and did not hang on the dead broker
    with in_scope(world.instansi_a):
        report = Report.objects.get()
    assert report.status == ReportStatus.QUEUED
    [message] = _pending()  # the on-commit attempt failed; the work is kept
    assert message.task_name == "apps.reports.tasks.render_report"
    assert message.kwargs == {"instansi_id": world.instansi_a.pk, "report_id": report.pk}
    assert message.attempts == 1
    assert "111" in message.last_error or "refused" in message.last_error.lower()

    assert outbox_relay_pending() == 0  # the beat relay while Redis is still down: nothing lost
    assert len(_pending()) == 1

    own_broker.start()
    assert outbox_relay_pending() == 1
    assert outbox_relay_pending() == 0  # a second relay run publishes nothing again
    assert own_broker.queued() == 1
    with worker() as log:
        [run] = log.wait_for("render_report", 1)
        time.sleep(0.5)  # a duplicate, if any, would be consumed now
        assert len(log.named("render_report")) == 1
    assert run.retval is True
    with in_scope(world.instansi_a):
        report.refresh_from_db()
    assert report.status == ReportStatus.DONE
    assert report.file
    message.refresh_from_db()
    assert message.sent_at is not None
    assert own_broker.queued() == 0


def test_email_notification_survives_an_outage_and_two_racing_relays_send_it_once(
    world: World, in_scope, own_broker: OwnRedis
) -> None:
    own_broker.stop()
    with in_scope(world.instansi_a):
        [notification] = _notify(world, "outbox-outage")
    assert len(_pending()) == 1
    own_broker.start()

    # The beat relay and a late on-commit attempt at the same moment: the conditional claim lets one publish.
    results: list[object] = []
    barrier = threading.Barrier(3)

    def relay(target: object) -> None:
        barrier.wait()
        results.append(target())  # type: ignore[operator]

    pending_id = _pending()[0].pk
    threads = [
        threading.Thread(target=relay, args=(outbox_relay_pending,)),
        threading.Thread(target=relay, args=(lambda: outbox_relay_one(pending_id),)),
        threading.Thread(target=relay, args=(outbox_relay_pending,)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    published = sum(1 for r in results if r == 1 or r is Outcome.SENT)
    assert published == 1, results
    assert own_broker.queued() == 1

    mail.outbox.clear()
    with worker() as log:
        log.wait_for("notification_send_email", 1)
        time.sleep(0.5)
        assert len(log.named("notification_send_email")) == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [world.ani.email]
    with in_scope(world.instansi_a):
        notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT


def test_with_redis_up_the_on_commit_attempt_publishes_at_once(world: World, in_scope, own_broker: OwnRedis) -> None:
    with in_scope(world.instansi_a):
        _notify(world, "outbox-up")
    message = OutboxMessage.objects.get()
    assert message.sent_at is not None
    assert message.attempts == 1
    assert own_broker.queued() == 1
    call_command("outbox_relay")  # nothing left to do
    assert own_broker.queued() == 1


def test_a_rolled_back_action_leaves_no_task(world: World, in_scope, own_broker: OwnRedis) -> None:
    def failing_action() -> None:
        with in_scope(world.instansi_a), transaction.atomic():
            _notify(world, "outbox-rollback")
            raise RuntimeError("the action fails after enqueueing")

    with pytest.raises(RuntimeError):
        failing_action()
    assert not OutboxMessage.objects.exists()
    assert not Notification.unscoped.exists()
    assert own_broker.queued() == 0
