"""Helpers shared by the TPI review tests (no tests here): answers in bulk, tiers, submission.

Answers written in bulk stand for what the unit and the tiers typed earlier; the behaviour under
test always goes through the services or the pages. Each helper opens instansi A's scope itself, so
view tests run their requests without a scope left open by the test (as in production).
"""

from __future__ import annotations

from collections.abc import Callable

from apps.lke.models import Soal
from apps.penilaian.models import Jawaban, Penilaian, Tier, TPIAssignment
from apps.penilaian.services.review import penilaian_submit, penilaian_tier_complete
from apps.penilaian.services.setup import tpi_tiers_set
from apps.tenancy.scope import scope
from tests.penilaian.conftest import PARTIAL, LKEWorld

TIER_NAMES = ["Anggota tim", "Ketua tim", "Pengendali teknis"]


def best(soal: Soal) -> str:
    """A valid, high answer: the first option, 4 on a survey scale, 5 for every count (no count
    then exceeds what it is compared with)."""
    if soal.options:
        return soal.options[0]["key"]
    return "4" if soal.answer_type == "NILAI_0_4" else "5"


def worst(soal: Soal) -> str:
    """A valid answer worth nothing."""
    if soal.options:
        return soal.options[-1]["key"]
    return "0"


def fill(
    lke: LKEWorld,
    *,
    tier: str = Tier.UNIT,
    level: int = 0,
    answer: Callable[[Soal], str] = best,
    only: set[int] | None = None,
    note: Callable[[Soal], str] | None = None,
) -> int:
    """Write one tier's answers to every soal (or the PortalRB ids in ``only``) in one insert."""
    with scope(lke.world.instansi_a.pk):
        return _fill(lke, tier=tier, level=level, answer=answer, only=only, note=note)


def _fill(
    lke: LKEWorld,
    *,
    tier: str,
    level: int,
    answer: Callable[[Soal], str],
    only: set[int] | None,
    note: Callable[[Soal], str] | None,
) -> int:
    rows = [
        Jawaban(
            instansi=lke.world.instansi_a,
            penilaian=lke.penilaian,
            soal=soal,
            tier=tier,
            level=level,
            answer=answer(soal),
            note=note(soal) if note else "",
        )
        for soal in lke.template.soal.all()
        if only is None or soal.portalrb_soal_id in only
    ]
    Jawaban.objects.bulk_create(rows)
    return len(rows)


def three_tiers(lke: LKEWorld) -> None:
    """Anggota → Ketua → Pengendali teknis, budi assigned at each (tier 1 comes from the fixture)."""
    with scope(lke.world.instansi_a.pk):
        tpi_tiers_set(actor=lke.actor(lke.world.citra), names=TIER_NAMES)
        for level in (2, 3):
            TPIAssignment.objects.create(
                instansi=lke.world.instansi_a,
                cycle=lke.cycle,
                unit=lke.world.unit_a1,
                reviewer=lke.world.budi,
                level=level,
            )


def submit(lke: LKEWorld) -> Penilaian:
    """The unit (ani) submits its self-assessment: in review at tier 1."""
    with scope(lke.world.instansi_a.pk):
        penilaian_submit(actor=lke.actor(lke.world.ani), penilaian=lke.penilaian, incomplete_reason=PARTIAL)
        lke.penilaian.refresh_from_db()
    return lke.penilaian


def complete_tier(lke: LKEWorld) -> Penilaian:
    """budi answers every soal of the current tier (bulk) and completes it through the service."""
    lke.penilaian.refresh_from_db()
    fill(lke, tier=Tier.TPI, level=lke.penilaian.current_level)
    with scope(lke.world.instansi_a.pk):
        penilaian_tier_complete(actor=lke.actor(lke.world.budi), penilaian=lke.penilaian)
        lke.penilaian.refresh_from_db()
    return lke.penilaian
