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
in RESULTS.md say "met" or "NOT met".
"""

from __future__ import annotations

import datetime
import http.client
import io
import json
import os
import platform
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from seed_national import BENCH_DATABASE, national_url, nip_for  # noqa: E402

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


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# -----------------------------------------------------------------------------
# Load generator
# -----------------------------------------------------------------------------


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


# -----------------------------------------------------------------------------
# Set-up: who looks at what
# -----------------------------------------------------------------------------


def prepare() -> tuple[list[Target], dict[str, Any]]:
    import json

    from django.conf import settings
    from django.test import Client
    from django.urls import reverse

    from apps.accounts.models import User
    from apps.pengusulan.models import Pengusulan
    from apps.penilaian.models import Penilaian
    from apps.portalrb.services import portalrb_token_issue
    from apps.tenancy.models import Instansi, Membership
    from apps.tenancy.scope import scope
    from apps.tpn.services import api_token_issue
    from apps.unit_kerja.models import UnitKerja

    largest = Instansi.objects.order_by("id").first()
    small = Instansi.objects.order_by("-id").first()

    def cookie_for(user: User) -> str:
        client = Client()
        client.force_login(user)
        return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"

    def member(instansi: Instansi | None, role: str) -> Membership:
        return (
            Membership.objects.select_related("user", "unit")
            .filter(instansi=instansi, role=role)
            .order_by("id")
            .first()
        )

    with scope(largest.pk):
        # A leaf unit deep in the largest instansi's tree, one that is proposed (for PortalRB).
        proposal = Pengusulan.objects.filter(instansi=largest).select_related("unit").order_by("-id").first()
        unit = proposal.unit
        penilaian = Penilaian.objects.get(instansi=largest, unit=unit)
        tim_kerja = Membership.objects.select_related("user").get(instansi=largest, unit=unit, role="tim_kerja")
        portalrb_token = portalrb_token_issue(instansi=largest, actor=None).raw
        units_largest = UnitKerja.objects.filter(instansi=largest).count()
    with scope(small.pk):
        units_small = UnitKerja.objects.filter(instansi=small).count()
    tpi = member(largest, "tpi")
    admin_largest = member(largest, "admin_zi")
    admin_small = member(small, "admin_zi")
    national = member(None, "tpn_evaluator")
    api_token = api_token_issue(user=national.user, name=f"bench {time.time():.0f}").raw

    unit_cookie = cookie_for(tim_kerja.user)
    with scope(largest.pk):
        context_autosave = autosave_context(largest, cookie_for)
    # Two floors: the same stack and view without a session (what Django and the view cost), and with
    # the unit's logged-in session (what being logged in adds: session, user, memberships, MFA rule).
    noop = Target("noop", "Floor, anonymous: /sehat/ (same stack, no session)", reverse("core:health"), "floor")
    floor = Target(
        "floor", "Floor: /sehat/ (same stack, logged in)", reverse("core:health"), "floor", {"Cookie": unit_cookie}
    )
    targets = [
        noop,
        floor,
        Target(
            "unit_dashboard",
            "Unit dashboard (tim kerja)",
            reverse("core:dashboard"),
            "dashboard",
            {"Cookie": unit_cookie},
        ),
        Target(
            "worksheet",
            "LKE worksheet (section pemenuhan-1, in self-assessment)",
            reverse(
                "penilaian:worksheet",
                kwargs={"public_id": context_autosave["penilaian"].public_id, "section": "pemenuhan-1"},
            ),
            "html",
            {"Cookie": context_autosave["cookie"]},
        ),
        Target(
            "tpi_review",
            "TPI review (section pemenuhan-1)",
            reverse("penilaian:review", kwargs={"public_id": penilaian.public_id, "section": "pemenuhan-1"}),
            "html",
            {"Cookie": cookie_for(tpi.user)},
        ),
        Target(
            "heatmap_largest",
            f"Monitoring heatmap, largest instansi ({units_largest} units)",
            reverse("rencana_aksi:heatmap"),
            "dashboard",
            {"Cookie": cookie_for(admin_largest.user)},
        ),
        Target(
            "heatmap_small",
            f"Monitoring heatmap, small instansi ({units_small} units)",
            reverse("rencana_aksi:heatmap"),
            "dashboard",
            {"Cookie": cookie_for(admin_small.user)},
        ),
        Target(
            "national",
            "National dashboard",
            reverse("nasional:dashboard"),
            "dashboard",
            {"Cookie": cookie_for(national.user)},
        ),
        Target(
            "portalrb",
            "PortalRB jawaban-unit",
            reverse("portalrb_api:jawaban-unit", kwargs={"unit_id": str(unit.public_id)}),
            "api",
            {"Authorization": f"Bearer {portalrb_token}"},
        ),
    ]
    # /api/v1/ proposal list: the first page and the last page reached by following the cursor.
    api_headers = {"Authorization": f"Bearer {api_token}"}
    first_path = reverse("api_v1:pengusulan-list")
    targets.append(Target("api_first", "/api/v1/ proposal list, first page", first_path, "api", api_headers))
    context = {
        "autosave": context_autosave,
        "largest": largest,
        "small": small,
        "penilaian": penilaian,
        "admin_largest": admin_largest,
        "admin_small": admin_small,
        "units_largest": units_largest,
        "units_small": units_small,
        "api_headers": api_headers,
        "first_path": first_path,
        "json": json,
    }
    return targets, context


def autosave_context(instansi: Any, cookie_for: Any) -> dict[str, Any]:
    """What an autosave POST of one answer needs. The seeded LKE are all with the TPI or done, so one
    unit's LKE of the largest instansi is put back into self-assessment (the run writes into the
    seeded database anyway); its tim kerja answers its first option soal, alternating two answers
    (an unchanged answer would be a no-op save)."""
    from django.urls import reverse

    from apps.lke.models import AnswerType
    from apps.penilaian.forms.worksheet import soal_prefix
    from apps.penilaian.models import Jawaban, Penilaian, PenilaianStatus, Tier
    from apps.tenancy.models import Membership

    penilaian = Penilaian.objects.filter(instansi=instansi, status=PenilaianStatus.IN_REVIEW).order_by("id").first()
    Penilaian.objects.filter(pk=penilaian.pk).update(status=PenilaianStatus.DRAFT)
    today = datetime.datetime.now(datetime.UTC).date()
    type(penilaian.cycle).objects.filter(pk=penilaian.cycle_id).update(
        fill_start=min(penilaian.cycle.fill_start, today), fill_end=max(penilaian.cycle.fill_end, today)
    )
    member = Membership.objects.select_related("user").get(
        instansi=instansi, unit_id=penilaian.unit_id, role="tim_kerja"
    )
    row = (
        Jawaban.objects.filter(
            penilaian=penilaian,
            tier=Tier.UNIT,
            level=0,
            soal__answer_type__in=[AnswerType.YA_TIDAK, AnswerType.ABC, AnswerType.ABCD, AnswerType.ABCDE],
        )
        .select_related("soal")
        .order_by("soal__portalrb_soal_id")
        .first()
    )
    csrf = secrets.token_hex(16)  # Django accepts the unmasked 32-character secret as the token
    cookie = cookie_for(member.user)
    return {
        "path": reverse(
            "penilaian:jawaban-save", kwargs={"public_id": penilaian.public_id, "soal_id": row.soal.portalrb_soal_id}
        ),
        "prefix": soal_prefix(row.soal),
        "penilaian": penilaian,
        "cookie": cookie,
        "version": row.version,
        "answers": [option["key"] for option in row.soal.options][:2],
        "headers": {
            "Cookie": f"{cookie}; csrftoken={csrf}",
            "X-CSRFToken": csrf,
            "HX-Request": "true",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    }


def measure_autosave(context: dict[str, Any], rounds: int = 300) -> Measure:
    """An autosave round trip as the worksheet makes it: POST one answer (HTMX), get the item's fragment
    back, read the new version from it and save the other answer next, on one keep-alive connection.
    A reply without a newer version counts as an error."""
    import re
    from urllib.parse import urlencode

    data = context["autosave"]
    prefix = data["prefix"]
    version_re = re.compile(rf'name="{prefix}-version"[^>]*?value="(\d+)"')
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=60)
    version, latencies, errors, began = data["version"], [], 0, 0.0
    warm = 10
    for index in range(rounds + warm):
        body = urlencode(
            {
                f"{prefix}-answer": data["answers"][index % 2],
                f"{prefix}-note": "",
                f"{prefix}-evidence_link": "",
                f"{prefix}-version": version,
            }
        )
        if index == warm:
            began = time.perf_counter()
        start = time.perf_counter()
        conn.request("POST", data["path"], body=body, headers=data["headers"])
        response = conn.getresponse()
        reply = response.read().decode()
        elapsed = time.perf_counter() - start
        found = version_re.search(reply)
        saved = response.status == 200 and found is not None and int(found.group(1)) > version
        if found is not None:
            version = int(found.group(1))
        if index >= warm:
            if saved:
                latencies.append(elapsed)
            else:
                errors += 1
    wall = time.perf_counter() - began
    conn.close()
    if len(latencies) < 2:
        raise RuntimeError(f"autosave: {errors} of {rounds} saves failed; last reply {reply[:500]!r}")
    cuts = statistics.quantiles(latencies, n=100, method="inclusive")
    return Measure(cuts[49] * 1000, cuts[94] * 1000, cuts[98] * 1000, len(latencies) / wall, errors)


def last_page(context: dict[str, Any]) -> tuple[str, int]:
    """Follow the cursor from the first page to the last; returns its path and the page count."""
    json = context["json"]
    path = context["first_path"]
    pages = 1
    while True:
        status, body = get_once(Target("api", "", path, "api", context["api_headers"]))
        if status != 200:
            raise RuntimeError(f"{path} answered {status}: {body[:300]!r}")
        following = json.loads(body).get("next")
        if not following:
            return path, pages
        parts = urlsplit(following)
        path = f"{parts.path}?{parts.query}"
        pages += 1


# -----------------------------------------------------------------------------
# Query counts (in-process, the same views)
# -----------------------------------------------------------------------------


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


# -----------------------------------------------------------------------------
# Jobs
# -----------------------------------------------------------------------------


def time_lhe(context: dict[str, Any]) -> float:
    from apps.reports.models import ReportStatus
    from apps.reports.services import report_render, report_request
    from apps.tenancy.scope import scope

    admin = context["admin_largest"]
    with scope(admin.instansi_id):
        report = report_request(actor=admin, kind="lhe", params={"penilaian": str(context["penilaian"].public_id)})
        begin = time.perf_counter()
        report_render(report_id=report.pk)
        elapsed = time.perf_counter() - begin
        report.refresh_from_db()
        if report.status != ReportStatus.DONE:
            raise RuntimeError(f"LHE failed: {report.error}")
    return elapsed


def time_roster_import(context: dict[str, Any], rows: int = 10_000) -> tuple[float, Any]:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import override_settings

    from apps.tenancy.scope import scope
    from apps.unit_kerja.models import UnitKerja
    from apps.unit_kerja.services import pegawai_import

    admin = context["admin_largest"]
    with scope(admin.instansi_id):
        codes = list(UnitKerja.objects.filter(instansi_id=admin.instansi_id).values_list("code", flat=True)[:500])
        lines = ["nip,nama,jabatan,pangkat,email,kode_unit"]
        base = 400_000 + secrets.randbelow(50) * 20_000  # NIPs no seeded pegawai has (a fresh batch per run)
        for i in range(rows):
            lines.append(
                f"{nip_for(base + i)},Pegawai Impor {i},Analis,III/a,impor{base + i}@bench.go.id,{codes[i % len(codes)]}"  # noqa: E501
            )
        upload = SimpleUploadedFile("roster.csv", "\n".join(lines).encode(), content_type="text/csv")
        # The import's own cost: no clamd runs beside the bench, and production settings refuse an
        # unscanned upload (the scan is one round trip to clamd, measured in tests/bukti_dukung).
        with override_settings(ZI_ALLOW_UNSCANNED=True):
            begin = time.perf_counter()
            result = pegawai_import(actor=admin, file=upload)
            elapsed = time.perf_counter() - begin
    if not result.ok:
        raise RuntimeError(f"roster import refused: {result.errors[:3]}")
    return elapsed, result


def time_pakta_burst() -> tuple[float | None, str]:
    env = {**os.environ, "BENCH_PEGAWAI": "5000", "DJANGO_SETTINGS_MODULE": "zi.settings.test"}
    env["DATABASE_URL"] = os.environ["BENCH_SERVER_URL"]
    begin = time.perf_counter()
    done = subprocess.run(  # noqa: S603
        [sys.executable, str(ROOT / "bench" / "pakta_burst.py")], env=env, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - begin
    out = done.stdout.strip()
    wall = None
    for line in out.splitlines():
        if line.startswith("burst wall time:"):
            wall = float(line.split(":")[1].split("s")[0])
    if done.returncode != 0:
        out += "\n" + done.stderr[-2000:]
    log(f"pakta burst finished in {elapsed:.0f} s")
    return wall, out


def time_sweep() -> dict[str, Any]:
    """The reminder sweep of every instansi, in-process (what the beat's fan-out runs), with the
    Celery tasks it enqueues counted per unit (publishing goes to a queue no worker reads). Then the
    writing half of a sample of the delivery tasks it enqueued (``rencana_aksi_deliver_claims``:
    messages built, rendered and inserted, reports queued; not the SMTP send nor the PDF render), as
    the workers' cost per unit; the sample is rolled back."""
    from celery.signals import before_task_publish
    from django.db import transaction

    from apps.outbox.models import OutboxMessage
    from apps.rencana_aksi.reminders import rencana_aksi_deliver_claims, rencana_aksi_sweep
    from apps.rencana_aksi.tasks import rencana_aksi_deliver
    from apps.tenancy.models import Instansi
    from apps.tenancy.scope import scope
    from apps.unit_kerja.models import UnitKerja

    published: list[str] = []

    def count(sender: str | None = None, **kwargs: Any) -> None:
        published.append(str(sender))

    before_task_publish.connect(count, weak=False)
    last_outbox = OutboxMessage.objects.order_by("-id").values_list("id", flat=True).first() or 0
    # Smallest instansi first: at the time limit the run stops between instansi and projects.
    ids = list(Instansi.objects.order_by("-id").values_list("id", flat=True))
    units = 0
    totals: dict[str, int] = {}
    begin = time.perf_counter()
    swept = 0
    try:
        for instansi_id in ids:
            with scope(instansi_id):
                counts = rencana_aksi_sweep(instansi_id=instansi_id)
                units += UnitKerja.objects.filter(instansi_id=instansi_id).count()
            for key, value in counts.items():
                totals[key] = totals.get(key, 0) + value
            swept += 1
            if time.perf_counter() - begin > SWEEP_LIMIT_S:
                break
    finally:
        before_task_publish.disconnect(count)
    elapsed = time.perf_counter() - begin
    all_units = UnitKerja.unscoped.count()

    enqueued = list(
        OutboxMessage.objects.filter(id__gt=last_outbox, task_name=rencana_aksi_deliver.name)
        .order_by("-id")
        .values_list("kwargs", flat=True)
    )
    units_sampled = [(kwargs, claim_ids, plans) for kwargs in enqueued for claim_ids, plans in kwargs["units"]]
    units_delivered = len(units_sampled)
    units_sampled = units_sampled[:DELIVERY_SAMPLE]
    claims = sum(len(claim_ids) for _kwargs, claim_ids, _plans in units_sampled)
    delivery_begin = time.perf_counter()
    with transaction.atomic():
        for kwargs, claim_ids, plans in units_sampled:
            with scope(kwargs["instansi_id"]):
                rencana_aksi_deliver_claims(
                    instansi_id=kwargs["instansi_id"],
                    claim_ids=claim_ids,
                    rencana_ids=plans,
                    today=datetime.date.fromisoformat(kwargs["today"]),
                )
        delivery = time.perf_counter() - delivery_begin
        transaction.set_rollback(True)
    _drop_bench_queue()
    return {
        "seconds": elapsed,
        "instansi": swept,
        "instansi_total": len(ids),
        "units": units,
        "units_total": all_units,
        "claims": {str(kind): count for kind, count in totals.items()},
        "tasks": len(published),
        "task_names": sorted(set(published)),
        "units_delivered": units_delivered,
        "delivery_units": len(units_sampled),
        "delivery_claims": claims,
        "delivery_seconds": delivery,
    }


def _drop_bench_queue() -> None:
    """The run's tasks went to queues of its own that no worker reads: delete them from Redis."""
    import redis
    from django.conf import settings

    redis.Redis.from_url(os.environ["REDIS_URL"]).delete(*settings.CELERY_TASK_QUEUES)


# -----------------------------------------------------------------------------
# Main
# -----------------------------------------------------------------------------


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


MEMORY_REQUESTS = int(os.environ.get("BENCH_MEMORY_REQUESTS", "10000"))


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


if __name__ == "__main__":
    main()
