"""Helpers for the accounts tests: deliver the queued emails and follow the invitation link."""

from __future__ import annotations

import re
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from django.core import mail

from apps.notifications.models import Channel, Notification, NotificationStatus
from apps.notifications.services import notification_send_email
from apps.tenancy.models import Instansi
from apps.tenancy.scope import scope

INVITATION_LINK = re.compile(r"https?://[^\s\"<>]+/akun/undangan/[^\s\"<>]+/")


@pytest.fixture
def deliver_emails() -> Callable[[Instansi], int]:
    """Send every pending email notification of an instansi, as the Celery worker would.

    In tests the on-commit task never reaches a worker, so the send service is called directly.
    Returns how many were sent.
    """

    def deliver(instansi: Instansi) -> int:
        sent = 0
        with scope(instansi.pk):
            pending = Notification.objects.filter(channel=Channel.EMAIL, status=NotificationStatus.PENDING)
            for notification_id in list(pending.values_list("pk", flat=True)):
                sent += notification_send_email(notification_id=notification_id)
        return sent

    return deliver


def invitation_path_from(message: mail.EmailMessage) -> str:
    """The site-relative path of the set-password link in an invitation email."""
    match = INVITATION_LINK.search(message.body)
    assert match, message.body
    return urlsplit(match.group(0)).path
