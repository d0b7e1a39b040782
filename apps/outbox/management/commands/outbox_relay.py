"""``manage.py outbox_relay``: publish queued outbox rows now (after a broker outage, say)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from apps.outbox.services import outbox_pending_count, outbox_relay_pending


class Command(BaseCommand):
    help = "Publish the queued background tasks of the outbox to the broker."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = outbox_relay_pending()
        left = outbox_pending_count()
        self.stdout.write(f"outbox: {sent} published, {left} still queued")
