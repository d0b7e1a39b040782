"""The embedded mode (``make run``: SQLite, tasks in-process) runs the periodic jobs too. The
reminder sweep writes its claims with raw SQL, one form per database; this runs the SQLite form on
the demo world in a fresh process (settings are read once per process)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.ops.helpers import ROOT

SWEEP = """
import datetime, json
from apps.notifications.models import Notification
from apps.rencana_aksi.models import PengingatKlaim
from apps.rencana_aksi.reminders import rencana_aksi_sweep
from apps.tenancy.models import Instansi
from apps.tenancy.scope import scope
day = datetime.date(2026, 12, 4)
runs = []
for _ in range(2):
    counts = {}
    for instansi in Instansi.objects.order_by("pk"):
        with scope(instansi.pk):
            for kind, n in rencana_aksi_sweep(instansi_id=instansi.pk, today=day).items():
                counts[str(kind)] = counts.get(str(kind), 0) + n
    runs.append(counts)
print(json.dumps({
    "runs": runs,
    "claims": PengingatKlaim.unscoped.count(),
    "notifications": Notification.unscoped.filter(kind__startswith="rencana_aksi_").count(),
}))
"""


def test_the_reminder_sweep_runs_in_the_embedded_mode(tmp_path: Path) -> None:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "zi.settings.base",
        "ZI_VAR_DIR": str(tmp_path / "var"),
        "DEBUG": "true",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
    }

    def manage(*args: str) -> str:
        done = subprocess.run(  # noqa: S603
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    manage("migrate", "--noinput")
    manage("seed_demo")
    result = json.loads(manage("shell", "-c", SWEEP).strip().splitlines()[-1])
    first, second = result["runs"]
    assert sum(first.values()) == result["claims"] > 0  # claimed on SQLite's own insert form
    assert second == {}  # the same day again: every claim already taken
    assert result["notifications"] > 0  # the delivery tasks ran in-process and wrote the messages
