"""The task base classes — the outbox's, and the tenant task built on it — and the outbox's beat relay."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from celery.contrib.django.task import DjangoTask

from apps.outbox.services import outbox_enqueue, outbox_relay_pending
from apps.tenancy.scope import scope


class OutboxTask(DjangoTask[Any, Any]):
    """``delay_on_commit`` / ``apply_async_on_commit`` write an outbox row in the caller's transaction
    instead of publishing after the commit (apps/outbox/services.py says why)."""

    # Both return None where Celery returns an AsyncResult: the task is only written down, not sent yet.
    def delay_on_commit(self, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        self.apply_async_on_commit(args, kwargs)

    def apply_async_on_commit(self, args: Any = None, kwargs: Any = None, **options: Any) -> None:  # type: ignore[override]
        outbox_enqueue(self.name, args=tuple(args or ()), kwargs=dict(kwargs or {}), options=options)


class TenantTask(OutboxTask):
    """The base class of every tenant task: opens the instansi scope from the ``instansi_id`` kwarg.

    Built on :class:`OutboxTask`, so ``delay_on_commit`` is the shared way to enqueue (DESIGN §8,
    STYLE §4.7) and writes an outbox row in the caller's transaction: the work survives a broker
    outage (apps/outbox/services.py)."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        instansi_id = kwargs.get("instansi_id")
        if instansi_id is None:
            raise TypeError(f"{self.name} must be called with instansi_id=")
        with scope(int(instansi_id)):
            return super().__call__(*args, **kwargs)


@shared_task(acks_late=True, ignore_result=True)
def outbox_relay() -> int:
    """Beat: publish what the on-commit attempts could not (the broker was down, a process died)."""
    return outbox_relay_pending()
