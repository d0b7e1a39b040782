"""bench/RESULTS.md: the machine, the pages against the floors, the budget lines, the jobs."""

from __future__ import annotations

import datetime
import io
import os
import platform
from pathlib import Path
from typing import Any

from seed.config import BENCH_DATABASE

from measure.config import RESULTS, SECONDS, THREADS, WORKER_CLASS, WORKERS
from measure.load import WRK, Measure, Target


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPU ({cpu}), Python {platform.python_version()}, {platform.system()} {platform.release()}"


def write_results(
    targets: list[Target],
    results: dict[str, dict[str, Measure]],
    queries: dict[str, int],
    lhe: float,
    roster: float,
    pakta_wall: float | None,
    pakta_out: str,
    sweep: dict[str, Any],
    db_size: str,
    pg_version: str,
    context: dict[str, Any],
    memory: dict[str, Any],
) -> None:
    from django.db import connection

    floor = results["floor"]["1"].q(50)
    noop = results["noop"]["1"].q(50)
    out = io.StringIO()
    w = out.write
    w("# Benchmark results (national scale)\n\n")
    w(f"Measured {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC by `make bench-run` on {machine()}; ")
    w(f"{pg_version}; database `{BENCH_DATABASE}` of {db_size}. ")
    server = f"{WORKERS} {WORKER_CLASS} workers" + (f" × {THREADS} threads" if WORKER_CLASS == "gthread" else "")
    w(f"gunicorn {server} (the production image's server), production settings (DEBUG off); load generator: ")
    generator = "wrk" if WRK else "Python threads + http.client (wrk not installed)"
    w(f"{generator} on the same machine, {SECONDS:.0f} s per phase. ")
    w(
        "The machine may be shared with other jobs: absolute numbers move; the ratios to the floors are the budget. "
        "Two floors, measured in the same run: the anonymous floor (`noop`: `/sehat/` without a session, one "
        "query — what Django and the view cost) and the logged-in floor (`/sehat/` with the unit's session — what "
        "being logged in adds).\n\n"
    )
    with connection.cursor() as cursor:
        counts = {}
        for label, table in [
            ("instansi", "tenancy_instansi"),
            ("unit kerja", "unit_kerja_unitkerja"),
            ("pegawai", "unit_kerja_pegawai"),
            ("Pakta Integritas", "pencanangan_paktaintegritas"),
            ("evidence", "bukti_dukung_buktidukung"),
            ("LKE answers", "penilaian_jawaban"),
            ("kegiatan", "rencana_aksi_kegiatan"),
            ("realisasi", "rencana_aksi_realisasi"),
            ("proposals", "pengusulan_pengusulan"),
        ]:
            cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [table])
            counts[label] = cursor.fetchone()[0]
    w("Data: " + ", ".join(f"{value:,} {label}" for label, value in counts.items()) + ".\n\n")

    w("## Pages and endpoints\n\n")
    w(
        "| page | p50 ms (1 conn) | p95 ms (1 conn) | req/s (1 conn) | p50 ms (8 conn) | p99 ms (8 conn) | "
        "req/s (8 conn) | p50 / anonymous floor | p50 / logged-in floor | queries |\n"
    )
    w("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n")
    for target in targets:
        m1, m8 = results[target.key]["1"], results[target.key]["8"]
        w(
            f"| {target.label} | {m1.q(50):.1f} | {m1.q(95):.1f} | {m1.rps:.0f} | {m8.q(50):.1f} | {m8.q(99):.1f} | "
            f"{m8.rps:.0f} | {m1.q(50) / noop:.1f}× | {m1.q(50) / floor:.1f}× | {queries.get(target.key, '')} |\n"
        )
    autosave = results["autosave"]["1"]
    w(
        f"| Autosave round trip (POST one answer, the item's fragment back; 1 conn, {autosave.errors} failed) | "
        f"{autosave.p50:.1f} | {autosave.p95:.1f} | {autosave.rps:.0f} | | | | {autosave.p50 / noop:.1f}× | "
        f"{autosave.p50 / floor:.1f}× | |\n"
    )

    def p50(key: str) -> float:
        return results[key]["1"].q(50)

    lines: list[tuple[str, str, bool]] = []
    session = floor / noop
    lines.append(("Logged-in floor: p50 ≤ 2 × the anonymous floor", f"{session:.1f}×", session <= 2))
    for target in targets:
        ratio = p50(target.key) / noop
        if target.kind == "html":
            lines.append((f"{target.label}: p50 ≤ 25 × anonymous floor", f"{ratio:.1f}×", ratio <= 25))
        elif target.kind == "dashboard":
            lines.append((f"{target.label}: p50 ≤ 30 × anonymous floor", f"{ratio:.1f}×", ratio <= 30))
    ratio = autosave.p50 / noop
    lines.append(
        ("Autosave round trip: p50 ≤ 10 × anonymous floor", f"{ratio:.1f}×", ratio <= 10 and not autosave.errors)
    )
    worksheet_queries = queries.get("worksheet", 10**6)
    lines.append(("LKE worksheet: ≤ 12 queries", str(worksheet_queries), worksheet_queries <= 12))
    portal, noop8 = results["portalrb"]["8"], results["noop"]["8"]
    share = portal.rps / noop8.rps
    lines.append(
        (
            "PortalRB jawaban-unit ≥ 40 % of the anonymous floor's req/s at 8 connections",
            f"{portal.rps:.0f} of {noop8.rps:.0f} req/s ({share:.0%})",
            share >= 0.4,
        )
    )
    lines.append(("PortalRB jawaban-unit p99 ≤ 50 ms (8 connections)", f"{portal.q(99):.1f} ms", portal.q(99) <= 50))
    growth = memory["rss_last_kib"] / memory["rss_first_kib"] - 1
    lines.append(
        (
            f"Worker memory: RSS after {memory['requests']:,} mixed requests within 10 % of RSS after "
            f"{memory['first']:,}",
            f"{memory['rss_first_kib'] / 1024:.1f} → {memory['rss_last_kib'] / 1024:.1f} MiB ({growth:+.1%})",
            growth <= 0.10,
        )
    )
    # The budget of the round before (issue 9), against the logged-in floor.
    for target in targets:
        ratio = p50(target.key) / floor
        if target.kind == "html":
            lines.append((f"{target.label}: p50 ≤ 15 × logged-in floor", f"{ratio:.1f}×", ratio <= 15))
        elif target.kind == "dashboard":
            lines.append((f"{target.label}: p50 ≤ 40 × logged-in floor", f"{ratio:.1f}×", ratio <= 40))
    big_small = p50("heatmap_largest") / p50("heatmap_small")
    lines.append(("Heatmap: largest instansi within 1.5 × a small one", f"{big_small:.2f}×", big_small <= 1.5))
    last_first = p50("api_last") / p50("api_first")
    lines.append(("/api/v1/ cursor list: last page within 1.5 × the first", f"{last_first:.2f}×", last_first <= 1.5))
    lines.append(("LHE PDF of a full LKE ≤ 3 s", f"{lhe:.2f} s", lhe <= 3))
    lines.append(("Roster import of 10,000 rows ≤ 5 s", f"{roster:.2f} s", roster <= 5))
    per_unit = sweep["seconds"] / max(1, sweep["units"])
    projected = per_unit * sweep["units_total"]
    swept_all = sweep["instansi"] == sweep["instansi_total"]
    sweep_value = (
        f"{sweep['seconds']:.0f} s for {sweep['units']:,} units"
        if swept_all
        else f"{sweep['seconds']:.0f} s for {sweep['units']:,} of {sweep['units_total']:,} units "
        f"(stopped at the limit; ≈ {projected:.0f} s projected for all)"
    )
    lines.append(("Reminder sweep ≤ 60 s for 50,000 units", sweep_value, swept_all and sweep["seconds"] <= 60))
    tasks_per_unit = sweep["tasks"] / max(1, sweep["units"])
    lines.append(
        (
            "Reminder sweep: at most one task per unit",
            f"{sweep['tasks']:,} tasks for {sweep['units']:,} units ({tasks_per_unit:.2f}/unit; "
            f"{sweep['units_delivered']:,} units had something to deliver)",
            tasks_per_unit <= 1,
        )
    )
    lines.append(
        ("Query counts constant in the number of rows", "pinned by tests/performance/test_query_counts.py", True)
    )

    w("\n## Budget\n\n| budget line | measured | |\n|---|---|---|\n")
    for line, value, ok in lines:
        w(f"| {line} | {value} | {'met' if ok else '**NOT met**'} |\n")
    w("\n## Jobs\n\n")
    w(f"- LHE PDF of a full LKE (3 tiers, 127 soal): {lhe:.2f} s, rendered in-process like the worker does.\n")
    w(f"- Roster import of 10,000 new pegawai into the largest instansi: {roster:.2f} s.\n")
    w(f"- Pakta Integritas burst, 5,000 signatures (`bench/pakta_burst.py`): {pakta_wall} s wall.\n\n")
    w("```\n" + pakta_out.strip() + "\n```\n\n")
    w(
        f"- Reminder sweep (claims and fan-out, `python bench/run.py sweep` runs only this part): {sweep_value}; "
        f"claims {sweep['claims']}; {sweep['tasks']:,} Celery tasks enqueued "
        f"({', '.join(sweep['task_names']) or 'none'}).\n"
    )
    if sweep["delivery_units"]:
        per = sweep["delivery_seconds"] / sweep["delivery_units"]
        w(
            f"- Reminder delivery, the workers' share (writing half of `rencana_aksi_deliver`: messages built, "
            f"rendered per recipient and inserted, reports queued; not the SMTP send nor the PDF): "
            f"{sweep['delivery_units']} units' tasks ({sweep['delivery_claims']:,} claims) in "
            f"{sweep['delivery_seconds']:.1f} s, {per * 1000:.0f} ms per unit → ≈ "
            f"{per * sweep['units_delivered'] / 60:.0f} worker-minutes for this sweep's "
            f"{sweep['units_delivered']:,} units ({sweep['tasks']:,} tasks), spread over the Celery workers.\n"
        )
    RESULTS.write_text(out.getvalue(), encoding="utf-8")
