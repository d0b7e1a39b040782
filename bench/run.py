"""Measure ZI on the national data set against the performance budget, and write bench/RESULTS.md.

    make bench-seed && make bench-run        # seed the country, then measure
    BENCH_SECONDS=3 make bench-run           # shorter load phases

Against the database seeded by ``bench/seed_national.py`` (BENCH_DATABASE, default ``zi_national``),
this starts gunicorn with production settings (``zi.settings.base``, DEBUG off, a random secret,
PostgreSQL and Redis) and drives every page with a small keep-alive load generator (threads +
``http.client``), at 1 and at 8 connections, side by side with the floor: ``/sehat/``, the trivial
view of the same stack (same server, same middleware, same logged-in session and membership lookup,
one ``SELECT 1``). For each page: p50, p95, p99, requests/s and the ratio of its p50 to the floor's.
A separate in-process pass counts each page's queries (Django's ``CaptureQueriesContext``).

Then it times the jobs: the LHE PDF of a full LKE, a 10,000-row roster import, a 5,000-signature
Pakta burst (``bench/pakta_burst.py``, on its own database) and the rencana aksi reminder sweep over
every unit, counting the Celery tasks the sweep enqueues per unit.

The PortalRB and /api/v1/ rate limits are raised for the run (ZI_PORTALRB_RATE, ZI_NATIONAL_API_RATE):
the throttles still run on every request (their Redis counters are part of what is measured), they
just do not refuse the load.

Measured, not asserted (bench/README.md): the script exits 0 whatever the numbers; the budget lines
in RESULTS.md say "met" or "NOT met". The parts are modules of ``bench/measure/``; this script
chooses what to run.
"""

from __future__ import annotations

import json
import os
import secrets
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from measure.config import RESULTS, SECONDS, WORKER_CLASS, WORKERS, log  # noqa: E402
from measure.jobs import time_lhe, time_pakta_burst, time_roster_import, time_sweep  # noqa: E402
from measure.pages import measure_memory, measure_pages, query_counts  # noqa: E402
from measure.report import write_results  # noqa: E402
from measure.targets import prepare  # noqa: E402
from seed.config import BENCH_DATABASE, national_url  # noqa: E402


def main() -> None:
    if sys.argv[1:] == ["sweep"]:  # `python bench/run.py sweep`: only the reminder sweep, printed
        _setup()
        print(json.dumps(time_sweep(), default=str, indent=1))
        return
    if sys.argv[1:2] == ["pages"]:  # `python bench/run.py pages [key …]`: only the pages, printed
        _setup()
        targets, context = prepare()
        measure_pages(targets, context, only=set(sys.argv[2:]))
        return
    if sys.argv[1:] == ["memory"]:  # `python bench/run.py memory`: only the worker's memory, printed
        _setup()
        targets, _context = prepare()
        print(json.dumps(measure_memory(targets), indent=1))
        return
    _setup()
    _main()


def _setup() -> None:
    server_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/zi")
    os.environ["BENCH_SERVER_URL"] = server_url
    env_db = national_url()
    var_dir = Path(os.environ.get("BENCH_VAR_DIR", str(ROOT / "var" / "bench-national"))).resolve()
    os.environ.update(
        {
            "DATABASE_URL": env_db,
            "ZI_VAR_DIR": str(var_dir),
            "DJANGO_SETTINGS_MODULE": "zi.settings.base",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            # The audit rows a run writes (tokens issued, imports) are sealed like production's.
            "AUDIT_KEY": os.environ.get("AUDIT_KEY") or secrets.token_hex(32),
            "ZI_PORTALRB_RATE": "100000000/min",
            "ZI_NATIONAL_API_RATE": "100000000/min",  # the /api/v1/ limit likewise (issue 18)
            "CACHE_KEY_PREFIX": f"zi-bench-{os.getpid()}",
            "LOG_LEVEL": "WARNING",
            "ZI_QUEUE_PREFIX": f"zi-bench-{os.getpid()}",  # queues of its own: nobody consumes the sweep's tasks
        }
    )
    os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/0")
    import django

    django.setup()


def _main() -> None:
    from django.db import connection

    log(f"benchmarking {BENCH_DATABASE}: gunicorn {WORKERS} {WORKER_CLASS} workers, {SECONDS:.0f} s per phase")
    targets, context = prepare()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        db_size = cursor.fetchone()[0]
        cursor.execute("SELECT version()")
        pg_version = cursor.fetchone()[0].split(" on ")[0]
    connection.close()

    results = measure_pages(targets, context)
    memory = measure_memory(targets)
    log(
        f"memory: {memory['rss_first_kib'] / 1024:.1f} MiB after {memory['first']:,} requests, "
        f"{memory['rss_last_kib'] / 1024:.1f} MiB after {memory['requests']:,}"
    )
    queries = query_counts(targets)
    log(f"query counts: {queries}")
    lhe = time_lhe(context)
    log(f"LHE PDF: {lhe:.2f} s")
    roster, roster_result = time_roster_import(context)
    log(f"roster import of 10,000 rows: {roster:.2f} s ({roster_result.created} created)")
    pakta_wall, pakta_out = time_pakta_burst()
    log(f"pakta burst: {pakta_wall} s")
    sweep = time_sweep()
    log(f"reminder sweep: {sweep}")
    write_results(
        targets, results, queries, lhe, roster, pakta_wall, pakta_out, sweep, db_size, pg_version, context, memory
    )
    log(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
