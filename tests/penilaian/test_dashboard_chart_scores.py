"""The dashboard's LKE chart reads the tier scores without the whole detail page (issue 22): its
area rows must be the detail page's, tier for tier, whatever the answers."""

from __future__ import annotations

import random

from apps.lke.models import AnswerType, Soal
from apps.penilaian.dashboards import _tier_scores
from apps.penilaian.models import Jawaban, Tier
from apps.penilaian.pages.detail import detail_page
from tests.penilaian.conftest import LKEWorld


def _answer_for(soal: Soal, rng: random.Random) -> str | None:
    if rng.random() < 0.25:
        return None  # left blank
    if soal.answer_type == AnswerType.JUMLAH:
        return str(rng.randint(0, 40))
    if soal.answer_type == AnswerType.NILAI_0_4:
        return str(rng.randint(0, 4))
    return rng.choice([option["key"] for option in soal.options])


def test_chart_area_scores_equal_the_detail_pages(lke: LKEWorld, a_scope) -> None:
    rng = random.Random(22)
    soal_list = list(Soal.objects.filter(template=lke.template))
    for tier, level in ((Tier.UNIT, 0), (Tier.TPI, 1)):
        Jawaban.objects.bulk_create(
            Jawaban(
                instansi=lke.world.instansi_a,
                penilaian=lke.penilaian,
                soal=soal,
                tier=tier,
                level=level,
                answer=_answer_for(soal, rng),
            )
            for soal in soal_list
        )
    columns, rows = _tier_scores(lke.penilaian)
    page = detail_page(penilaian=lke.penilaian)
    assert [c.label for c in columns] == [c.label for c in page.columns]
    assert len(columns) == 2
    light = [(r.label, r.weight, r.values) for r in rows if r.level == "area"]
    full = [(r.label, r.weight, r.values) for r in page.score_rows if r.level == "area"]
    assert light == full
    assert len(light) >= 12  # six change areas in each half, and the hasil rows
    assert any(value for _label, _weight, values in light for value in values)
