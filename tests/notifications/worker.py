"""A real Celery worker for tests about background work (STYLE §4.10: no eager Celery).

``running_worker`` starts Celery's embedded test worker (solo pool, in a thread of this process)
on the real Redis broker from settings, consuming this run's own queue
(``CELERY_TASK_DEFAULT_QUEUE``). Tests using it need ``django_db(transaction=True)``: the worker's
thread has its own database connection and sees only committed rows.

``TaskLog`` records every task the worker finished (name, kwargs, return value), so a test can wait
for "both messages were processed" instead of sleeping.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun

from zi.celery import app

DEADLINE_SECONDS = 30.0


def wait_until(predicate: Callable[[], bool], *, timeout: float = DEADLINE_SECONDS, what: str = "condition") -> None:
    """Poll ``predicate`` every 50 ms until it holds; fail (never hang) after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")
        time.sleep(0.05)


@dataclass
class FinishedTask:
    name: str
    kwargs: dict[str, Any]
    retval: Any


@dataclass
class TaskLog:
    finished: list[FinishedTask] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, sender: Any = None, kwargs: dict[str, Any] | None = None, retval: Any = None, **_: Any) -> None:
        with self._lock:
            self.finished.append(FinishedTask(name=sender.name, kwargs=dict(kwargs or {}), retval=retval))

    def named(self, suffix: str) -> list[FinishedTask]:
        with self._lock:
            return [task for task in self.finished if task.name.endswith(suffix)]

    def wait_for(self, suffix: str, count: int) -> list[FinishedTask]:
        """Wait until ``count`` tasks whose name ends with ``suffix`` have finished; return them."""
        wait_until(lambda: len(self.named(suffix)) >= count, what=f"{count} finished {suffix} task(s)")
        return self.named(suffix)


@pytest.fixture
def running_worker(transactional_db: None) -> Iterator[TaskLog]:
    log = TaskLog()
    task_postrun.connect(log.record, weak=False)
    # Messages left in this run's queue by earlier tests (on_commit in transactional tests) name rows
    # that no longer exist; drop them so this test's worker only sees this test's messages.
    app.control.purge()
    try:
        with start_worker(app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=20):
            yield log
    finally:
        task_postrun.disconnect(log.record)
        app.control.purge()
