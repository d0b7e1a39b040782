"""The LHE (Laporan Hasil Evaluasi): who may request it, and the PDF of a full LKE reviewed in
three tiers, rendered through the reports service and read back with pypdf."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import translation
from pypdf import PdfReader

from apps.core.errors import PermissionDeniedError
from apps.penilaian.models import ItemReturn, Jawaban, Penilaian, Recommendation, Tier, TPIAssignment
from apps.penilaian.reports import LHE, LHE_NOT_ALLOWED, PENILAIAN_REQUIRED, build_lhe_context
from apps.penilaian.selectors import penilaian_scores
from apps.penilaian.services.answers import jawaban_save
from apps.penilaian.services.review import (
    item_return,
    item_return_accept,
    penilaian_recommend,
    penilaian_send_back,
    penilaian_submit,
    penilaian_tier_complete,
)
from apps.reports.models import ReportStatus
from apps.reports.services import NOT_ALLOWED, report_render, report_request
from apps.tenancy.models import Membership
from apps.tenancy.roles import Role
from apps.tenancy.scope import scope
from tests.conftest import enrol_totp
from tests.factories import UserFactory
from tests.penilaian.conftest import PARTIAL, LKEWorld, open_cycle_now
from tests.penilaian.test_review_support import best, fill, submit, three_tiers, worst
from tests.reports.factories import pdf_fill_colours

REASONS = "Unit layak diusulkan menuju WBK: seluruh area memenuhi ambang batas minimal."
RETURN_NOTE = "Lampirkan SK pembentukan tim kerja yang ditandatangani pimpinan unit."


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())


def reviewed_in_three_tiers(lke: LKEWorld) -> None:
    """The full LKE: the unit answers every soal, tier 1 returns soal 1 (fixed, accepted), each tier
    answers all 127 with some notes, tier 3 closes and budi recommends WBK."""
    three_tiers(lke)
    fill(lke, answer=best, note=lambda s: f"Catatan unit {s.portalrb_soal_id}")
    submit(lke)
    budi = lke.actor(lke.world.budi)
    ani = lke.actor(lke.world.ani)
    with scope(lke.world.instansi_a.pk):
        item_return(actor=budi, penilaian=lke.penilaian, soal=lke.soal(1), note=RETURN_NOTE)
        penilaian_send_back(actor=budi, penilaian=lke.penilaian)
        row = Jawaban.objects.get(tier=Tier.UNIT, soal__portalrb_soal_id=1)
        jawaban_save(
            actor=ani, penilaian=lke.penilaian, soal=lke.soal(1), answer="Ya", note="SK terlampir", version=row.version
        )
        penilaian_submit(actor=ani, penilaian=lke.penilaian, incomplete_reason=PARTIAL)
        item_return_accept(actor=budi, item=ItemReturn.objects.get())
    for level in (1, 2, 3):
        # Tier 2 is stricter on the odd soal; every tier notes soal 2 and 10.
        fill(
            lke,
            tier=Tier.TPI,
            level=level,
            answer=(lambda s: worst(s) if s.portalrb_soal_id % 2 else best(s)) if level == 2 else best,
            note=lambda s, level=level: (
                f"Catatan TPI {level} soal {s.portalrb_soal_id}" if s.portalrb_soal_id in {2, 10} else ""
            ),
        )
        with scope(lke.world.instansi_a.pk):
            penilaian_tier_complete(actor=budi, penilaian=lke.penilaian)
    with scope(lke.world.instansi_a.pk):
        penilaian_recommend(actor=budi, penilaian=lke.penilaian, decision="layak_wbk", reasons=REASONS)
        lke.penilaian.refresh_from_db()


def request_lhe(lke: LKEWorld, user, penilaian: Penilaian | None = None):
    penilaian = penilaian or lke.penilaian
    with scope(lke.world.instansi_a.pk):
        return report_request(actor=lke.actor(user), kind=LHE, params={"penilaian": str(penilaian.public_id)})


def test_the_lhe_of_a_full_three_tier_review_renders_and_reads_back(lke: LKEWorld) -> None:
    reviewed_in_three_tiers(lke)
    report = request_lhe(lke, lke.world.budi)
    assert report.title.endswith(f"{lke.world.unit_a1.name} {lke.cycle.tahun}")
    with scope(lke.world.instansi_a.pk):
        assert report_render(report_id=report.pk) is True
        report.refresh_from_db()
        scores = penilaian_scores(penilaian=lke.penilaian)
    assert report.status == ReportStatus.DONE, report.error
    data = report.file.open("rb").read()
    assert data.startswith(b"%PDF")
    text = pdf_text(data)

    assert lke.world.unit_a1.name in text
    # The total of each tier as the page formats it (the requester reads Indonesian: "72,50").
    with translation.override("id"):
        totals = {key: floatformat(result.result.total, 2) for key, result in scores.items()}
    assert totals[(Tier.TPI, 3)] in text
    assert totals[(Tier.TPI, 2)] in text
    assert totals[(Tier.TPI, 2)] != totals[(Tier.TPI, 3)]
    assert REASONS in text
    with translation.override("id"):
        assert str(Recommendation.Decision.LAYAK_WBK.label) in text
    # Notes per soal, the tiers by name, and the returned item with its history.
    assert "Catatan TPI 2 soal 10" in text
    assert "Pengendali teknis" in text
    assert RETURN_NOTE[:40] in text
    assert "SK terlampir" in text
    # The LKE per area as a chart (issue 21): its caption, its bars in each tier's colour, its numbers.
    chart_title = f"LKE {lke.cycle.tahun} per area — {lke.world.unit_a1.name} (% dari bobot tiap area)"
    assert chart_title in text
    assert {"#1f5f8b", "#c0661a", "#7aa95c", "#6b4c9a"} <= pdf_fill_colours(data)
    assert "Butir Unit TPI 1 · Anggota tim TPI 2 · Ketua tim TPI 3 · Pengendali teknis" in text


def test_the_context_gives_scores_per_area_and_tier_and_the_estimate_of_the_last_tier(lke: LKEWorld) -> None:
    reviewed_in_three_tiers(lke)
    with scope(lke.world.instansi_a.pk):
        context = build_lhe_context(instansi=lke.world.instansi_a, params={"penilaian": str(lke.penilaian.public_id)})
        scores = penilaian_scores(penilaian=lke.penilaian)
    assert [c.label for c in context["columns"]] == [
        "Unit",
        "TPI 1 · Anggota tim",
        "TPI 2 · Ketua tim",
        "TPI 3 · Pengendali teknis",
    ]
    total = context["table"][-1]
    assert total.points == [scores[key].result.total for key in sorted(scores, key=lambda k: (k[0] != "unit", k[1]))]
    areas = [row for row in context["table"] if row.kind == "area"]
    assert len(areas) == 12 + 2  # six areas twice, and the two hasil parts
    assert context["predikat"].column.label.startswith("TPI 3")
    assert {e.predikat for e in context["predikat"].estimates} == {"WBK", "WBBM"}
    assert [n.soal.portalrb_soal_id for n in context["notes"]] == [2, 10]
    [returned] = context["returns"]
    assert [e.kind for e in returned["item"].events.all()] == ["returned", "fixed", "accepted"]
    assert returned["revisions"] == 1


def test_admin_may_request_the_lhe_of_any_unit(lke: LKEWorld) -> None:
    report = request_lhe(lke, lke.world.citra)
    assert report.params == {"penilaian": str(lke.penilaian.public_id)}


@pytest.mark.parametrize(("persona", "message"), [("ani", NOT_ALLOWED), ("evi", NOT_ALLOWED)])
def test_unit_members_and_viewers_may_not_request_it(lke: LKEWorld, persona: str, message) -> None:
    with pytest.raises(PermissionDeniedError) as excinfo:
        request_lhe(lke, getattr(lke.world, persona))
    assert str(excinfo.value) == str(message)


def test_a_tpi_member_not_assigned_to_the_unit_may_not_request_it(lke: LKEWorld) -> None:
    with scope(lke.world.instansi_a.pk):
        TPIAssignment.objects.all().delete()
    with pytest.raises(PermissionDeniedError) as excinfo:
        request_lhe(lke, lke.world.budi)
    assert str(excinfo.value) == str(LHE_NOT_ALLOWED)


def test_a_missing_or_foreign_penilaian_is_refused(lke: LKEWorld) -> None:
    with scope(lke.world.instansi_a.pk), pytest.raises(ValidationError) as excinfo:
        report_request(actor=lke.actor(lke.world.budi), kind=LHE, params={})
    assert excinfo.value.message_dict["penilaian"] == [str(PENILAIAN_REQUIRED)]
    foreign = Penilaian.unscoped.create(
        instansi=lke.world.instansi_b,
        unit=lke.world.unit_b1,
        cycle=open_cycle_now(lke.world.instansi_b),
        template=lke.template,
    )
    with pytest.raises(Http404):
        request_lhe(lke, lke.world.budi, penilaian=foreign)


def test_a_pimpinan_instansi_may_request_it(lke: LKEWorld) -> None:
    head = UserFactory(email="kepala@alfa.go.id", name="Kepala Instansi")
    Membership.objects.create(user=head, instansi=lke.world.instansi_a, role=Role.PIMPINAN_INSTANSI)
    enrol_totp(head)
    assert request_lhe(lke, head).kind == LHE


def test_the_lhe_page_is_for_reviewers_admin_and_pimpinan_only(lke: LKEWorld, login) -> None:
    report = request_lhe(lke, lke.world.budi)
    detail = reverse("reports:report-detail", kwargs={"public_id": report.public_id})
    assert login(lke.world.budi).get(detail).status_code == 200
    assert login(lke.world.citra).get(detail).status_code == 200
    assert login(lke.world.ani).get(detail).status_code == 403  # the unit's tim kerja
    assert login(lke.world.evi).get(detail).status_code == 403
    assert login(lke.world.dodi).get(detail).status_code == 404
    assert report.title not in login(lke.world.ani).get(reverse("reports:report-list")).content.decode()


def test_the_lhe_prints_why_a_unit_below_a_threshold_is_still_fit(lke: LKEWorld) -> None:
    """Issue 17: "layak" over a final tier below a threshold carries a written reason, printed in the LHE."""
    reviewed_in_three_tiers(lke)
    reason = "Survei IPAK diulang pada triwulan III; hasil sementara di atas ambang."
    Recommendation.unscoped.filter(penilaian=lke.penilaian).update(threshold_reason=reason)
    report = request_lhe(lke, lke.world.budi)
    with scope(lke.world.instansi_a.pk):
        assert report_render(report_id=report.pk) is True
        report.refresh_from_db()
    text = pdf_text(report.file.open("rb").read())
    assert reason[:50] in text
    assert "Layak walaupun di bawah ambang batas" in text
