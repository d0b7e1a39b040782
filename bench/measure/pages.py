"""The pages under load, their query counts (in-process, the same views) and a worker's memory."""

from __future__ import annotations

import http.client
import os
import signal
import time
from pathlib import Path
from typing import Any

from measure.config import MEMORY_REQUESTS, PORT, SECONDS, log
from measure.load import Measure, Target, get_once, load, start_server
from measure.targets import last_page, measure_autosave

Results = dict[str, dict[str, Measure]]


def measure_pages(targets: list[Target], context: dict[str, Any], only: set[str] | None = None) -> Results:
    """Start gunicorn and measure every target (or those in ``only``) at 1 and 8 connections. The
    last page of the cursor list is found here and appended to ``targets``."""
    server = start_server({**os.environ})
    results: dict[str, dict[str, Measure]] = {}
    try:
        for target in targets:
            status, body = get_once(target)
            if status != 200:
                raise RuntimeError(f"{target.label}: {target.path} answered {status}: {body[:500]!r}")
        last_path, pages = last_page(context)
        targets.append(
            Target(
                "api_last",
                f"/api/v1/ proposal list, last page (page {pages})",
                last_path,
                "api",
                context["api_headers"],
            )
        )
        for target in targets:
            if only and target.key not in only:
                continue
            load(target, 1, min(1.0, SECONDS))  # warm-up
            results[target.key] = {"1": load(target, 1, SECONDS), "8": load(target, 8, SECONDS)}
            m1, m8 = results[target.key]["1"], results[target.key]["8"]
            errors = m1.errors + m8.errors
            log(
                f"{target.label}: p50 {m1.q(50):.1f} ms, p95 {m1.q(95):.1f} ms, {m1.rps:.0f} req/s at 1; "
                f"{m8.rps:.0f} req/s at 8 (p99 {m8.q(99):.1f} ms){f' ERRORS {errors}' if errors else ''}"
            )
        if not only or "autosave" in only:
            autosave = measure_autosave(context)
            results["autosave"] = {"1": autosave}
            log(
                f"autosave round trip: p50 {autosave.p50:.1f} ms, p95 {autosave.p95:.1f} ms"
                f"{f' ERRORS {autosave.errors}' if autosave.errors else ''}"
            )
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)
    return results


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


def measure_memory(targets: list[Target]) -> dict[str, Any]:
    """One gunicorn sync worker of its own serves MEMORY_REQUESTS mixed requests (every page and
    endpoint in turn); its resident memory after the first tenth and at the end tell whether it grows."""
    port = PORT + 1
    server = start_server({**os.environ}, port=port, workers=1)
    try:
        worker = None
        for _ in range(100):
            children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
            if children:
                worker = int(children[0])
                break
            time.sleep(0.1)
        if worker is None:
            raise RuntimeError("gunicorn started no worker")
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        marks: dict[int, int] = {}
        errors = 0
        first = MEMORY_REQUESTS // 10
        started = time.perf_counter()
        for index in range(1, MEMORY_REQUESTS + 1):
            target = targets[index % len(targets)]
            conn.request("GET", target.path, headers=target.headers)
            response = conn.getresponse()
            response.read()
            errors += response.status != 200
            if index in (first, MEMORY_REQUESTS):
                marks[index] = _rss_kib(worker)
        conn.close()
        return {
            "requests": MEMORY_REQUESTS,
            "first": first,
            "rss_first_kib": marks[first],
            "rss_last_kib": marks[MEMORY_REQUESTS],
            "errors": errors,
            "seconds": time.perf_counter() - started,
        }
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=30)


def query_counts(targets: list[Target]) -> dict[str, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for target in targets:
        client = Client()
        extra = {}
        for name, value in target.headers.items():
            if name == "Cookie":
                key, _sep, val = value.partition("=")
                client.cookies[key] = val
            else:
                extra[f"HTTP_{name.upper().replace('-', '_')}"] = value
        client.get(target.path, **extra)  # warm per-process caches as a running server has them
        with CaptureQueriesContext(connection) as captured:
            response = client.get(target.path, **extra)
        if response.status_code != 200:
            raise RuntimeError(f"{target.path} answered {response.status_code} in-process")
        counts[target.key] = len(captured.captured_queries)
    return counts
