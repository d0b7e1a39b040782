"""TPI review pages: the queue, a section beside the tiers, per-item saves over HTMX, and the
dashboard panel. budi reviews (assigned at tier 1 by the fixture)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from apps.penilaian.models import (
    Tier,
    TPIAssignment,
)
from apps.penilaian.services.answers import STALE_VERSION
from apps.penilaian.services.common import STATUS_CLOSED
from apps.penilaian.services.review import (
    penilaian_tier_complete,
)
from apps.penilaian.views.review import ANSWER_SAVED
from apps.tenancy.scope import scope
from tests.penilaian.conftest import LKEWorld
from tests.penilaian.helpers import HTMX, tpi_row, url
from tests.penilaian.test_review_support import complete_tier, fill, submit, three_tiers, worst

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
    assert str(ANSWER_SAVED) in body
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
    assert str(STALE_VERSION) in body
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
    assert str(STATUS_CLOSED) in response.content.decode()
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
        penilaian_tier_complete(actor=lke.actor(lke.world.budi), penilaian=lke.penilaian)
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
