"""The outbox's task base class and its beat relay."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.contrib.django.task import DjangoTask


class OutboxTask(DjangoTask[Any, Any]):
    """``delay_on_commit`` / ``apply_async_on_commit`` write an outbox row in the caller's transaction
    instead of publishing after the commit (apps/outbox/services.py says why)."""

    # Both return None where Celery returns an AsyncResult: the task is only written down, not sent yet.
    def delay_on_commit(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        self.apply_async_on_commit(args, kwargs)

    def apply_async_on_commit(self, args: Any = None, kwargs: Any = None, **options: Any) -> None:  # type: ignore[override]
        from apps.outbox.services import outbox_enqueue

        outbox_enqueue(self.name, args=tuple(args or ()), kwargs=dict(kwargs or {}), options=options)


@shared_task(acks_late=True, ignore_result=True)
def outbox_relay() -> int:
    """Beat: publish what the on-commit attempts could not (the broker was down, a process died)."""
    from apps.outbox.services import outbox_relay_pending

    return outbox_relay_pending()
