"""The Celery application.

Start a worker with ``make worker`` (``celery -A zi worker``) and the scheduler with ``make beat``.
In the embedded mode (no REDIS_URL) tasks run in-process instead.
"""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zi.settings.base")

app = Celery("zi")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
