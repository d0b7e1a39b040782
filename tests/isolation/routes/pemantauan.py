"""Isolation entries for the monitoring after the predikat (apps.pemantauan, issue 17)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from apps.pemantauan.models import Pengaduan, PeringatanDini, UsulanPencabutan
from apps.pengusulan.models import PredikatUnit
from tests.isolation.registry import ListRoute, ObjectRoute


def make_predikat(world) -> PredikatUnit:
    found = PredikatUnit.unscoped.filter(instansi=world.instansi_a, unit=world.unit_a1).first()
    if found is not None:
        return found
    return PredikatUnit.unscoped.create(
        instansi=world.instansi_a,
        unit=world.unit_a1,
        predikat="WBK",
        tahun=2024,
        decree_number="KEP-RAHASIA-A",
        decree_date=datetime.date(2024, 12, 9),
    )


def make_pengaduan(world) -> Pengaduan:
    return Pengaduan.unscoped.create(
        instansi=world.instansi_a,
        predikat=make_predikat(world),
        unit=world.unit_a1,
        isi="Aduan rahasia A",
        diterima_pada=timezone.now(),
    )


def make_peringatan(world) -> PeringatanDini:
    return PeringatanDini.unscoped.create(
        instansi=world.instansi_a,
        predikat=make_predikat(world),
        unit=world.unit_a1,
        tahun=timezone.localdate().year,
        jenis="pengaduan",
        keterangan="Peringatan rahasia A",
    )


def make_usulan(world) -> UsulanPencabutan:
    return UsulanPencabutan.unscoped.create(
        instansi=world.instansi_a,
        predikat=make_predikat(world),
        unit=world.unit_a1,
        alasan="Alasan rahasia A",
        diusulkan_oleh=world.citra,
    )


def _unit(world):
    make_predikat(world)
    return {"public_id": world.unit_a1.public_id}


def _overview(world):
    make_pengaduan(world)
    make_peringatan(world)
    return {}, "rahasia A"


OBJECT_ROUTES = [
    ObjectRoute("pemantauan:pengaduan-record", _unit, methods=("POST",), data={"isi": "x", "saluran": "lapor"}),
    ObjectRoute("pemantauan:usulan-create", _unit, methods=("POST",), data={"alasan": "x"}),
]

LIST_ROUTES = [ListRoute("pemantauan:overview", _overview)]

EXEMPT_ROUTES = {
    "api_v1:usulan-pencabutan-list": "National API (personal national token); tests/pemantauan/test_api.py.",
    "api_v1:usulan-pencabutan-keputusan": "National API (personal national token); tests/pemantauan/test_api.py.",
    "pemantauan:evaluate": "Acts on the actor's own instansi only (no id in the request); tests/pemantauan.",
    "pemantauan:national-list": "National members only (instansi members get 403); tests/pemantauan.",
    "pemantauan:national-detail": "National members only (instansi members get 403); tests/pemantauan.",
    "aduan:public-complaint": "Public form (no login) about a predicated unit; writes only; tests/pemantauan.",
}

TENANT_MODELS = {Pengaduan: make_pengaduan, PeringatanDini: make_peringatan, UsulanPencabutan: make_usulan}
