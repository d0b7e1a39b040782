"""The unit's side of the penilaian in the browser besides the worksheet: the list, the detail page,
submitting, and the dashboard panel.

Personas: ani fills (tim kerja of A1), evi only reads (viewer), citra is the admin ZI, budi the TPI
reviewer, dodi the outsider of instansi B.
"""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils.translation import gettext

from apps.penilaian.models import Penilaian, PenilaianStatus
from apps.penilaian.services.answers import (
    jawaban_review_save,
)
from apps.tenancy.models import Membership
from apps.tenancy.roles import Role
from apps.unit_kerja.models import Penetapan, PenetapanStatus
from tests.factories import UserFactory
from tests.penilaian.conftest import PARTIAL, LKEWorld
from tests.penilaian.helpers import answer, return_items, submit, text, url

pytestmark = pytest.mark.usefixtures("a_scope")


# -----------------------------------------------------------------------------
# List
# -----------------------------------------------------------------------------


def test_list_shows_status_progress_and_unit_total(lke: LKEWorld, login) -> None:
    answer(lke, 1, "Ya")
    answer(lke, 2, "A")
    response = login(lke.world.ani).get(reverse("penilaian:penilaian-list"), {"tahun": lke.cycle.tahun})
    assert response.status_code == 200
    body = text(response)
    assert lke.world.unit_a1.name in body
    assert "2/127" in body
    assert "0,50" in body  # sub-area "Penyusunan Tim Kerja" full: 0.5 points
    assert "open the" not in body.lower()  # ani cannot open the year


def test_list_of_a_unit_member_holds_only_their_unit(lke: LKEWorld, login) -> None:
    Penilaian.objects.create(
        instansi=lke.world.instansi_a, unit=lke.world.unit_a2, cycle=lke.cycle, template=lke.template
    )
    mine = text(login(lke.world.ani).get(reverse("penilaian:penilaian-list")))
    everyone = text(login(lke.world.citra).get(reverse("penilaian:penilaian-list")))
    assert lke.world.unit_a2.name not in mine
    assert lke.world.unit_a1.name in mine
    assert lke.world.unit_a2.name in everyone


def test_admin_opens_the_years_penilaian_for_designated_units(lke: LKEWorld, login) -> None:
    Penetapan.objects.create(
        instansi=lke.world.instansi_a,
        unit=lke.world.unit_a2,
        cycle=lke.cycle,
        is_core_service=True,
        core_service_reason="Layanan",
        status=PenetapanStatus.DESIGNATED,
        sk_number="SK/2",
        sk_date=datetime.date(lke.cycle.tahun, 1, 2),
    )
    open_url = reverse("penilaian:penilaian-open", kwargs={"public_id": lke.cycle.public_id})
    assert login(lke.world.ani).post(open_url).status_code == 403
    assert login(lke.world.dodi).post(open_url).status_code == 404
    assert login(lke.world.citra).get(open_url).status_code == 405
    assert not Penilaian.objects.filter(unit=lke.world.unit_a2).exists()

    client = login(lke.world.citra)
    page = text(client.get(reverse("penilaian:penilaian-list")))
    assert open_url in page
    response = client.post(open_url)
    assert response.status_code == 302
    assert response["Location"].endswith(f"?tahun={lke.cycle.tahun}")
    assert Penilaian.objects.filter(unit=lke.world.unit_a2, cycle=lke.cycle).count() == 1
    client.post(open_url)  # idempotent
    assert Penilaian.objects.filter(cycle=lke.cycle).count() == 2


def test_list_rejects_post_and_members_without_the_view_capability(lke: LKEWorld, login) -> None:
    assert login(lke.world.ani).post(reverse("penilaian:penilaian-list")).status_code == 405
    pegawai = UserFactory(email="pegawai@alfa.go.id")
    Membership.objects.create(user=pegawai, instansi=lke.world.instansi_a, unit=lke.world.unit_a1, role=Role.PEGAWAI)
    assert login(pegawai).get(reverse("penilaian:penilaian-list")).status_code == 403


# -----------------------------------------------------------------------------
# Detail
# -----------------------------------------------------------------------------


def test_detail_shows_scores_estimate_progress_and_actions(lke: LKEWorld, login) -> None:
    answer(lke, 1, "Ya")
    answer(lke, 125, "3.6")
    response = login(lke.world.ani).get(url("penilaian-detail", lke))
    assert response.status_code == 200
    body = text(response)
    assert "15,75" in body  # IPAK 3.6 → 15.75 points, also the WBK minimum
    assert "Nilai IPAK" in body  # every threshold is listed
    assert "Total nilai evaluasi" in body
    assert "75,00" in body  # the WBK total minimum
    assert 'data-testid="progress-pemenuhan-1">1/12<' in body
    assert 'data-testid="progress-hasil">1/3<' in body
    assert url("penilaian-submit", lke) in body
    assert url("area-assign", lke) in body
    assert url("workbook-export", lke) in body
    assert url("workbook-import", lke) in body


