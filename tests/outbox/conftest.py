"""A Redis of the test's own, that the test may stop and start (never the shared one on 6379).

``own_broker`` starts ``redis-server`` on a free port, points the Celery app (broker URL and its
connection pools) at it for the test, and puts everything back afterwards. ``stop()`` kills it
like a crash (SIGKILL), ``start()`` brings it back on the same port, empty.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import redis
from django.conf import settings
from kombu import pools

from zi.celery import app

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class OwnRedis:
    port: int
    workdir: Path
    process: subprocess.Popen[bytes] | None = field(default=None)

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        command = [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(  # noqa: S603 (Debian's redis-server, our arguments)
            [*command, "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while not self.is_up():
            if self.process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"redis-server on port {self.port} did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None
        assert not self.is_up()

    def is_up(self) -> bool:
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        try:
            return bool(client.ping())
        except redis.RedisError:
            return False
        finally:
            client.close()

    def queued(self) -> int:
        """Messages waiting in this run's Celery queues (every kind, zi/queues.py)."""
        client = redis.Redis(port=self.port)
        try:
            return sum(int(client.llen(name)) for name in settings.CELERY_TASK_QUEUES)
        finally:
            client.close()


def _point_celery_at(url: str) -> None:
    app.conf.broker_url = url
    # Close every cached connection pool AND forget it: kombu keeps pools in a registry keyed by
    # the broker URL, so merely closing the app's pool would hand the same closed pool back to the
    # next test that talks to the default broker ("Acquire on closed pool").
    pools.reset()
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def own_broker(tmp_path: Path) -> Iterator[OwnRedis]:
    server = OwnRedis(port=_free_port(), workdir=tmp_path)
    server.start()
    previous = app.conf.broker_url
    _point_celery_at(server.url)
    try:
        yield server
    finally:
        _point_celery_at(previous)
        server.stop()
