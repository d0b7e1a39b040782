"""The jobs: the LHE PDF, a roster import, the Pakta burst and the reminder sweep."""

from __future__ import annotations

import datetime
import os
import secrets
import subprocess
import sys
import time
from typing import Any

from seed.shape import nip_for

from measure.config import DELIVERY_SAMPLE, ROOT, SWEEP_LIMIT_S, log


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
    from apps.unit_kerja.services.imports import pegawai_import

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
