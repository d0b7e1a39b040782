"""Isolation entries for the LKE assessment (penilaian)."""

from __future__ import annotations

from apps.lke.models import Soal
from apps.lke.services import DEFAULT_MASTER, lke_import_file
from apps.penilaian.models import (
    AreaAssignment,
    ItemReturn,
    Jawaban,
    Penilaian,
    Recommendation,
    Tier,
    TPIAssignment,
    TPITier,
)
from tests.penilaian.conftest import open_cycle_now


def make_penilaian(world) -> Penilaian:
    template = lke_import_file(DEFAULT_MASTER).template
    cycle = open_cycle_now(world.instansi_a)
    return Penilaian.unscoped.create(instansi=world.instansi_a, unit=world.unit_a1, cycle=cycle, template=template)


def _soal(penilaian: Penilaian, soal_id: int = 1) -> Soal:
    return Soal.objects.get(template=penilaian.template, portalrb_soal_id=soal_id)


def make_jawaban(world) -> Jawaban:
    penilaian = make_penilaian(world)
    return Jawaban.unscoped.create(
        instansi=world.instansi_a,
        penilaian=penilaian,
        soal=_soal(penilaian),
        tier=Tier.UNIT,
        answer="Ya",
        note="rahasia A",
    )


def make_return(world) -> ItemReturn:
    penilaian = make_penilaian(world)
    return ItemReturn.unscoped.create(
        instansi=world.instansi_a,
        penilaian=penilaian,
        soal=_soal(penilaian),
        level=1,
        note="perbaiki",
        returned_by=world.budi,
    )


def make_assignment(world) -> TPIAssignment:
    penilaian = make_penilaian(world)
    return TPIAssignment.unscoped.create(
        instansi=world.instansi_a, cycle=penilaian.cycle, unit=world.unit_a1, reviewer=world.budi, level=1
    )


TENANT_MODELS = {
    Penilaian: make_penilaian,
    Jawaban: make_jawaban,
    ItemReturn: make_return,
    TPIAssignment: make_assignment,
    TPITier: lambda w: TPITier.unscoped.create(instansi=w.instansi_a, level=1, name="Anggota tim"),
    AreaAssignment: lambda w: AreaAssignment.unscoped.create(
        instansi=w.instansi_a, penilaian=make_penilaian(w), area=1, assignee=w.ani
    ),
    Recommendation: lambda w: Recommendation.unscoped.create(
        instansi=w.instansi_a, penilaian=make_penilaian(w), decision="belum_layak", reasons="x", decided_by=w.budi
    ),
}
