"""Crash drills on the notification email (issue 19 items 1 and 2): a real worker killed with SIGKILL.

* Killed mid-send (the mail server has not accepted the message): the broker hands the message to
  another worker once the visibility timeout (derived from the task time limit) has passed — within
  seconds here, minutes in production, never Redis's default hour — and that worker sends it.
* Killed between the send and the mark (the mail went out, the row still says "sending"): even with
  the broker's message lost, the reconciler takes the row over and sends it again with the same
  Message-ID, and the row ends "sent".
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import redis
from django.test import override_settings

from apps.notifications.models import Channel, Notification, NotificationStatus
from apps.notifications.services import message_id_for, notifications_reconcile, notify
from tests.conftest import World
from tests.faults.smtp import SmtpCatcher
from tests.faults.workers import RESTORE_INTERVAL, TIME_LIMIT, VISIBILITY, start_worker
from tests.notifications.factories import report_ready_context
from tests.notifications.worker import wait_until
from tests.outbox.conftest import OwnRedis

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]

# Redelivery bound of the drill: the visibility timeout, one restore sweep, and a worker's start-up
# (generous: the whole suite may share two cores).
BOUND = VISIBILITY + RESTORE_INTERVAL + 60


def _email_notice(world: World, in_scope, key: str) -> Notification:
    context, link = report_ready_context(world)
    with in_scope(world.instansi_a):
        [notification] = notify(
            instansi=world.instansi_a,
            recipient=world.ani,
            kind="report_ready",
            key=key,
            template="report-ready",
            context=context,
            link=link,
            channels=(Channel.EMAIL,),
        )
    return notification


def _status(notification: Notification) -> str:
    notification.refresh_from_db()
    return notification.status


def test_a_task_of_a_killed_worker_finishes_on_another_within_the_bound(
    world: World, in_scope, own_broker: OwnRedis, tmp_path: Path
) -> None:
    with SmtpCatcher(hold="data") as smtp:
        first = start_worker("first", broker_url=own_broker.url, smtp_port=smtp.port, workdir=tmp_path)
        second = None
        try:
            first.wait_ready()
            notification = _email_notice(world, in_scope, "laporan-siap:kill")
            wait_until(smtp.held.is_set, what="the first worker to be inside the SMTP conversation")
            assert _status(notification) == NotificationStatus.SENDING
            first.kill()
            killed_at = time.monotonic()
            second = start_worker("second", broker_url=own_broker.url, smtp_port=smtp.port, workdir=tmp_path)
            wait_until(
                lambda: _status(notification) == NotificationStatus.SENT,
                timeout=BOUND,
                what=f"the task to finish on the second worker within {BOUND}s",
            )
            took = time.monotonic() - killed_at
        finally:
            first.kill()
            if second is not None:
                second.stop()
    assert took >= VISIBILITY - 1  # not before the visibility timeout: the first worker could still be alive
    [delivered] = smtp.accepted()
    assert delivered["Message-ID"] == message_id_for(notification)
    assert delivered["To"] == world.ani.email
    # The first attempt never got its 250: it is the same message, with the same Message-ID.
    [lost] = smtp.unconfirmed()
    assert lost["Message-ID"] == delivered["Message-ID"]
    notification.refresh_from_db()
    assert notification.attempts == 2
    assert notification.sent_at is not None
    assert "notification_send_email" in second.output()


def test_the_reconciler_resolves_a_row_a_kill_left_sending(
    world: World, in_scope, own_broker: OwnRedis, tmp_path: Path
) -> None:
    with SmtpCatcher(hold="quit") as smtp:
        first = start_worker("first", broker_url=own_broker.url, smtp_port=smtp.port, workdir=tmp_path)
        second = None
        try:
            first.wait_ready()
            notification = _email_notice(world, in_scope, "laporan-siap:mark")
            wait_until(smtp.held.is_set, what="the mail to be accepted and the worker waiting at QUIT")
            assert len(smtp.accepted()) == 1
            first.kill()
            # The crash left the row "sending" although the mail went out.
            assert _status(notification) == NotificationStatus.SENDING
            # And the broker's copy is gone too (a Redis restarted without its append-only file):
            # only the reconciler can finish the row now.
            client = redis.Redis(port=own_broker.port)
            client.delete("unacked", "unacked_index")
            client.close()
            with override_settings(CELERY_TASK_TIME_LIMIT=TIME_LIMIT):
                assert notifications_reconcile() == {"again": 0, "failed": 0}  # not before the lease ran out
                time.sleep(TIME_LIMIT + 0.5)
                assert notifications_reconcile() == {"again": 1, "failed": 0}
            second = start_worker("second", broker_url=own_broker.url, smtp_port=smtp.port, workdir=tmp_path)
            wait_until(lambda: _status(notification) == NotificationStatus.SENT, timeout=60, what="the resend")
        finally:
            first.kill()
            if second is not None:
                second.stop()
    first_copy, second_copy = smtp.accepted()
    assert first_copy["Message-ID"] == second_copy["Message-ID"] == message_id_for(notification)
    notification.refresh_from_db()
    assert notification.attempts == 2
    assert notification.error == ""


@pytest.mark.django_db(transaction=True)
def test_the_reconciler_gives_up_after_the_last_attempt_and_says_why(world: World, in_scope) -> None:
    notification = _email_notice(world, in_scope, "laporan-siap:menyerah")
    past = notification.created_at.replace(year=notification.created_at.year - 1)
    Notification.unscoped.filter(pk=notification.pk).update(
        status=NotificationStatus.SENDING, sending_since=past, attempts=3
    )
    assert notifications_reconcile() == {"again": 0, "failed": 1}
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.FAILED
    assert "3 attempts" in notification.error
