"""``migrate`` on a fresh PostgreSQL cluster (issue 18): no ``zi_app`` role exists yet, and a plain
``manage.py migrate`` still runs to the end and creates it (the RLS check ``tenancy.E002`` waits
while migrations are pending, instead of refusing to let migrate create what it checks).

A real cluster of its own: ``initdb`` in a temporary folder (as the ``postgres`` system user when the
suite runs as root: PostgreSQL refuses to run as root), on a free port, stopped at the end.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.ops.helpers import run_manage


def _pg_bin() -> Path:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    assert candidates, "PostgreSQL server binaries (initdb) are needed: apt-get install postgresql"
    return Path(candidates[-1]).parent


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_postgres(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def _run(args: list[str], *, check: bool = True) -> str:
    proc = subprocess.run(args, capture_output=True, text=True, check=check)  # noqa: S603 (our own arguments)
    return proc.stdout.strip()


@pytest.fixture
def fresh_cluster():
    pg = _pg_bin()
    # Not pytest's tmp_path: its parent folders are private to root, and the cluster runs as postgres.
    home = Path(tempfile.mkdtemp(prefix="zi-fresh-cluster-"))
    data = home / "data"
    if os.geteuid() == 0:
        shutil.chown(home, user="postgres")
    port = _free_port()
    try:
        _run(_as_postgres([str(pg / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"]))
        options = f"-p {port} -k {home} -c listen_addresses=127.0.0.1 -c fsync=off"
        _run(_as_postgres([str(pg / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(home / "log"), "-w", "start"]))
        _run(_as_postgres([str(pg / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "zi"]))
        yield f"postgres://postgres@127.0.0.1:{port}/zi", port
    finally:
        _run(_as_postgres([str(pg / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]), check=False)
        shutil.rmtree(home, ignore_errors=True)


def test_migrate_creates_the_app_role_on_a_fresh_cluster(fresh_cluster, tmp_path: Path) -> None:
    url, port = fresh_cluster
    psql = [str(_pg_bin() / "psql"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-tAc"]
    role = "SELECT count(*) FROM pg_roles WHERE rolname = 'zi_app'"
    assert _run([*psql, role, "zi"]) == "0"
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "zi.settings.base",
        "ZI_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": url,
        "DEBUG": "true",
    }
    proc = run_manage("migrate", "--no-input", env=env, timeout=900)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-4000:]
    assert _run([*psql, role, "zi"]) == "1"
    # And afterwards the database check is satisfied: every tenant table carries its policy.
    check = run_manage("check", "--database", "default", env=env)
    assert check.returncode == 0, check.stdout + check.stderr
