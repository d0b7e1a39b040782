"""The demo world holds rencana aksi: every unit with a tim kerja login has a plan, and the one
with a pimpinan unit login has it approved with a verified realisasi."""

from __future__ import annotations

from apps.rencana_aksi.models import Kegiatan, PlanStatus, Realisasi, RealisasiStatus, RencanaAksi
from tests.demo.test_seed_demo import demo

__all__ = ["demo"]


def test_demo_plans(demo: None) -> None:
    plans = RencanaAksi.unscoped.select_related("unit")
    assert {p.unit.code for p in plans} == {"DIT-IZIN", "DPMPTSP", "RSUD"}
    approved = plans.get(unit__code="DIT-IZIN")
    assert approved.status == PlanStatus.APPROVED
    assert Kegiatan.unscoped.filter(rencana=approved).count() == 6
    realisasi = Realisasi.unscoped.get(kegiatan__rencana=approved)
    assert realisasi.status == RealisasiStatus.VERIFIED
    assert list(realisasi.evidence.through.objects.filter(realisasi=realisasi).values_list("realisasi", flat=True)) == [
        realisasi.pk
    ]
