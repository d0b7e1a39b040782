"""A real Celery worker sends a notification email exactly once, however often it is enqueued."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.core import mail
from django.utils.html import escape

from apps.notifications.models import Channel, Notification, NotificationStatus
from apps.notifications.services import notify
from apps.notifications.tasks import notification_send_email as notification_send_email_task
from tests.conftest import World
from tests.notifications.factories import report_ready_context
from tests.notifications.worker import TaskLog

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_email_enqueued_twice_is_sent_once(world: World, in_scope, running_worker: TaskLog) -> None:
    context, link = report_ready_context(world)
    with in_scope(world.instansi_a):
        # notify enqueues the send on commit; a duplicate message (a retry, a second beat) follows.
        [notification] = notify(
            instansi=world.instansi_a,
            recipient=world.ani,
            kind="report_ready",
            key="laporan-siap:1",
            template="report-ready",
            context=context,
            link=link,
            channels=(Channel.EMAIL,),
        )
    notification_send_email_task.delay(instansi_id=world.instansi_a.pk, notification_id=notification.pk)

    runs = running_worker.wait_for("notification_send_email", 2)
    assert sorted(run.retval for run in runs) == [False, True]
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [world.ani.email]
    assert context["report"].title in message.subject
    # Both parts carry the report's title (escaped in HTML: it holds a "&") and the absolute link.
    title = context["report"].title
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert title in message.body
    assert escape(title) in html
    assert title not in html
    for part in (message.body, html):
        assert f"{settings.SITE_URL}{link}" in part
    notification.refresh_from_db()
    assert notification.status == NotificationStatus.SENT
    assert notification.sent_at is not None
    with in_scope(world.instansi_a):
        assert Notification.objects.count() == 1
