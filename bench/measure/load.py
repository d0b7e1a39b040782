"""The load generator (wrk, or threads + ``http.client``) and the gunicorn it drives."""

from __future__ import annotations

import http.client
import json
import shutil
import socket
import statistics
import subprocess
import threading
import time
from dataclasses import dataclass, field

from measure.config import PORT, ROOT, THREADS, WORKER_CLASS, WORKERS


@dataclass
class Target:
    key: str
    label: str
    path: str
    kind: str  # floor, html, dashboard, api
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Measure:
    p50: float  # milliseconds
    p95: float
    p99: float
    rps: float
    errors: int

    def q(self, pct: int) -> float:
        return {50: self.p50, 95: self.p95, 99: self.p99}[pct]


WRK = shutil.which("wrk")
WRK_SCRIPT = ROOT / "bench" / "wrk_report.lua"


def load(target: Target, connections: int, seconds: float) -> Measure:
    """``connections`` keep-alive connections for ``seconds``: wrk (C, little CPU of its own) where it
    is installed, else the Python generator below."""
    if WRK is None:
        return load_python(target, connections, seconds)
    command = [WRK, "-t", str(min(connections, 2)), "-c", str(connections), "-d", f"{max(1, round(seconds))}s"]
    command += ["--timeout", "60s", "-s", str(WRK_SCRIPT)]
    for name, value in target.headers.items():
        command += ["-H", f"{name}: {value}"]
    done = subprocess.run(  # noqa: S603
        [*command, f"http://127.0.0.1:{PORT}{target.path}"], capture_output=True, text=True, check=True
    )
    data = json.loads(done.stdout.strip().splitlines()[-1])
    return Measure(
        p50=data["p50_us"] / 1000,
        p95=data["p95_us"] / 1000,
        p99=data["p99_us"] / 1000,
        rps=(data["requests"] - data["errors"]) / (data["duration_us"] / 1e6),
        errors=data["errors"],
    )


def load_python(target: Target, connections: int, seconds: float) -> Measure:
    """The fallback generator: threads + ``http.client``. It shares the GIL and the CPU with what it
    measures, so its requests/s are a lower bound."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    barrier = threading.Barrier(connections)

    def run() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
        mine: list[float] = []
        barrier.wait()
        while time.perf_counter() < deadline:
            begin = time.perf_counter()
            try:
                conn.request("GET", target.path, headers=target.headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
                if response.getheader("connection", "").lower() == "close":
                    conn.close()
                    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
            except (OSError, http.client.HTTPException):
                ok = False
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
            elapsed = time.perf_counter() - begin
            if ok:
                mine.append(elapsed)
            else:
                with lock:
                    errors[0] += 1
        conn.close()
        with lock:
            latencies.extend(mine)

    started = time.perf_counter()
    workers = [threading.Thread(target=run) for _ in range(connections)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    wall = time.perf_counter() - started
    if len(latencies) < 2:
        latencies = latencies * 2 or [float("nan")] * 2
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return Measure(
        p50=cuts[49] * 1000, p95=cuts[94] * 1000, p99=cuts[98] * 1000, rps=len(latencies) / wall, errors=errors[0]
    )


def get_once(target: Target) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=120)
    conn.request("GET", target.path, headers=target.headers)
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body


def start_server(env: dict[str, str], port: int = PORT, workers: int = WORKERS) -> subprocess.Popen[bytes]:
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "zi.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        WORKER_CLASS,
        "--threads",
        str(THREADS),
        "--keep-alive",
        "30",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, env=env, cwd=ROOT)  # noqa: S603
    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise RuntimeError("gunicorn did not start")
