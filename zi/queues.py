"""Celery queues by kind (issue 23): reports, reminders, imports and the default queue.

A WeasyPrint report takes seconds of CPU and a reminder sweep fans out thousands of small tasks; on
one queue a burst of either holds up the other. Each kind has its own queue, so each can have its own
workers (docker-compose runs one worker per queue; ``celery -A zi worker -Q <queue>``). A worker
started without ``-Q`` consumes every queue (``task_queues`` lists them all), which is what the
embedded test worker and ``make worker`` do.

Routing is by task name (``task_routes``), so it holds for ``delay()``, ``apply_async()`` and the
outbox relay alike (the relay publishes through ``Task.apply_async``/``send_task``, which consult the
same router). Every queue name carries a prefix: empty in production (the default queue keeps
Celery's name ``celery``, so messages already queued before the split are still consumed), the
test run's own ``zi-test-<pid>`` in tests, so a worker of one run never eats another run's messages.
"""

from __future__ import annotations

from typing import Any

DEFAULT = "default"
REPORTS = "reports"
REMINDERS = "reminders"
IMPORTS = "imports"
KINDS = (DEFAULT, REPORTS, REMINDERS, IMPORTS)

# Task name (or glob) → kind. Anything not listed goes to the default queue (outbox relay, beats).
ROUTES: dict[str, str] = {
    "apps.reports.tasks.*": REPORTS,  # WeasyPrint PDFs (profil unit, LHE, rekap)
    "apps.rencana_aksi.tasks.rencana_aksi_sweep": REMINDERS,
    "apps.rencana_aksi.tasks.rencana_aksi_deliver": REMINDERS,
    "apps.pendampingan.tasks.pendampingan_sweep": REMINDERS,
    "apps.pencanangan.tasks.pakta_round_dispatch": REMINDERS,
    "apps.pencanangan.tasks.pakta_request_send": REMINDERS,
    "apps.pencanangan.tasks.pakta_arrivals_sweep": REMINDERS,
    "apps.notifications.tasks.notification_send_email": REMINDERS,
    "apps.notifications.tasks.notification_digest_send": REMINDERS,
    # Bulk imports (roster, LKE workbooks) that run as tasks are named ``*_import*``.
    "apps.*.tasks.*_import*": IMPORTS,
}


def queue_name(kind: str, prefix: str = "") -> str:
    """The broker queue of ``kind``: ``celery`` / ``reports`` … without a prefix, ``<prefix>`` /
    ``<prefix>-reports`` … with one."""
    if kind not in KINDS:
        raise ValueError(f"unknown queue kind {kind!r}; one of {KINDS}")
    if not prefix:
        return "celery" if kind == DEFAULT else kind
    return prefix if kind == DEFAULT else f"{prefix}-{kind}"


def celery_queue_settings(prefix: str = "") -> tuple[str, dict[str, dict[str, str]], dict[str, dict[str, Any]]]:
    """``(task_default_queue, task_queues, task_routes)`` for the settings (CELERY_* names)."""
    queues = {queue_name(kind, prefix): {"routing_key": queue_name(kind, prefix)} for kind in KINDS}
    routes = {pattern: {"queue": queue_name(kind, prefix)} for pattern, kind in ROUTES.items()}
    return queue_name(DEFAULT, prefix), queues, routes
