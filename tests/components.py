"""Real components that the scale tests start for themselves (issue 23), each on a free port of
127.0.0.1, in a temporary directory, and stopped (by its own process id) afterwards:

* :class:`PgBouncer` — Debian's pgbouncer in front of the shared PostgreSQL (scripts/ensure_pgbouncer.sh);
* :class:`StreamingReplica` — a primary cluster and a hot-standby streaming replica of it, built with
  the machine's PostgreSQL binaries (initdb, pg_basebackup); the shared server on 5432 is not touched;
* :class:`MotoS3` — moto's S3 protocol server (``moto_server``, requirements-dev.txt);
* :class:`HAProxy` — Debian's haproxy in front of web nodes (scripts/ensure_haproxy.sh).

The servers that refuse to run as root (pgbouncer, postgres) run as the ``postgres`` OS user.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

START_SECONDS = 60.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def port_open(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def wait_for(predicate: Callable[[], bool], *, what: str, process: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + START_SECONDS
    while not predicate():
        if process is not None and process.poll() is not None:
            raise AssertionError(f"{what}: the process exited with {process.returncode}")
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def postgres_owned_dir(prefix: str) -> Path:
    """A fresh temporary directory the ``postgres`` OS user owns (when we are root)."""
    path = Path(tempfile.mkdtemp(prefix=prefix))
    path.chmod(0o700)
    if os.geteuid() == 0:
        user = pwd.getpwnam("postgres")
        os.chown(path, user.pw_uid, user.pw_gid)
    return path


def as_postgres() -> dict[str, Any]:
    """Popen/run arguments that start a process as the ``postgres`` OS user when we are root (no
    wrapper process in between: our signals reach the server itself)."""
    if os.geteuid() != 0:
        return {}
    user = pwd.getpwnam("postgres")
    return {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": [], "env": {**os.environ, "HOME": user.pw_dir}}


def stop(process: subprocess.Popen[bytes] | None, sig: int = signal.SIGTERM) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(sig)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=10)


# -----------------------------------------------------------------------------
# pgbouncer
# -----------------------------------------------------------------------------


@dataclass
class PgBouncer:
    """pgbouncer in front of ``upstream_port`` (every database name passes through), trust auth."""

    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="zi-pgbouncer-")))
    upstream_port: int = 5432
    pool_mode: str = "transaction"
    pool_size: int = 1
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> PgBouncer:
        executable = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
        assert Path(executable).exists(), "pgbouncer is missing: run `make test` (scripts/ensure_pgbouncer.sh)"
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.workdir.chmod(0o755)
        users = self.workdir / "userlist.txt"
        users.write_text('"postgres" ""\n', encoding="utf-8")
        config = self.workdir / "pgbouncer.ini"
        config.write_text(
            "\n".join(
                [
                    "[databases]",
                    f"* = host=127.0.0.1 port={self.upstream_port}",
                    "[pgbouncer]",
                    "listen_addr = 127.0.0.1",
                    f"listen_port = {self.port}",
                    "unix_socket_dir =",
                    "auth_type = trust",
                    f"auth_file = {users}",
                    f"pool_mode = {self.pool_mode}",
                    f"default_pool_size = {self.pool_size}",
                    "max_client_conn = 200",
                    "ignore_startup_parameters = extra_float_digits,options",
                    "",
                ]
            ),
            encoding="utf-8",
        )
        log = (self.workdir / "pgbouncer.out").open("wb")
        user = ["-u", "postgres"] if os.geteuid() == 0 else []
        self.process = subprocess.Popen([executable, *user, str(config)], stdout=log, stderr=log)  # noqa: S603
        wait_for(lambda: port_open(self.port), what=f"pgbouncer on {self.port}", process=self.process)
        return self

    def stop(self) -> None:
        stop(self.process)
        self.process = None
        shutil.rmtree(self.workdir, ignore_errors=True)


# -----------------------------------------------------------------------------
# PostgreSQL primary + streaming replica
# -----------------------------------------------------------------------------


def postgres_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    assert found, "PostgreSQL server binaries are missing (/usr/lib/postgresql/*/bin)"
    return Path(found[-1]).parent


@dataclass
class PostgresCluster:
    datadir: Path
    port: int
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        log = (self.datadir.parent / f"postgres-{self.port}.log").open("ab")
        command = [str(postgres_bin() / "postgres"), "-D", str(self.datadir), "-p", str(self.port)]
        self.process = subprocess.Popen(command, stdout=log, stderr=log, cwd=self.datadir.parent, **as_postgres())  # noqa: S603
        wait_for(self.accepts, what=f"PostgreSQL on {self.port}", process=self.process)

    def accepts(self) -> bool:
        proc = subprocess.run(  # noqa: S603
            [str(postgres_bin() / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), "-q"], check=False
        )
        return proc.returncode == 0

    def stop(self) -> None:
        # SIGINT: PostgreSQL's "fast" shutdown.
        stop(self.process, signal.SIGINT)
        self.process = None

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"


@dataclass
class StreamingReplica:
    """A throw-away primary (initdb, trust on 127.0.0.1) and a hot standby streaming from it."""

    root: Path = field(default_factory=lambda: postgres_owned_dir("zi-replica-"))
    primary: PostgresCluster | None = None
    replica: PostgresCluster | None = None

    def _run(self, *command: str) -> None:
        proc = subprocess.run(  # noqa: S603
            list(command), capture_output=True, text=True, check=False, cwd=self.root, **as_postgres()
        )
        assert proc.returncode == 0, f"{command[0]} failed: {proc.stdout}{proc.stderr}"

    def start(self) -> StreamingReplica:
        bin_dir = postgres_bin()
        primary_dir = self.root / "primary"
        self._run(
            str(bin_dir / "initdb"), "-D", str(primary_dir), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"
        )
        with (primary_dir / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write(
                "listen_addresses = '127.0.0.1'\nunix_socket_directories = ''\nwal_level = replica\n"
                "max_wal_senders = 4\nfsync = off\nfull_page_writes = off\n"
                "shared_buffers = 32MB\nmax_connections = 60\nTimeZone = 'UTC'\n"
            )
        with (primary_dir / "pg_hba.conf").open("a", encoding="utf-8") as hba:
            hba.write("host replication postgres 127.0.0.1/32 trust\n")
        self.primary = PostgresCluster(primary_dir, free_port())
        self.primary.start()
        replica_dir = self.root / "replica"
        self._run(
            str(bin_dir / "pg_basebackup"),
            "-h", "127.0.0.1", "-p", str(self.primary.port), "-U", "postgres",
            "-D", str(replica_dir), "-R", "-X", "stream", "--no-sync",
        )  # fmt: skip
        with (replica_dir / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write("hot_standby = on\nhot_standby_feedback = on\n")
        self.replica = PostgresCluster(replica_dir, free_port())
        self.replica.start()
        return self

    def pause_replay(self) -> None:
        self._psql(self.replica, "SELECT pg_wal_replay_pause()")

    def resume_replay(self) -> None:
        self._psql(self.replica, "SELECT pg_wal_replay_resume()")

    def _psql(self, cluster: PostgresCluster | None, sql: str) -> str:
        assert cluster is not None
        proc = subprocess.run(  # noqa: S603
            [
                str(postgres_bin() / "psql"),
                "-h",
                "127.0.0.1",
                "-p",
                str(cluster.port),
                "-U",
                "postgres",
                "-d",
                "postgres",
                "-Atc",
                sql,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr
        return proc.stdout.strip()

    def stop(self) -> None:
        for cluster in (self.replica, self.primary):
            if cluster is not None:
                cluster.stop()
        shutil.rmtree(self.root, ignore_errors=True)


# -----------------------------------------------------------------------------
# moto's S3 server
# -----------------------------------------------------------------------------


@dataclass
class MotoS3:
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> MotoS3:
        executable = Path(__file__).resolve().parents[1] / ".venv" / "bin" / "moto_server"
        if not executable.exists():
            executable = Path(shutil.which("moto_server") or "moto_server")
        self.process = subprocess.Popen(  # noqa: S603
            [str(executable), "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: port_open(self.port), what=f"moto_server on {self.port}", process=self.process)
        return self

    def stop(self) -> None:
        stop(self.process)
        self.process = None


# -----------------------------------------------------------------------------
# HAProxy
# -----------------------------------------------------------------------------


@dataclass
class HAProxy:
    """Round robin over ``backends`` (ports on 127.0.0.1), no stickiness; the answering node is named
    in the ``X-ZI-Node`` response header."""

    workdir: Path
    backends: list[int]
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> HAProxy:
        executable = shutil.which("haproxy") or "/usr/sbin/haproxy"
        assert Path(executable).exists(), "haproxy is missing: run `make test` (scripts/ensure_haproxy.sh)"
        names = [f"node{n}" for n in range(1, len(self.backends) + 1)]
        servers = "\n".join(
            f"    server {name} 127.0.0.1:{port} check inter 500ms"
            for name, port in zip(names, self.backends, strict=True)
        )
        # A client may ask for a node (X-ZI-Want-Node), so a test can make one person's requests
        # alternate whatever other clients do; without the header, plain round robin.
        pins = "\n".join(f"    use-server {name} if {{ req.hdr(x-zi-want-node) -m str {name} }}" for name in names)
        config = self.workdir / "haproxy.cfg"
        config.write_text(
            f"""global
    maxconn 200
defaults
    mode http
    timeout connect 5s
    timeout client 60s
    timeout server 60s
    option forwardfor
    option http-server-close
frontend zi
    bind 127.0.0.1:{self.port}
    default_backend nodes
backend nodes
    balance roundrobin
    http-response set-header X-ZI-Node %s
{pins}
{servers}
""",
            encoding="utf-8",
        )
        log = (self.workdir / "haproxy.out").open("wb")
        self.process = subprocess.Popen([executable, "-db", "-f", str(config)], stdout=log, stderr=log)  # noqa: S603
        wait_for(lambda: port_open(self.port), what=f"haproxy on {self.port}", process=self.process)
        return self

    def stop(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            stop(self.process)
        self.process = None
