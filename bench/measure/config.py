"""The run's settings (environment)."""

from __future__ import annotations

import os
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

SECONDS = float(os.environ.get("BENCH_SECONDS", "5"))
WORKERS = int(os.environ.get("BENCH_WORKERS", str(2 * (os.cpu_count() or 1))))
# The production image's server (Dockerfile): gunicorn's sync workers, 2 per core. BENCH_WORKER_CLASS=gthread
# with BENCH_THREADS tries threads instead (measured slower here: the GIL and uneven keep-alive spread).
WORKER_CLASS = os.environ.get("BENCH_WORKER_CLASS", "sync")
THREADS = int(os.environ.get("BENCH_THREADS", "1"))
PORT = int(os.environ.get("BENCH_PORT", "8765"))
RESULTS = Path(os.environ.get("BENCH_RESULTS", str(ROOT / "bench" / "RESULTS.md")))
SWEEP_LIMIT_S = float(os.environ.get("BENCH_SWEEP_LIMIT", "600"))
DELIVERY_SAMPLE = int(os.environ.get("BENCH_DELIVERY_SAMPLE", "300"))
MEMORY_REQUESTS = int(os.environ.get("BENCH_MEMORY_REQUESTS", "10000"))


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)
