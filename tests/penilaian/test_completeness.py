"""Incomplete work is never shown as complete (issue 16): answered/total beside every score on the
worksheet, the TPI review and the LHE PDF, and an incomplete set of answers gets the range of its
estimate (every unanswered item at 0 … at full marks), never one predikat — even when the answers it
has would, read the way the official workbook averages them, reach WBBM."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from apps.lke.models import Soal
from apps.lke.scoring import estimate, predikat_estimate, score
from apps.lke.selectors import template_spec
from apps.penilaian.models import Tier
from apps.penilaian.reports import build_lhe_context
from apps.penilaian.services.answers import jawaban_save
from apps.reports.models import ReportStatus
from apps.reports.services import report_render
from apps.tenancy.scope import scope
from tests.penilaian.conftest import LKEWorld
from tests.penilaian.test_lhe import pdf_text, request_lhe
from tests.penilaian.test_review_support import best, fill, submit

pytestmark = pytest.mark.usefixtures("a_scope")


def one_per_sub_area(lke: LKEWorld) -> set[int]:
    """The first scored soal of every sub-area (all inputs of a percentage-only one): every sub-area
    then averages only full marks — 100 the way the official workbook reads blanks."""
    spec = template_spec(lke.template.pk)
    chosen: set[int] = set()
    for node in spec.nodes():
        if node.children:
            continue
        scored = [s.soal_id for s in node.soal if s.answer_type != "JUMLAH"]
        if node.scoring == "per_item":
            chosen.update(scored)
        else:
            chosen.update(scored[:1] or [s.soal_id for s in node.soal])
    return chosen


def high(soal: Soal) -> str:
    return "0" if soal.portalrb_soal_id == 103 else best(soal)  # violations fell from 5 to 0


def text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.fixture
def partial(lke: LKEWorld) -> LKEWorld:
    chosen = one_per_sub_area(lke)
    fill(lke, answer=high, only=chosen)
    spec = template_spec(lke.template.pk)
    answers = {s.portalrb_soal_id: high(s) for s in Soal.objects.filter(template=lke.template)}
    partial_answers = {i: a for i, a in answers.items() if i in chosen}
    # the dangerous case: read like the official workbook, these answers reach WBBM
    assert predikat_estimate(estimate(spec, score(spec, partial_answers))) == "WBBM"
    assert len(chosen) < 127
    lke.chosen = chosen  # type: ignore[attr-defined]
    return lke


def test_the_worksheet_overview_says_incomplete_and_gives_the_range(partial: LKEWorld, login) -> None:
    n = len(partial.chosen)  # type: ignore[attr-defined]
    url = reverse("penilaian:penilaian-detail", kwargs={"public_id": partial.penilaian.public_id})
    body = text(login(partial.world.ani).get(url))
    predikat = re.search(r'data-testid="tier-unit-predikat">([^<]*)<', body)
    assert predikat is not None
    assert predikat.group(1) == gettext("incomplete")
    assert "WBBM" not in predikat.group(1)
    assert 'data-testid="predikat-range"' in body
    assert f"{n}/127" in body
    assert gettext("Range of the estimate:") in body


def test_a_complete_worksheet_gets_one_predikat_and_no_range(lke: LKEWorld, login) -> None:
    fill(lke, answer=high)
    url = reverse("penilaian:penilaian-detail", kwargs={"public_id": lke.penilaian.public_id})
    body = text(login(lke.world.ani).get(url))
    assert 'data-testid="predikat-range"' not in body
    assert re.search(r'data-testid="tier-unit-predikat">WBBM<', body)
    assert "127/127" in body


def test_the_worksheet_section_shows_answered_of_total_beside_its_scores(lke: LKEWorld, login) -> None:
    for soal_id in (1, 3, 6, 9):  # one soal in each sub-area of Manajemen Perubahan
        with scope(lke.world.instansi_a.pk):
            soal = lke.soal(soal_id)
            jawaban_save(
                actor=lke.actor(lke.world.ani), penilaian=lke.penilaian, soal=soal, answer=best(soal), version=0
            )
    url = reverse("penilaian:worksheet", kwargs={"public_id": lke.penilaian.public_id, "section": "pemenuhan-1"})
    body = text(login(lke.world.ani).get(url))
    assert re.search(r'id="done-section"><small[^>]*data-testid="done"[^>]*>4/12', body)
    assert re.search(r'id="done-node-\d+"><small[^>]*>1/2 ', body)  # Penyusunan Tim Kerja: 1 of its 2 soal


def test_the_tpi_review_shows_completeness_and_the_range(partial: LKEWorld, login) -> None:
    submit(partial)
    fill(partial, tier=Tier.TPI, level=1, answer=high, only=partial.chosen)  # type: ignore[attr-defined]
    url = reverse("penilaian:review-summary", kwargs={"public_id": partial.penilaian.public_id})
    body = text(login(partial.world.budi).get(url))
    n = len(partial.chosen)  # type: ignore[attr-defined]
    assert f"{n}/127" in body
    assert 'data-testid="predikat-range"' in body
    assert gettext("No predikat is estimated for incomplete answers.") in body


def test_the_lhe_pdf_shows_completeness_and_the_range(partial: LKEWorld) -> None:
    submit(partial)
    fill(partial, tier=Tier.TPI, level=1, answer=high, only=partial.chosen)  # type: ignore[attr-defined]
    with scope(partial.world.instansi_a.pk):
        context = build_lhe_context(
            instansi=partial.world.instansi_a, params={"penilaian": str(partial.penilaian.public_id)}
        )
    assert context["predikat"].best is None
    assert context["predikat"].bounds.complete is False
    assert context["predikat"].bounds.high == "WBBM"
    report = request_lhe(partial, partial.world.budi)
    with scope(partial.world.instansi_a.pk):
        assert report_render(report_id=report.pk) is True
        report.refresh_from_db()
    assert report.status == ReportStatus.DONE, report.error
    pdf = pdf_text(report.file.open("rb").read())
    n = len(partial.chosen)  # type: ignore[attr-defined]
    assert f"{n}/127" in pdf
    assert "127" in pdf
    assert gettext("No predikat is estimated for incomplete answers.")[:30] in pdf
