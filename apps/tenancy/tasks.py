"""The base class of every tenant task: opens the instansi scope from the ``instansi_id`` kwarg.

Subclasses Celery's DjangoTask so ``delay_on_commit`` stays available (DESIGN §8, STYLE §4.7).
"""

from __future__ import annotations

from typing import Any

from celery.contrib.django.task import DjangoTask

from apps.tenancy.scope import scope


class TenantTask(DjangoTask):
    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        instansi_id = kwargs.get("instansi_id")
        if instansi_id is None:
            raise TypeError(f"{self.name} must be called with instansi_id=")
        with scope(int(instansi_id)):
            return super().__call__(*args, **kwargs)
