"""A penilaian in progress for unit A1 of instansi A: the LKE imported, the year open with every
window around today, A1 designated, budi (TPI) assigned at tier 1."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from apps.lke.models import LKETemplate, Soal
from apps.lke.selectors import template_caches_clear
from apps.lke.services import DEFAULT_MASTER, lke_import_file
from apps.penilaian.models import Penilaian, TPIAssignment
from apps.tenancy.models import Membership
from apps.tenancy.scope import scope
from apps.unit_kerja.models import Cycle, Penetapan, PenetapanStatus
from tests.conftest import World


def open_cycle_now(instansi) -> Cycle:
    """A cycle of the current year whose every window includes today."""
    today = timezone.localdate()
    start, end = datetime.date(today.year, 1, 1), datetime.date(today.year, 12, 30)
    return Cycle.unscoped.create(
        instansi=instansi,
        tahun=today.year,
        fill_start=start,
        fill_end=end,
        review_start=start,
        review_end=end,
        revision_start=start,
        revision_end=end,
        proposal_end=datetime.date(today.year, 12, 31),
    )


@dataclass
class LKEWorld:
    world: World
    template: LKETemplate
    cycle: Cycle
    penilaian: Penilaian

    def soal(self, soal_id: int) -> Soal:
        return Soal.objects.select_related("node").get(template=self.template, portalrb_soal_id=soal_id)

    def actor(self, user) -> Membership:
        return Membership.objects.select_related("unit", "instansi").get(user=user)


@pytest.fixture
def lke(world: World) -> LKEWorld:
    template = lke_import_file(DEFAULT_MASTER).template
    template_caches_clear()
    cycle = open_cycle_now(world.instansi_a)
    Penetapan.unscoped.create(
        instansi=world.instansi_a,
        unit=world.unit_a1,
        cycle=cycle,
        is_core_service=True,
        core_service_reason="Layanan utama",
        status=PenetapanStatus.DESIGNATED,
        sk_number="SK/1",
        sk_date=datetime.date(cycle.tahun, 1, 2),
    )
    penilaian = Penilaian.unscoped.create(instansi=world.instansi_a, unit=world.unit_a1, cycle=cycle, template=template)
    TPIAssignment.unscoped.create(
        instansi=world.instansi_a, cycle=cycle, unit=world.unit_a1, reviewer=world.budi, level=1
    )
    return LKEWorld(world, template, cycle, penilaian)


@pytest.fixture
def a_scope(world: World):
    with scope(world.instansi_a.pk):
        yield


# The reason a test gives when it submits an LKE with items unanswered (issue 17: needs a reason).
PARTIAL = "Uji: sebagian soal sengaja belum dijawab."


@pytest.fixture
def in_review(lke: LKEWorld) -> LKEWorld:
    """The unit answered everything with the lowest option, and submitted (the TPI review pages)."""
    # The filling helpers import this conftest: read them when the fixture runs.
    from tests.penilaian.test_review_support import fill, submit, worst  # noqa: PLC0415  (cycle: they import this conftest)

    fill(lke, answer=worst, note=lambda s: f"Catatan unit {s.portalrb_soal_id}")
    submit(lke)
    return lke
