"""Real Celery workers in their own processes, for fault drills: started like ``make worker`` and
killed like a crashed host (SIGKILL to the whole process group, pool children included).

A worker runs the production settings (``zi.settings.base``) against this test run's database, a
Redis the test started itself (never the shared one: a short visibility timeout there would hand
other runs' messages around) and the test's SMTP catcher. It consumes every queue of this run
(``zi.queues``: default, reports, reminders, imports, all under the run's ``zi-test-<pid>`` prefix,
passed as ``ZI_QUEUE_PREFIX``), so a task reaches it whatever queue its name routes it to, and the
tasks it publishes itself are routed to this run's queues too.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection

from tests.notifications.worker import wait_until
from tests.ops.helpers import ROOT
from zi.queues import KINDS, queue_name

# The drills run with a short task time limit; the settings derive the visibility timeout from it.
TIME_LIMIT = 5
VISIBILITY = TIME_LIMIT * 6 // 5
RESTORE_INTERVAL = 10  # CELERY_BROKER_TRANSPORT_OPTIONS["unacked_restore_interval"]


def database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@dataclass
class WorkerProcess:
    name: str
    process: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_ready(self, timeout: float = 90) -> None:
        def ready() -> bool:
            if self.process.poll() is not None:
                raise AssertionError(f"worker {self.name} exited:\n{self.output()[-3000:]}")
            return " ready." in self.output()

        wait_until(ready, timeout=timeout, what=f"worker {self.name} to be ready")

    def kill(self) -> None:
        """``kill -9`` of the worker and its pool: no shutdown, no acknowledgement, no cleanup."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=20)

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


def queue_prefix() -> str:
    """This run's queue prefix: the test settings name the default queue after it (``zi.queues``)."""
    return settings.CELERY_TASK_DEFAULT_QUEUE


def start_worker(name: str, *, broker_url: str, smtp_port: int, workdir: Path, **extra_env: str) -> WorkerProcess:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(workdir),
        "DJANGO_SETTINGS_MODULE": "zi.settings.base",
        "ZI_QUEUE_PREFIX": queue_prefix(),  # this run's queues and routes, never production's
        "DATABASE_URL": database_url(),
        "REDIS_URL": broker_url,
        "ZI_VAR_DIR": str(workdir / "var"),
        "ZI_TASK_TIME_LIMIT": str(TIME_LIMIT),
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp_port),
        "SITE_URL": settings.SITE_URL,
        **extra_env,
    }
    log = workdir / f"worker-{name}.log"
    queues = [queue_name(kind, queue_prefix()) for kind in KINDS]
    assert set(queues) == set(settings.CELERY_TASK_QUEUES), "the drill worker must consume every queue of the run"
    command = [
        sys.executable, "-m", "celery", "-A", "zi", "worker", "-n", f"{name}@%h",
        "-Q", ",".join(queues), "-c", "1", "-P", "prefork",
        "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO",
    ]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 (our interpreter, Celery's CLI, our arguments)
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    return WorkerProcess(name=name, process=process, log=log)


def elapsed_since(start: float) -> float:
    return time.monotonic() - start
