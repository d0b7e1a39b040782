"""The review pages read in a constant number of queries, whatever is answered (LKE issue §8).

Three tiers configured, the LKE at tier 3: first only a few answers per tier, then every soal
answered by the unit and by tiers 1–3 (with notes, evidence and returned items). The page must use
exactly the same number of queries both times.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.bukti_dukung.models import BuktiDukung
from apps.penilaian.models import ItemReturn, Jawaban, Penilaian, PenilaianStatus, Tier
from apps.tenancy.scope import scope
from tests.penilaian.conftest import LKEWorld
from tests.penilaian.test_review_support import best, fill, three_tiers, worst

FEW = {1, 2, 30, 125}
# A budget well above today's count: a page that starts querying per soal blows through it at once.
BUDGET = 20


def at_tier_3(lke: LKEWorld) -> None:
    three_tiers(lke)
    Penilaian.unscoped.filter(pk=lke.penilaian.pk).update(status=PenilaianStatus.IN_REVIEW, current_level=3)


def evidence_and_returns(lke: LKEWorld, soal_ids: set[int]) -> None:
    """Each unit answer of ``soal_ids`` gets a file; each of those soal a returned item."""
    with scope(lke.world.instansi_a.pk):
        for row in Jawaban.objects.filter(tier=Tier.UNIT, soal__portalrb_soal_id__in=soal_ids).select_related("soal"):
            bukti = BuktiDukung.objects.create(
                instansi=lke.world.instansi_a,
                file=f"instansi/{lke.world.instansi_a.pk}/bukti/{row.soal.portalrb_soal_id}.pdf",
                original_name=f"bukti-{row.soal.portalrb_soal_id}.pdf",
                kind="pdf",
                size=10,
                sha256="0" * 64,
                uploaded_by=lke.world.ani,
            )
            row.evidence.add(bukti)
            ItemReturn.objects.create(
                instansi=lke.world.instansi_a,
                penilaian=lke.penilaian,
                soal=row.soal,
                level=1,
                note="Perbaiki",
                status="accepted",
                returned_by=lke.world.budi,
            )


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "page",
    [("review", {"section": "pemenuhan-3"}), ("review", {"section": "hasil"}), ("review-summary", {})],
    ids=["section-pemenuhan-3", "section-hasil", "summary"],
)
def test_review_pages_use_the_same_queries_with_few_and_with_all_answers(
    lke: LKEWorld, login, django_assert_num_queries, page
) -> None:
    name, extra = page
    at_tier_3(lke)
    url = reverse(f"penilaian:{name}", kwargs={"public_id": lke.penilaian.public_id, **extra})
    client = login(lke.world.budi)

    for tier, level in ((Tier.UNIT, 0), (Tier.TPI, 1), (Tier.TPI, 2), (Tier.TPI, 3)):
        fill(lke, tier=tier, level=level, only=FEW, note=lambda s: "catatan")
    evidence_and_returns(lke, FEW)
    client.get(url)  # warm the per-process template cache, as any running server has
    few = count_queries(client, url)
    assert few <= BUDGET

    with scope(lke.world.instansi_a.pk):
        Jawaban.objects.all().delete()
        ItemReturn.objects.all().delete()
    for tier, level in ((Tier.UNIT, 0), (Tier.TPI, 1), (Tier.TPI, 2), (Tier.TPI, 3)):
        # Alternate answers so that every tier differs from the one below (differences on every row).
        fill(lke, tier=tier, level=level, answer=best if level % 2 else worst, note=lambda s: "catatan")
    every = {soal.portalrb_soal_id for soal in lke.template.soal.all()}
    evidence_and_returns(lke, every)
    assert Jawaban.unscoped.filter(penilaian=lke.penilaian).count() == 4 * 127

    with django_assert_num_queries(few):
        response = client.get(url)
    assert response.status_code == 200
