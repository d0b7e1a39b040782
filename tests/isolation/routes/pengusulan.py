"""Isolation entries for pengusulan (proposals to KemenPANRB) and their snapshots."""

from __future__ import annotations

from apps.pengusulan.models import Pengusulan, PengusulanSnapshot
from apps.pengusulan.snapshot import snapshot_build, snapshot_hash
from apps.tenancy.scope import scope
from tests.isolation.routes.penilaian import make_penilaian


def make_pengusulan(world) -> Pengusulan:
    penilaian = make_penilaian(world)
    return Pengusulan.unscoped.create(
        instansi=world.instansi_a, cycle=penilaian.cycle, unit=penilaian.unit, penilaian=penilaian, predikat="WBK"
    )


def make_snapshot(world) -> PengusulanSnapshot:
    pengusulan = make_pengusulan(world)
    with scope(world.instansi_a.pk):
        data = snapshot_build(penilaian=pengusulan.penilaian, predikat="WBK", afirmasi=False)
    return PengusulanSnapshot.unscoped.create(
        instansi=world.instansi_a,
        pengusulan=pengusulan,
        number=1,
        data=data,
        sha256=snapshot_hash(data),
        created_by=world.citra,
    )


TENANT_MODELS = {Pengusulan: make_pengusulan, PengusulanSnapshot: make_snapshot}
