"""A unit of 5,000 pegawai signs the Pakta Integritas in a burst: how far below capacity is that?

The target is 5,000 signatures within an hour (1.4 per second). This drives the real public
signing page (GET the pact, POST consent and NIP) for every pegawai through Django's test client
from several threads, on PostgreSQL and Redis, and prints throughput and latency. Measured, not
asserted (bench/README.md).

    make bench-pakta                      # defaults: 5,000 pegawai, 8 threads
    BENCH_PEGAWAI=20000 BENCH_THREADS=16 make bench-pakta

It uses (and re-creates) its own database ``zi_bench`` on the server of DATABASE_URL.
"""

from __future__ import annotations

import os
import statistics
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PEGAWAI = int(os.environ.get("BENCH_PEGAWAI", "5000"))
THREADS = int(os.environ.get("BENCH_THREADS", "8"))
TARGET_PER_HOUR = 5000


def _bench_database_url() -> str:
    base = urlsplit(os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/zi"))
    return urlunsplit(base._replace(path="/zi_bench"))


def _recreate_database(url: str) -> None:
    import psycopg2

    connection = psycopg2.connect(urlunsplit(urlsplit(url)._replace(path="/postgres")))
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("DROP DATABASE IF EXISTS zi_bench")
        cursor.execute("CREATE DATABASE zi_bench")
    connection.close()


def main() -> None:
    url = _bench_database_url()
    _recreate_database(url)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zi.settings.test")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from apps.pencanangan import services
    from apps.pencanangan.models import PaktaIntegritas
    from apps.tenancy.models import Instansi, InstansiKind, Membership
    from apps.tenancy.roles import Role
    from apps.tenancy.scope import scope
    from apps.unit_kerja.models import Cycle, Pegawai, UnitKerja

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    from apps.accounts.models import User

    instansi = Instansi.objects.create(code="bench", name="Instansi Bench", kind=InstansiKind.KEMENTERIAN)
    operator = User.objects.create_user(email="operator@bench.go.id", password="bench-ZI-2026")  # noqa: S106
    with scope(instansi.pk):
        unit = UnitKerja.objects.create(instansi=instansi, code="U1", name="Unit Bench")
        actor = Membership.objects.create(user=operator, instansi=instansi, role=Role.ADMIN_ZI)
        tahun = time.localtime().tm_year
        import datetime

        cycle = Cycle.objects.create(
            instansi=instansi,
            tahun=tahun,
            fill_start=datetime.date(tahun, 1, 1),
            fill_end=datetime.date(tahun, 6, 30),
            review_start=datetime.date(tahun, 7, 1),
            review_end=datetime.date(tahun, 8, 31),
            revision_start=datetime.date(tahun, 9, 1),
            revision_end=datetime.date(tahun, 9, 30),
            proposal_end=datetime.date(tahun, 12, 31),
        )
        Pegawai.objects.bulk_create(
            Pegawai(instansi=instansi, unit=unit, nip=f"1980010120050{i:05d}", name=f"P{i}") for i in range(PEGAWAI)
        )
        roster = list(Pegawai.objects.filter(instansi=instansi).order_by("pk"))
        tokens = [(p.nip, services.signing_link_create(actor=actor, pegawai=p, cycle=cycle).token) for p in roster]
    connection.close()
    print(f"set-up: {PEGAWAI} pegawai and links in {time.perf_counter() - started:.1f} s")

    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()
    chunks = [tokens[i::THREADS] for i in range(THREADS)]

    def sign_all(chunk: list[tuple[str, str]]) -> None:
        client = Client()
        for nip, token in chunk:
            path = reverse("pakta-public:sign", kwargs={"token": token})
            begin = time.perf_counter()
            page = client.get(path)
            done = client.post(path, {"confirm": "on", "nip": nip})
            elapsed = time.perf_counter() - begin
            with lock:
                latencies.append(elapsed)
                if page.status_code != 200 or done.status_code != 302:
                    failures.append(f"{page.status_code}/{done.status_code}")
        connection.close()

    burst_start = time.perf_counter()
    workers = [threading.Thread(target=sign_all, args=(chunk,)) for chunk in chunks]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    wall = time.perf_counter() - burst_start

    signed = PaktaIntegritas.unscoped.filter(instansi=instansi).count()
    rate = signed / wall
    quantiles = statistics.quantiles(latencies, n=100)
    print(f"signed: {signed} of {PEGAWAI} ({len(failures)} failed requests) with {THREADS} threads")
    print(f"burst wall time: {wall:.1f} s → {rate:.1f} signatures/s ({rate * 3600:,.0f} per hour)")
    print(f"per signature (GET + POST): p50 {quantiles[49] * 1000:.0f} ms, p95 {quantiles[94] * 1000:.0f} ms")
    print(
        f"target {TARGET_PER_HOUR:,} per hour ({TARGET_PER_HOUR / 3600:.2f}/s): "
        f"capacity is {rate * 3600 / TARGET_PER_HOUR:.0f}× the target, in one process"
    )
    if failures:
        sys.exit(1)


if __name__ == "__main__":
    main()
