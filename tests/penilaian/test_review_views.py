"""TPI review pages: the queue, a section beside the tiers, per-item saves over HTMX, returns,
the workflow buttons and the recommendation. budi reviews (assigned at tier 1 by the fixture)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.notifications.models import Channel, Notification
from apps.penilaian import review_views, services
from apps.penilaian.models import (
    ItemReturn,
    Jawaban,
    PenilaianStatus,
    Recommendation,
    ReturnStatus,
    Tier,
    TPIAssignment,
)
from apps.reports.models import Report, ReportStatus
from apps.tenancy.models import Membership
from apps.tenancy.roles import Role
from apps.tenancy.scope import scope
from tests.conftest import enrol_totp
from tests.factories import UserFactory
from tests.penilaian.conftest import PARTIAL, LKEWorld
from tests.penilaian.test_review_support import complete_tier, fill, submit, three_tiers, worst

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def in_review(lke: LKEWorld) -> LKEWorld:
    """The unit answered everything with the lowest option, and submitted."""
    fill(lke, answer=worst, note=lambda s: f"Catatan unit {s.portalrb_soal_id}")
    submit(lke)
    return lke


def url(name: str, lke: LKEWorld, **kwargs) -> str:
    return reverse(f"penilaian:{name}", kwargs={"public_id": lke.penilaian.public_id, **kwargs})


def tpi_row(lke: LKEWorld, soal_id: int, level: int = 1) -> Jawaban | None:
    return Jawaban.unscoped.filter(
        penilaian=lke.penilaian, soal__portalrb_soal_id=soal_id, tier=Tier.TPI, level=level
    ).first()


def status(lke: LKEWorld) -> str:
    lke.penilaian.refresh_from_db()
    return lke.penilaian.status


# -----------------------------------------------------------------------------
# The queue
# -----------------------------------------------------------------------------


def test_reviewer_sees_what_waits_on_them(in_review: LKEWorld, login) -> None:
    response = login(in_review.world.budi).get(reverse("penilaian:review-list"))
    body = response.content.decode()
    assert response.status_code == 200
    assert in_review.world.unit_a1.name in body
    assert "zi-rv-waiting" in body
    assert url("review-summary", in_review) in body


@pytest.mark.parametrize("persona", ["ani", "evi", "citra", "dodi"])
def test_the_queue_is_for_reviewers_only(in_review: LKEWorld, login, persona: str) -> None:
    assert login(getattr(in_review.world, persona)).get(reverse("penilaian:review-list")).status_code == 403


def test_the_queue_refuses_post(in_review: LKEWorld, login) -> None:
    assert login(in_review.world.budi).post(reverse("penilaian:review-list")).status_code == 405


# -----------------------------------------------------------------------------
# Reading: summary and sections
# -----------------------------------------------------------------------------


def test_summary_shows_scores_per_tier_and_the_workflow(in_review: LKEWorld, login) -> None:
    response = login(in_review.world.budi).get(url("review-summary", in_review))
    body = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="score-table"' in body
    assert "MANAJEMEN PERUBAHAN" in body
    assert 'data-testid="complete"' in body
    assert url("review", in_review, section="pemenuhan-1") in body


def test_section_shows_each_soal_beside_the_units_answer_with_a_form(in_review: LKEWorld, login) -> None:
    response = login(in_review.world.budi).get(url("review", in_review, section="pemenuhan-1"))
    body = response.content.decode()
    assert response.status_code == 200
    assert body.count("data-soal=") == 12  # Pemenuhan area 1 has 12 soal
    assert "Catatan unit 1" in body
    assert body.count('data-testid="review-form"') == 12
    assert url("review-save", in_review, soal_id=1) in body


def test_unknown_section_is_not_found(in_review: LKEWorld, login) -> None:
    assert login(in_review.world.budi).get(url("review", in_review, section="pemenuhan-9")).status_code == 404


@pytest.mark.parametrize("persona", ["evi", "ani", "citra"])
@pytest.mark.parametrize("page", ["review-summary", "review"])
def test_members_who_are_not_reviewers_get_403(in_review: LKEWorld, login, persona: str, page: str) -> None:
    extra = {"section": "hasil"} if page == "review" else {}
    assert login(getattr(in_review.world, persona)).get(url(page, in_review, **extra)).status_code == 403


def test_a_tpi_member_not_assigned_to_the_unit_gets_403(in_review: LKEWorld, login) -> None:
    TPIAssignment.unscoped.all().delete()
    assert login(in_review.world.budi).get(url("review-summary", in_review)).status_code == 403


@pytest.mark.parametrize("page", ["review-summary", "review"])
def test_the_outsider_gets_404(in_review: LKEWorld, login, page: str) -> None:
    extra = {"section": "hasil"} if page == "review" else {}
    assert login(in_review.world.dodi).get(url(page, in_review, **extra)).status_code == 404


@pytest.mark.parametrize("page", ["review-summary", "review"])
def test_pages_refuse_post(in_review: LKEWorld, login, page: str) -> None:
    extra = {"section": "hasil"} if page == "review" else {}
    assert login(in_review.world.budi).post(url(page, in_review, **extra)).status_code == 405


# -----------------------------------------------------------------------------
# Saving one soal
# -----------------------------------------------------------------------------


def test_saving_over_htmx_returns_the_row_with_the_difference_marked(in_review: LKEWorld, login) -> None:
    response = login(in_review.world.budi).post(
        url("review-save", in_review, soal_id=1),
        {"answer": "Ya", "note": "SK tim ada", "version": "0"},
        **HTMX,
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith("<article")  # the fragment only
    assert 'id="soal-1"' in body
    assert str(review_views.ANSWER_SAVED) in body
    # The unit said "Tidak": the difference is written out, not only coloured.
    assert 'data-testid="differs"' in body
    assert 'value="1"' in body  # the form now carries version 1
    row = tpi_row(in_review, 1)
    assert (row.answer, row.note, row.version) == ("Ya", "SK tim ada", 1)


def test_saving_without_javascript_goes_back_to_the_soal(in_review: LKEWorld, login) -> None:
    response = login(in_review.world.budi).post(
        url("review-save", in_review, soal_id=1), {"answer": "Tidak", "note": "", "version": "0"}
    )
    assert response.status_code == 302
    assert response["Location"] == url("review", in_review, section="pemenuhan-1") + "#soal-1"
    assert tpi_row(in_review, 1).answer == "Tidak"


def test_a_stale_version_is_a_conflict_that_keeps_the_typed_text(in_review: LKEWorld, login) -> None:
    client = login(in_review.world.budi)
    client.post(url("review-save", in_review, soal_id=2), {"answer": "A", "note": "pertama", "version": "0"}, **HTMX)
    response = client.post(
        url("review-save", in_review, soal_id=2), {"answer": "B", "note": "ketikan saya", "version": "0"}, **HTMX
    )
    body = response.content.decode()
    assert str(services.STALE_VERSION) in body
    assert "ketikan saya" in body
    assert 'name="version" value="1"' in body  # a deliberate second save now wins
    row = tpi_row(in_review, 2)
    assert (row.answer, row.note) == ("A", "pertama")


def test_a_bad_answer_is_shown_beside_the_field_and_nothing_saved(in_review: LKEWorld, login) -> None:
    response = login(in_review.world.budi).post(
        url("review-save", in_review, soal_id=2), {"answer": "Z", "note": "x", "version": "0"}, **HTMX
    )
    body = response.content.decode()
    assert 'id="id_rv2_answer_error"' in body
    assert tpi_row(in_review, 2) is None


def test_a_bad_number_without_javascript_shows_the_section_with_the_error(in_review: LKEWorld, login) -> None:
    response = login(in_review.world.budi).post(
        url("review-save", in_review, soal_id=88), {"answer": "-3", "note": "", "version": "0"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert 'id="id_rv88_answer_error"' in body
    assert body.count("data-soal=") > 1  # the whole section, not only the fragment
    assert tpi_row(in_review, 88) is None


def test_saving_is_refused_to_others(in_review: LKEWorld, login) -> None:
    target = url("review-save", in_review, soal_id=1)
    data = {"answer": "Ya", "note": "", "version": "0"}
    assert login(in_review.world.evi).post(target, data).status_code == 403
    assert login(in_review.world.ani).post(target, data).status_code == 403
    assert login(in_review.world.dodi).post(target, data).status_code == 404
    assert login(in_review.world.budi).get(target).status_code == 405
    assert tpi_row(in_review, 1) is None


def test_an_unknown_soal_is_not_found(in_review: LKEWorld, login) -> None:
    response = login(in_review.world.budi).post(url("review-save", in_review, soal_id=999), {"version": "0"})
    assert response.status_code == 404


def test_a_closed_review_is_read_only_on_the_page_and_refused_on_post(in_review: LKEWorld, login) -> None:
    complete_tier(in_review)
    client = login(in_review.world.budi)
    page = client.get(url("review", in_review, section="pemenuhan-1")).content.decode()
    assert 'data-testid="review-form"' not in page
    response = client.post(url("review-save", in_review, soal_id=1), {"answer": "Tidak", "version": "1"}, **HTMX)
    assert str(services.STATUS_CLOSED) in response.content.decode()
    assert tpi_row(in_review, 1).answer == "Ya"


# -----------------------------------------------------------------------------
# Three tiers side by side
# -----------------------------------------------------------------------------


def test_tier_2_sees_tier_1_beside_the_unit_and_differences_from_the_tier_below(lke: LKEWorld, login) -> None:
    three_tiers(lke)
    fill(lke, answer=worst)
    submit(lke)
    fill(lke, tier=Tier.TPI, level=1, note=lambda s: f"Catatan anggota {s.portalrb_soal_id}")
    with scope(lke.world.instansi_a.pk):
        services.penilaian_tier_complete(actor=lke.actor(lke.world.budi), penilaian=lke.penilaian)
    client = login(lke.world.budi)
    client.post(url("review-save", lke, soal_id=1), {"answer": "Tidak", "note": "", "version": "0"}, **HTMX)
    body = client.get(url("review", lke, section="pemenuhan-1")).content.decode()
    assert "TPI 1 · Anggota tim" in body
    assert "TPI 2 · Ketua tim" in body
    assert "Catatan anggota 1" in body
    # Soal 1: tier 2 agrees with the unit (Tidak) but not with tier 1 (Ya).
    item = body[body.index('id="soal-1"') : body.index('id="soal-2"')]
    cells = item.split('class="zi-rv-cell')
    tier_2 = next(cell for cell in cells if "TPI 2 · Ketua tim" in cell)
    assert tier_2.count('class="zi-rv-diff"') == 1  # differs from the tier below only
    assert 'data-testid="differs"' in item


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
    assert str(review_views.SENT_BACK) in response.content.decode()
    assert status(in_review) == PenilaianStatus.REVISION
    assert Notification.unscoped.filter(
        recipient=in_review.world.ani, kind="penilaian_sent_back", channel=Channel.IN_APP
    ).exists()

    # The unit fixes exactly that item and resubmits (the worksheet's services).
    ani = in_review.actor(in_review.world.ani)
    with scope(in_review.world.instansi_a.pk):
        row = Jawaban.objects.get(soal__portalrb_soal_id=1, tier=Tier.UNIT)
        services.jawaban_save(
            actor=ani,
            penilaian=in_review.penilaian,
            soal=in_review.soal(1),
            answer="Ya",
            note="SK",
            version=row.version,
        )
        services.penilaian_submit(actor=ani, penilaian=in_review.penilaian, incomplete_reason=PARTIAL)

    page = budi.get(url("review", in_review, section="pemenuhan-1")).content.decode()
    assert 'data-testid="accept"' in page
    response = budi.post(reverse("penilaian:review-accept", kwargs={"public_id": item.public_id}), **HTMX)
    assert str(review_views.ACCEPTED) in response.content.decode()
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
    assert str(services.NOT_WAITING) in response.content.decode()
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
    assert str(services.NOTHING_RETURNED) in response.content.decode()
    assert status(in_review) == PenilaianStatus.IN_REVIEW


def test_completing_with_unanswered_soal_is_refused(in_review: LKEWorld, login) -> None:
    response = login(in_review.world.budi).post(url("review-complete", in_review), follow=True)
    assert str(services.UNANSWERED % {"count": 127}) in response.content.decode()
    assert status(in_review) == PenilaianStatus.IN_REVIEW


def test_copy_the_tier_below_then_close_the_single_tier(in_review: LKEWorld, login) -> None:
    budi = login(in_review.world.budi)
    response = budi.post(url("review-copy", in_review), follow=True)
    assert str(review_views.COPIED % {"count": 127}) in response.content.decode()
    response = budi.post(url("review-complete", in_review), follow=True)
    assert str(review_views.CLOSED) in response.content.decode()
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


# -----------------------------------------------------------------------------
# Dashboard panel
# -----------------------------------------------------------------------------


def test_the_dashboard_shows_the_reviewer_what_waits_on_their_tier(in_review: LKEWorld, login) -> None:
    body = login(in_review.world.budi).get(reverse("core:dashboard")).content.decode()
    assert 'aria-labelledby="panel-tpi-heading"' in body
    panel = body[body.index('aria-labelledby="panel-tpi-heading"') :]
    assert in_review.world.unit_a1.name in panel
    assert url("review-summary", in_review) in panel
    # Others have no TPI panel.
    assert "panel-tpi-heading" not in login(in_review.world.evi).get(reverse("core:dashboard")).content.decode()
