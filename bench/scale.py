"""Single node vs pooler vs read replica, side by side (issue 23; ``make bench-scale``).

Builds a throw-away PostgreSQL primary and a streaming replica of it from the machine's binaries
(the same components the tests start, ``tests/components.py``; the shared server on 5432 is not
touched), seeds it with ``bench/seed_national.py`` at ``BENCH_SCALE`` (default 0.01: a small
country, never the national size on a shared machine), then measures the same pages with
``bench/run.py pages`` three times:

1. **single node** — gunicorn straight to the primary (what bench/RESULTS.md measures);
2. **pooler** — through pgbouncer in transaction mode (``ZI_DB_TRANSACTION_POOLING=true``), whose
   pool of ``BENCH_POOL_SIZE`` server connections serves every gunicorn worker;
3. **replica** — straight to the primary, with ``DATABASE_REPLICA_URL`` naming the replica: the
   national dashboard, the heatmaps and the PortalRB pulls read there.

and writes ``bench/RESULTS-scale.md``. Measured, not asserted; on one machine the replica shares
the CPU with the primary, so it shows the cost of the routing and of the per-transaction RLS state,
not the relief a replica on its own server gives.
"""

from __future__ import annotations

import datetime
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.components import PgBouncer, StreamingReplica  # noqa: E402

SCALE = os.environ.get("BENCH_SCALE", "0.01")
SECONDS = os.environ.get("BENCH_SECONDS", "3")
POOL_SIZE = int(os.environ.get("BENCH_POOL_SIZE", "4"))
DATABASE = "zi_scale"
PAGES = ["floor", "unit_dashboard", "heatmap_largest", "national", "portalrb", "api_first"]
RESULTS = Path(os.environ.get("BENCH_SCALE_RESULTS", str(ROOT / "bench" / "RESULTS-scale.md")))
LINE = re.compile(
    r"\] (?P<label>.+?): p50 (?P<p50>[\d.]+) ms, p95 (?P<p95>[\d.]+) ms, (?P<rps1>\d+) req/s at 1; "
    r"(?P<rps8>\d+) req/s at 8 \(p99 (?P<p99>[\d.]+) ms\)"
)


def log(message: str) -> None:
    print(f"[scale] {message}", flush=True)


def run(env: dict[str, str], *args: str) -> str:
    proc = subprocess.run(  # noqa: S603 (our own interpreter and scripts)
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise RuntimeError(f"{args[0]} failed:\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}")
    return proc.stdout


def measure(name: str, env: dict[str, str]) -> dict[str, dict[str, str]]:
    log(f"measuring: {name}")
    out = run({**env, "BENCH_SECONDS": SECONDS}, "bench/run.py", "pages", *PAGES)
    rows = {match["label"]: match.groupdict() for match in LINE.finditer(out)}
    if not rows:
        raise RuntimeError(f"no measurements in the output of {name}:\n{out[-3000:]}")
    return rows


def main() -> None:
    servers = StreamingReplica()
    bouncer: PgBouncer | None = None
    var_dir = Path(tempfile.mkdtemp(prefix="zi-bench-scale-"))
    try:
        servers.start()
        if servers.primary is None or servers.replica is None:
            raise RuntimeError("the primary and its replica did not start")
        primary = f"postgres://postgres@127.0.0.1:{servers.primary.port}/postgres"
        base = {
            **os.environ,
            "BENCH_DATABASE": DATABASE,
            "BENCH_SCALE": SCALE,
            "BENCH_VAR_DIR": str(var_dir),
            "PYTHONPATH": str(ROOT),
        }
        base.pop("DATABASE_REPLICA_URL", None)
        log(f"seeding {DATABASE} at scale {SCALE} on the primary (port {servers.primary.port})")
        run({**base, "DATABASE_URL": primary}, "bench/seed_national.py")
        bouncer = PgBouncer(upstream_port=servers.primary.port, pool_size=POOL_SIZE).start()
        replica_url = f"postgres://postgres@127.0.0.1:{servers.replica.port}/{DATABASE}"
        configs = {
            "single node": {**base, "DATABASE_URL": primary},
            f"pgbouncer (transaction, {POOL_SIZE} server conns)": {
                **base,
                "DATABASE_URL": f"postgres://postgres@127.0.0.1:{bouncer.port}/postgres",
                "ZI_DB_TRANSACTION_POOLING": "true",
            },
            "read replica": {**base, "DATABASE_URL": primary, "DATABASE_REPLICA_URL": replica_url},
        }
        results = {name: measure(name, env) for name, env in configs.items()}
        write(results)
        log(f"wrote {RESULTS}")
    finally:
        if bouncer is not None:
            bouncer.stop()
        servers.stop()


def write(results: dict[str, dict[str, dict[str, str]]]) -> None:
    names = list(results)
    labels = list(results[names[0]])
    out = [
        "# Benchmark: single node, pooler, read replica (`make bench-scale`)",
        "",
        f"Measured {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC by `bench/scale.py` on "
        f"{os.cpu_count()} CPU shared with other jobs; BENCH_SCALE={SCALE} (a small country, seeded by "
        f"`bench/seed_national.py` into a throw-away primary with a streaming replica), {SECONDS} s per phase, "
        "gunicorn as in bench/RESULTS.md. Primary, replica, pgbouncer, gunicorn and the load generator all "
        "share this machine: read the columns against each other, not as capacity.",
        "",
        "p50 ms at 1 connection / requests per second at 8 connections:",
        "",
        "| page | " + " | ".join(names) + " |",
        "|---|" + "---:|" * len(names),
    ]
    for label in labels:
        cells = []
        for name in names:
            row = results[name].get(label)
            cells.append(f"{row['p50']} ms / {row['rps8']} req/s" if row else "—")
        out.append(f"| {label} | " + " | ".join(cells) + " |")
    out += [
        "",
        'What the columns say is in docs/scale.md ("Measured").',
        "",
    ]
    RESULTS.write_text("\n".join(out), encoding="utf-8")


if __name__ == "__main__":
    main()
