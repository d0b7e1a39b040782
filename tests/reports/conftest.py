"""Fixtures of this test package: the real Celery worker (see tests/notifications/worker.py)."""

from tests.notifications.worker import running_worker

__all__ = ["running_worker"]
