"""Isolation entries for the rencana aksi: plans, kegiatan, realisasi, their history, the
monitoring setting, reminder claims, kegiatan import jobs, the heatmap and its export."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from apps.rencana_aksi.models import (
    Kegiatan,
    PengaturanMonitoring,
    PengingatKlaim,
    Realisasi,
    RencanaAksi,
    RencanaAksiRevisi,
)
from apps.unit_kerja.models import Cycle, ImportKind
from tests.factories import CycleFactory, PegawaiFactory
from tests.isolation.registry import PIMPINAN_UNIT_A1, ListRoute, ObjectRoute
from tests.isolation.routes.unit_kerja import _import_job

TAHUN = 2026


def _cycle(world):
    return Cycle.unscoped.filter(instansi=world.instansi_a, tahun=TAHUN).first() or CycleFactory(
        instansi=world.instansi_a, tahun=TAHUN
    )


def make_rencana(world) -> RencanaAksi:
    existing = RencanaAksi.unscoped.filter(instansi=world.instansi_a, unit=world.unit_a1).first()
    return existing or RencanaAksi.unscoped.create(
        instansi=world.instansi_a, unit=world.unit_a1, cycle=_cycle(world), status="approved", approved_revision=1
    )


def make_kegiatan(world) -> Kegiatan:
    rencana = make_rencana(world)
    pic = PegawaiFactory(unit=world.unit_a1, name="PIC RAHASIA A")
    return Kegiatan.unscoped.create(
        instansi=world.instansi_a,
        rencana=rencana,
        area=1,
        description="Kegiatan RAHASIA-A",
        output="Dokumen",
        indicator="Ada",
        target_value=Decimal("1"),
        target_unit="dokumen",
        pic=pic,
        schedule=0b111111111111,
        deadline=datetime.date(TAHUN, 6, 30),
    )


def make_deleted_kegiatan(world) -> Kegiatan:
    kegiatan = make_kegiatan(world)
    Kegiatan.unscoped.filter(pk=kegiatan.pk).update(deleted_at=timezone.now())
    return kegiatan


def make_realisasi(world) -> Realisasi:
    kegiatan = make_kegiatan(world)
    return Realisasi.unscoped.create(
        instansi=world.instansi_a, kegiatan=kegiatan, periode=f"{TAHUN}-03", progress=50, status="submitted"
    )


def make_history(world) -> RencanaAksiRevisi:
    return RencanaAksiRevisi.unscoped.create(
        instansi=world.instansi_a, rencana=make_rencana(world), revision=1, event="approved"
    )


def make_setting(world) -> PengaturanMonitoring:
    return PengaturanMonitoring.unscoped.create(instansi=world.instansi_a, cycle=_cycle(world), frekuensi="quarterly")


def make_claim(world) -> PengingatKlaim:
    return PengingatKlaim.unscoped.create(
        instansi=world.instansi_a, kind="due_7", item="kegiatan:x", period="2026-06-30"
    )


def make_import_job(world):
    """A kegiatan import into A1's plan by ani (tim kerja of A1): its row errors name A1's people."""
    job = _import_job(world)
    job.kind = ImportKind.KEGIATAN
    job.params = {"rencana": str(make_rencana(world).public_id), "reason": ""}
    job.errors = [{"row": 2, "column": "nip_pic", "message": "PIC RAHASIA A"}]
    job.save(update_fields=["kind", "params", "errors"])
    return job


def _id(make):
    return lambda world: {"public_id": make(world).public_id}


def _list_with_plan(world):
    make_kegiatan(world)
    return {}, "RAHASIA"


def _list_with_unit(world):
    make_rencana(world)
    return {}, world.unit_a1.name


OBJECT_ROUTES = [
    ObjectRoute("rencana_aksi:rencana-detail", _id(make_rencana)),
    ObjectRoute("rencana_aksi:rencana-submit", _id(make_rencana), methods=("POST",)),
    ObjectRoute("rencana_aksi:rencana-approve", _id(make_rencana), methods=("POST",)),
    ObjectRoute("rencana_aksi:rencana-return", _id(make_rencana), methods=("POST",), data={"note": "x"}),
    ObjectRoute("rencana_aksi:rencana-lead", _id(make_rencana), methods=("POST",), data={"lead": ""}),
    ObjectRoute("rencana_aksi:rencana-report", _id(make_rencana), methods=("POST",), data={"periode": "2026-03"}),
    ObjectRoute("rencana_aksi:kegiatan-create", _id(make_rencana), methods=("GET", "POST"), data={"area": "1"}),
    ObjectRoute("rencana_aksi:kegiatan-import", _id(make_rencana), methods=("GET", "POST")),
    ObjectRoute("rencana_aksi:kegiatan-import-job", _id(make_import_job)),
    ObjectRoute("rencana_aksi:kegiatan-import-job-status", _id(make_import_job)),
    ObjectRoute("rencana_aksi:kegiatan-detail", _id(make_kegiatan)),
    ObjectRoute("rencana_aksi:kegiatan-update", _id(make_kegiatan), methods=("GET", "POST"), data={"area": "1"}),
    ObjectRoute("rencana_aksi:kegiatan-restore", _id(make_deleted_kegiatan), methods=("POST",)),
    ObjectRoute("rencana_aksi:kegiatan-delete", _id(make_kegiatan), methods=("POST",)),
    ObjectRoute("rencana_aksi:realisasi-edit", _id(make_kegiatan), methods=("GET", "POST"), data={"progress": "5"}),
    ObjectRoute("rencana_aksi:kegiatan-evidence-lke", _id(make_kegiatan), methods=("POST",)),
    ObjectRoute("rencana_aksi:realisasi-detail", _id(make_realisasi)),
    ObjectRoute("rencana_aksi:realisasi-submit", _id(make_realisasi), methods=("POST",)),
    ObjectRoute("rencana_aksi:realisasi-verify", _id(make_realisasi), methods=("POST",)),
    ObjectRoute("rencana_aksi:realisasi-return", _id(make_realisasi), methods=("POST",), data={"note": "x"}),
]

LIST_ROUTES = [
    ListRoute("rencana_aksi:rencana-list", _list_with_unit),
    ListRoute("rencana_aksi:heatmap", _list_with_unit),
]

EXEMPT_ROUTES = {
    "rencana_aksi:rencana-create": "POST only; creates a plan for a unit of the actor's own instansi "
    "(the unit choices are scoped)",
    "rencana_aksi:frequency-set": "POST only; sets the actor's own instansi's setting",
    "rencana_aksi:import-template": "an empty XLSX with the column names; no tenant data",
    "rencana_aksi:heatmap-export": "binary XLSX of the actor's own instansi (the list check reads text); "
    "isolation tested in tests/rencana_aksi/test_views.py::test_heatmap_export_holds_only_own_units",
}

TENANT_MODELS = {
    RencanaAksi: make_rencana,
    Kegiatan: make_kegiatan,
    Realisasi: make_realisasi,
    RencanaAksiRevisi: make_history,
    PengaturanMonitoring: make_setting,
    PengingatKlaim: make_claim,
}

_HEAD_OF_UNIT = {
    "rencana_aksi:rencana-approve",
    "rencana_aksi:rencana-return",
    "rencana_aksi:rencana-lead",
    "rencana_aksi:realisasi-verify",
    "rencana_aksi:realisasi-return",
}
OWNERS = {route.name: (PIMPINAN_UNIT_A1 if route.name in _HEAD_OF_UNIT else "ani") for route in OBJECT_ROUTES}
