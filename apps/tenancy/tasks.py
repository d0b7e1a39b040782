"""The base class of every tenant task: opens the instansi scope from the ``instansi_id`` kwarg.

Subclasses the outbox's task class (Celery's DjangoTask), so ``delay_on_commit`` is the shared way to
enqueue (DESIGN §8, STYLE §4.7) and writes an outbox row in the caller's transaction: the work
survives a broker outage (apps/outbox/services.py).
"""

from __future__ import annotations

from typing import Any

from apps.outbox.tasks import OutboxTask
from apps.tenancy.scope import scope


class TenantTask(OutboxTask):
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        instansi_id = kwargs.get("instansi_id")
        if instansi_id is None:
            raise TypeError(f"{self.name} must be called with instansi_id=")
        with scope(int(instansi_id)):
            return super().__call__(*args, **kwargs)
