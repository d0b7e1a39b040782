"""The reminder delivery writes its notices with ``bulk_create`` (no signals): it forgets the
recipients' cached unread counts itself (apps/notifications/unread.py, issue 22)."""

from __future__ import annotations

import datetime

from django.test import Client
from django.urls import reverse

from apps.notifications.models import Channel, Notification
from tests.rencana_aksi.conftest import TAHUN, RAWorld
from tests.rencana_aksi.test_reminders import _prepare, _sweep


def test_reminders_written_in_bulk_reach_the_badge_on_the_next_page(ra: RAWorld) -> None:
    _prepare(ra, approved_on=datetime.date(TAHUN, 6, 15))
    client = Client()
    client.force_login(ra.sari_user)
    page = reverse("notifications:preferences")
    assert client.get(page).context["unread_count"] == 0  # cached from here on
    _sweep(ra, datetime.date(TAHUN, 6, 29))
    expected = Notification.unscoped.filter(recipient=ra.sari_user, channel=Channel.IN_APP, read_at=None).count()
    assert expected >= 1
    assert client.get(page).context["unread_count"] == expected