def test_detail_shows_every_tier_side_by_side(lke: LKEWorld, login) -> None:
    answer(lke, 1, "Ya")
    submit(lke)
    jawaban_review_save(
        actor=lke.actor(lke.world.budi), penilaian=lke.penilaian, soal=lke.soal(1), answer="Tidak", version=0
    )
    body = text(login(lke.world.ani).get(url("penilaian-detail", lke)))
    assert gettext("Unit (self-assessment)") in body
    assert "TPI 1" in body
    assert 'data-testid="tier-unit-predikat"' in body
    assert 'data-testid="tier-tpi1-predikat"' in body
    reviewer_page = text(login(lke.world.budi).get(url("penilaian-detail", lke)))
    assert url("review-summary", lke) in reviewer_page
    assert url("review-summary", lke) not in body


def test_read_only_member_sees_the_detail_without_write_actions(lke: LKEWorld, login) -> None:
    response = login(lke.world.evi).get(url("penilaian-detail", lke))
    assert response.status_code == 200
    body = text(response)
    assert url("penilaian-submit", lke) not in body
    assert url("workbook-import", lke) not in body


def test_detail_outsider_gets_404_and_post_is_405(lke: LKEWorld, login) -> None:
    assert login(lke.world.dodi).get(url("penilaian-detail", lke)).status_code == 404
    assert login(lke.world.ani).post(url("penilaian-detail", lke)).status_code == 405


def test_detail_of_another_unit_is_404_for_a_unit_member(lke: LKEWorld, login) -> None:
    other = Penilaian.objects.create(
        instansi=lke.world.instansi_a, unit=lke.world.unit_a2, cycle=lke.cycle, template=lke.template
    )
    response = login(lke.world.ani).get(reverse("penilaian:penilaian-detail", kwargs={"public_id": other.public_id}))
    assert response.status_code == 404


def test_submit_sends_the_lke_to_the_tpi(lke: LKEWorld, login) -> None:
    assert login(lke.world.evi).post(url("penilaian-submit", lke)).status_code == 403
    assert login(lke.world.dodi).post(url("penilaian-submit", lke)).status_code == 404
    assert login(lke.world.ani).get(url("penilaian-submit", lke)).status_code == 405
    # Nothing is answered: the page lists what is missing and refuses without a reason.
    detail = text(login(lke.world.ani).get(url("penilaian-detail", lke)))
    assert "data-unanswered=" in detail
    assert "incomplete_reason" in detail
    refused = login(lke.world.ani).post(url("penilaian-submit", lke), follow=True)
    assert "belum dijawab" in text(refused)
    lke.penilaian.refresh_from_db()
    assert lke.penilaian.status == PenilaianStatus.DRAFT
    response = login(lke.world.ani).post(url("penilaian-submit", lke), {"incomplete_reason": PARTIAL})
    assert response.status_code == 302
    lke.penilaian.refresh_from_db()
    assert lke.penilaian.status == PenilaianStatus.IN_REVIEW
    assert lke.penilaian.incomplete_reason == PARTIAL


def test_submit_refused_shows_the_reason_and_changes_nothing(lke: LKEWorld, login) -> None:
    submit(lke)
    client = login(lke.world.ani)
    response = client.post(url("penilaian-submit", lke), follow=True)
    assert response.status_code == 200
    lke.penilaian.refresh_from_db()
    assert lke.penilaian.status == PenilaianStatus.IN_REVIEW
    assert "zi-msg-error" in text(response)


# -----------------------------------------------------------------------------
# Dashboard panel
# -----------------------------------------------------------------------------


def test_unit_dashboard_panel_shows_progress_returns_and_deadline(lke: LKEWorld, login) -> None:
    answer(lke, 1, "Tidak")
    submit(lke)
    return_items(lke, 1)
    body = text(login(lke.world.ani).get(reverse("core:dashboard")))
    progress = gettext("%(answered)s of %(total)s answered") % {"answered": 1, "total": 127}
    assert f'data-testid="panel-progress">{progress}<' in body
    assert "Lampirkan SK 1" in body
    assert url("worksheet", lke, section="pemenuhan-1") + "#soal-1" in body
    assert "panel-lke-heading" in body


def test_dashboard_panel_is_only_for_unit_members(lke: LKEWorld, login) -> None:
    assert "panel-lke-heading" not in text(login(lke.world.citra).get(reverse("core:dashboard")))
    assert "panel-lke-heading" not in text(login(lke.world.dodi).get(reverse("core:dashboard")))
