"""TPI review pages, the steps: returning, fixing and accepting items, the workflow buttons (send back,
complete, copy the tier below) and the recommendation. budi reviews (assigned at tier 1 by the
fixture)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.notifications.models import Channel, Notification
from apps.penilaian.models import (
    ItemReturn,
    Jawaban,
    PenilaianStatus,
    Recommendation,
    ReturnStatus,
    Tier,
    TPIAssignment,
)
from apps.penilaian.services.answers import jawaban_save
from apps.penilaian.services.review import (
    NOT_WAITING,
    NOTHING_RETURNED,
    UNANSWERED,
    penilaian_submit,
)
from apps.penilaian.views.review import ACCEPTED, CLOSED, COPIED, SENT_BACK
from apps.reports.models import Report, ReportStatus
from apps.tenancy.models import Membership
from apps.tenancy.roles import Role
from apps.tenancy.scope import scope
from tests.conftest import enrol_totp
from tests.factories import UserFactory
from tests.penilaian.conftest import PARTIAL, LKEWorld
from tests.penilaian.helpers import HTMX, status, url
from tests.penilaian.test_review_support import complete_tier

# -----------------------------------------------------------------------------
# Returning, fixing, accepting
# -----------------------------------------------------------------------------


def test_return_send_back_fix_and_accept(in_review: LKEWorld, login) -> None:
    budi = login(in_review.world.budi)
    response = budi.post(url("review-return", in_review, soal_id=1), {"note": "Lampirkan SK tim"}, **HTMX)
    assert 'data-testid="return-state"' in response.content.decode()
    item = ItemReturn.unscoped.get()
    assert (item.status, item.note) == (ReturnStatus.OPEN, "Lampirkan SK tim")

    response = budi.post(url("review-send-back", in_review), follow=True)
    assert str(SENT_BACK) in response.content.decode()
    assert status(in_review) == PenilaianStatus.REVISION
    assert Notification.unscoped.filter(
        recipient=in_review.world.ani, kind="penilaian_sent_back", channel=Channel.IN_APP
    ).exists()

    # The unit fixes exactly that item and resubmits (the worksheet's services).
    ani = in_review.actor(in_review.world.ani)
    with scope(in_review.world.instansi_a.pk):
        row = Jawaban.objects.get(soal__portalrb_soal_id=1, tier=Tier.UNIT)
        jawaban_save(
            actor=ani,
            penilaian=in_review.penilaian,
            soal=in_review.soal(1),
            answer="Ya",
            note="SK",
            version=row.version,
        )
        penilaian_submit(actor=ani, penilaian=in_review.penilaian, incomplete_reason=PARTIAL)

    page = budi.get(url("review", in_review, section="pemenuhan-1")).content.decode()
    assert 'data-testid="accept"' in page
    response = budi.post(reverse("penilaian:review-accept", kwargs={"public_id": item.public_id}), **HTMX)
    assert str(ACCEPTED) in response.content.decode()
    item.refresh_from_db()
    assert item.status == ReturnStatus.ACCEPTED


def test_returning_without_a_note_keeps_the_form_open_with_the_error(in_review: LKEWorld, login) -> None:
    response = login(in_review.world.budi).post(url("review-return", in_review, soal_id=1), {"note": ""}, **HTMX)
    body = response.content.decode()
    assert 'zi-rv-return-form" open' in body
    assert 'id="id_rt1_note_error"' in body
    assert not ItemReturn.unscoped.exists()


def test_accepting_an_item_still_open_shows_the_refusal(in_review: LKEWorld, login) -> None:
    budi = login(in_review.world.budi)
    budi.post(url("review-return", in_review, soal_id=1), {"note": "Perbaiki"})
    item = ItemReturn.unscoped.get()
    response = budi.post(reverse("penilaian:review-accept", kwargs={"public_id": item.public_id}), **HTMX)
    assert str(NOT_WAITING) in response.content.decode()
    item.refresh_from_db()
    assert item.status == ReturnStatus.OPEN


def test_return_and_accept_are_refused_to_others(in_review: LKEWorld, login) -> None:
    login(in_review.world.budi).post(url("review-return", in_review, soal_id=1), {"note": "Perbaiki"})
    item = ItemReturn.unscoped.get()
    accept = reverse("penilaian:review-accept", kwargs={"public_id": item.public_id})
    give_back = url("review-return", in_review, soal_id=2)
    for persona, code in (("evi", 403), ("ani", 403), ("dodi", 404)):
        client = login(getattr(in_review.world, persona))
        assert client.post(accept).status_code == code
        assert client.post(give_back, {"note": "Dibajak"}).status_code == code
    assert login(in_review.world.budi).get(accept).status_code == 405
    assert ItemReturn.unscoped.count() == 1


# -----------------------------------------------------------------------------
# Workflow buttons
# -----------------------------------------------------------------------------


def test_sending_back_with_nothing_returned_is_refused(in_review: LKEWorld, login) -> None:
    response = login(in_review.world.budi).post(url("review-send-back", in_review), follow=True)
    assert str(NOTHING_RETURNED) in response.content.decode()
    assert status(in_review) == PenilaianStatus.IN_REVIEW


def test_completing_with_unanswered_soal_is_refused(in_review: LKEWorld, login) -> None:
    response = login(in_review.world.budi).post(url("review-complete", in_review), follow=True)
    assert str(UNANSWERED % {"count": 127}) in response.content.decode()
    assert status(in_review) == PenilaianStatus.IN_REVIEW


def test_copy_the_tier_below_then_close_the_single_tier(in_review: LKEWorld, login) -> None:
    budi = login(in_review.world.budi)
    response = budi.post(url("review-copy", in_review), follow=True)
    assert str(COPIED % {"count": 127}) in response.content.decode()
    response = budi.post(url("review-complete", in_review), follow=True)
    assert str(CLOSED) in response.content.decode()
    assert status(in_review) == PenilaianStatus.CLOSED
    assert 'data-testid="recommend"' in response.content.decode()


def test_copy_of_one_section_goes_back_to_that_section(in_review: LKEWorld, login) -> None:
    response = login(in_review.world.budi).post(url("review-copy", in_review), {"section": "hasil"})
    assert response["Location"] == url("review", in_review, section="hasil")
    assert Jawaban.unscoped.filter(tier=Tier.TPI).count() == 3
    assert login(in_review.world.budi).post(url("review-copy", in_review), {"section": "nope"}).status_code == 404


@pytest.mark.parametrize("action", ["review-send-back", "review-complete", "review-copy", "review-recommend"])
def test_workflow_actions_are_refused_to_others(in_review: LKEWorld, login, action: str) -> None:
    for persona, code in (("evi", 403), ("ani", 403), ("citra", 403), ("dodi", 404)):
        assert login(getattr(in_review.world, persona)).post(url(action, in_review)).status_code == code
    assert login(in_review.world.budi).get(url(action, in_review)).status_code == 405
    assert status(in_review) == PenilaianStatus.IN_REVIEW
    assert not Jawaban.unscoped.filter(tier=Tier.TPI).exists()


# -----------------------------------------------------------------------------
# Recommendation
# -----------------------------------------------------------------------------


@pytest.fixture
def closed(in_review: LKEWorld) -> LKEWorld:
    complete_tier(in_review)
    return in_review


def test_recommendation_is_recorded_and_the_lhe_requested(closed: LKEWorld, login) -> None:
    response = login(closed.world.budi).post(
        url("review-recommend", closed), {"decision": "layak_wbk", "reasons": "Semua syarat WBK terpenuhi."}
    )
    report = Report.unscoped.get(kind="lhe")
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:report-detail", kwargs={"public_id": report.public_id})
    assert report.params == {"penilaian": str(closed.penilaian.public_id)}
    assert report.status == ReportStatus.QUEUED
    recommendation = Recommendation.unscoped.get()
    assert (recommendation.decision, recommendation.reasons) == ("layak_wbk", "Semua syarat WBK terpenuhi.")
    assert status(closed) == PenilaianStatus.RECOMMENDED
    summary = login(closed.world.budi).get(url("review-summary", closed)).content.decode()
    assert 'data-testid="recommendation"' in summary
    assert report.title in summary


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"decision": "layak_sekali", "reasons": "Alasan"}, "decision"),
        ({"decision": "belum_layak", "reasons": ""}, "reasons"),
    ],
    ids=["unknown-decision", "empty-reasons"],
)
def test_a_bad_recommendation_is_shown_with_errors_and_nothing_saved(closed: LKEWorld, login, data, field) -> None:
    response = login(closed.world.budi).post(url("review-recommend", closed), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert ("decision-errors" if field == "decision" else 'id="id_reasons_error"') in body
    assert not Recommendation.unscoped.exists()
    assert not Report.unscoped.exists()
    assert status(closed) == PenilaianStatus.CLOSED


def test_a_recommendation_before_closing_is_refused(in_review: LKEWorld, login) -> None:
    response = login(in_review.world.budi).post(
        url("review-recommend", in_review), {"decision": "layak_wbk", "reasons": "Terlalu cepat"}
    )
    assert response.status_code == 200
    assert not Recommendation.unscoped.exists()


def test_another_assigned_reviewer_can_record_it_but_an_unassigned_one_cannot(closed: LKEWorld, login) -> None:
    other = UserFactory(email="gita@alfa.go.id", name="Gita TPI")
    Membership.objects.create(user=other, instansi=closed.world.instansi_a, role=Role.TPI)
    enrol_totp(other)
    client = login(other)
    data = {"decision": "belum_layak", "reasons": "IPKP di bawah ambang"}
    assert client.post(url("review-recommend", closed), data).status_code == 403
    assert not Recommendation.unscoped.exists()
    TPIAssignment.unscoped.create(
        instansi=closed.world.instansi_a, cycle=closed.cycle, unit=closed.world.unit_a1, reviewer=other, level=1
    )
    assert client.post(url("review-recommend", closed), data).status_code == 302
    assert Recommendation.unscoped.get().decided_by == other
    assert status(closed) == PenilaianStatus.NOT_RECOMMENDED
