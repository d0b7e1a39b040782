"""The admin ZI's page of undelivered emails, with a retry (issue 19 item 2)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.notifications.models import Channel, Notification, NotificationStatus
from tests.conftest import World
from tests.notifications.worker import TaskLog

pytestmark = pytest.mark.django_db


def _failed(world: World, *, subject: str = "Laporan siap: profil unit") -> Notification:
    return Notification.unscoped.create(
        instansi=world.instansi_a,
        recipient=world.ani,
        channel=Channel.EMAIL,
        kind="report_ready",
        key=f"gagal:{subject}",
        subject=subject,
        body="Isi",
        status=NotificationStatus.FAILED,
        error="550 mailbox unavailable",
        attempts=1,
    )


def test_the_admin_sees_failures_and_others_are_refused(world: World, login) -> None:
    failed = _failed(world)
    sent = _failed(world, subject="Sudah terkirim")
    Notification.unscoped.filter(pk=sent.pk).update(status=NotificationStatus.SENT)
    url = reverse("notifications:failures")
    page = login(world.citra).get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert failed.subject in html
    assert "550 mailbox unavailable" in html
    assert "Sudah terkirim" not in html
    assert reverse("notifications:failure-retry", args=[failed.public_id]) in html
    assert "Surel tidak terkirim" in html  # Indonesian by default
    for outsider in (world.ani, world.evi, world.dodi):
        assert login(outsider).get(url).status_code == 403


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_retry_sends_the_email_again_and_is_audited(world: World, login, running_worker: TaskLog) -> None:
    failed = _failed(world)
    response = login(world.citra).post(reverse("notifications:failure-retry", args=[failed.public_id]))
    assert response.status_code == 302
    [run] = running_worker.wait_for("notification_send_email", 1)
    assert run.retval is True
    failed.refresh_from_db()
    assert failed.status == NotificationStatus.SENT
    assert failed.error == ""
    assert failed.attempts == 1
    assert [m.subject for m in mail.outbox] == [f"[ZI] {failed.subject}"]
    event = AuditEvent.unscoped.get(verb="notification.retry")
    assert event.before["status"] == "failed"
    assert event.after == {"status": "pending"}


def test_only_a_failed_email_can_be_retried_and_others_cannot(world: World, login) -> None:
    failed = _failed(world)
    Notification.unscoped.filter(pk=failed.pk).update(status=NotificationStatus.SENT)
    url = reverse("notifications:failure-retry", args=[failed.public_id])
    response = login(world.citra).post(url, follow=True)
    assert "sudah dalam pengiriman atau terkirim" in response.content.decode()
    failed.refresh_from_db()
    assert failed.status == NotificationStatus.SENT
    assert not AuditEvent.unscoped.filter(verb="notification.retry").exists()
    Notification.unscoped.filter(pk=failed.pk).update(status=NotificationStatus.FAILED)
    assert login(world.ani).post(url).status_code == 403
    assert login(world.dodi).post(url).status_code == 404  # another instansi's email
    failed.refresh_from_db()
    assert failed.status == NotificationStatus.FAILED
