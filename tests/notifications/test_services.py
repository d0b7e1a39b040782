"""notify: one row per channel per key (idempotent), rendered from the email templates."""

from __future__ import annotations

from django.core import mail

from apps.accounts.models import User
from apps.notifications.models import Channel, Notification, NotificationStatus
from apps.notifications.services import (
    notification_digest_send,
    notification_mark_read,
    notification_preference_set,
    notification_send_email,
    notify,
)
from apps.outbox.models import OutboxMessage
from apps.outbox.services import outbox_relay_one
from tests.conftest import World
from tests.factories import UserFactory
from tests.notifications.factories import REPORT_TITLE, report_ready_context


def notify_ready(world: World, recipient: User, *, key: str = "laporan-siap:1") -> list[Notification]:
    context, link = report_ready_context(world)
    return notify(
        instansi=world.instansi_a,
        recipient=recipient,
        kind="report_ready",
        key=key,
        template="report-ready",
        context=context,
        link=link,
    )


def test_notify_twice_with_the_same_key_makes_one_row_per_channel(
    world: World, in_scope, django_capture_on_commit_callbacks
) -> None:
    with in_scope(world.instansi_a), django_capture_on_commit_callbacks() as callbacks:
        first = notify_ready(world, world.ani)
        second = notify_ready(world, world.ani)
        rows = list(Notification.objects.filter(recipient=world.ani).order_by("channel"))
    assert sorted(n.channel for n in first) == [Channel.EMAIL, Channel.IN_APP]
    assert second == []
    assert [n.channel for n in rows] == [Channel.EMAIL, Channel.IN_APP]
    # Only the first call enqueued an email (the other callbacks forget the cached unread count).
    relays = [c for c in callbacks if getattr(c, "func", None) is outbox_relay_one]
    assert len(relays) == 1
    # The task is an outbox row of the same transaction; the callback publishes that row (apps/outbox).
    [message] = OutboxMessage.objects.all()
    assert message.task_name == "apps.notifications.tasks.notification_send_email"
    assert message.kwargs == {"instansi_id": world.instansi_a.pk, "notification_id": rows[0].pk}
    assert callbacks[0].args == (message.pk,)


def test_another_key_is_another_notification(world: World, in_scope) -> None:
    with in_scope(world.instansi_a):
        notify_ready(world, world.ani, key="laporan-siap:1")
        notify_ready(world, world.ani, key="laporan-siap:2")
        assert Notification.objects.filter(recipient=world.ani).count() == 4


def test_in_app_row_is_delivered_at_once_and_email_waits_for_the_worker(world: World, in_scope) -> None:
    with in_scope(world.instansi_a):
        rows = {n.channel: n for n in notify_ready(world, world.ani)}
    in_app, email = rows[Channel.IN_APP], rows[Channel.EMAIL]
    assert in_app.status == NotificationStatus.SENT
    assert in_app.read_at is None
    assert REPORT_TITLE in in_app.subject
    assert REPORT_TITLE in in_app.body
    assert in_app.body_html == ""  # the in-app list shows the plain text
    assert email.status == NotificationStatus.PENDING
    assert "<html" in email.body_html


def test_recipient_without_email_gets_only_the_in_app_notice(world: World, in_scope) -> None:
    nobody = UserFactory(email="tanpa-surel@alfa.go.id")
    User.objects.filter(pk=nobody.pk).update(email="")
    nobody.refresh_from_db()
    with in_scope(world.instansi_a):
        created = notify_ready(world, nobody)
    assert [n.channel for n in created] == [Channel.IN_APP]


def test_send_email_claims_once(world: World, in_scope) -> None:
    with in_scope(world.instansi_a):
        email = next(n for n in notify_ready(world, world.ani) if n.channel == Channel.EMAIL)
        assert notification_send_email(notification_id=email.pk) is True
        assert notification_send_email(notification_id=email.pk) is False
        email.refresh_from_db()
    assert email.status == NotificationStatus.SENT
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject.startswith("[ZI] ")


def test_mark_read_sets_the_time_once(world: World, in_scope) -> None:
    with in_scope(world.instansi_a):
        in_app = next(n for n in notify_ready(world, world.ani) if n.channel == Channel.IN_APP)
        first = notification_mark_read(notification=in_app).read_at
        again = notification_mark_read(notification=in_app).read_at
    assert first is not None
    assert again == first


def test_preferences_choose_the_channels_and_a_digest_bundles_the_emails(world: World, in_scope) -> None:
    context, link = report_ready_context(world)
    with in_scope(world.instansi_a):
        # In the app only: no email row at all.
        notification_preference_set(user=world.ani, email=False, in_app=True, email_digest=False)
        rows = notify(
            instansi=world.instansi_a,
            recipient=world.ani,
            kind="report_ready",
            key="pref:1",
            template="report-ready",
            context=context,
            link=link,
        )
        assert [row.channel for row in rows] == [Channel.IN_APP]
        # An email-only notice is still delivered (a preference never drops a message).
        [only] = notify(
            instansi=world.instansi_a,
            recipient=world.ani,
            kind="report_ready",
            key="pref:2",
            template="report-ready",
            context=context,
            link=link,
            channels=(Channel.EMAIL,),
        )
        assert only.channel == Channel.EMAIL
        # A daily digest: the emails wait, then go out as one, exactly once.
        notification_preference_set(user=world.budi, email=True, in_app=False, email_digest=True)
        for key in ("digest:1", "digest:2"):
            [row] = notify(
                instansi=world.instansi_a,
                recipient=world.budi,
                kind="report_ready",
                key=key,
                template="report-ready",
                context=context,
                link=link,
            )
            assert row.status == NotificationStatus.DIGEST
        mail.outbox.clear()
        assert notification_digest_send(instansi_id=world.instansi_a.pk) == 1
        assert notification_digest_send(instansi_id=world.instansi_a.pk) == 0
    [message] = mail.outbox
    assert message.to == [world.budi.email]
    assert message.body.count(f"{link}") == 2
    assert set(Notification.unscoped.filter(recipient=world.budi).values_list("status", flat=True)) == {
        NotificationStatus.SENT
    }
