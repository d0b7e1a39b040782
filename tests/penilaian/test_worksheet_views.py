"""The unit's side of the penilaian in the browser: list, detail, worksheet, per-item save.

Personas: ani fills (tim kerja of A1), evi only reads (viewer), citra is the admin ZI, budi the TPI
reviewer, dodi the outsider of instansi B.
"""

from __future__ import annotations

import datetime
import html

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.translation import gettext

from apps.audit.models import AuditEvent
from apps.core.errors import ConflictError
from apps.penilaian import services
from apps.penilaian.models import AreaAssignment, ItemReturn, Jawaban, Penilaian, PenilaianStatus, ReturnStatus, Tier
from apps.penilaian.pages.worksheet import REVISION_ONLY_RETURNED
from apps.penilaian.services import (
    AREA_ASSIGNED_TO_OTHERS,
    CONTRADICTION,
    NOT_RETURNED,
    READ_ONLY_MEMBER,
    STALE_VERSION,
    STATUS_CLOSED,
    STATUS_LOCKED_UNIT,
)
from apps.penilaian.worksheet_forms import CHOOSE_OPTION, VALUE_0_4, WHOLE_NUMBER
from apps.tenancy.models import Membership
from apps.tenancy.roles import Role
from apps.unit_kerja.models import Cycle, Penetapan, PenetapanStatus
from tests.factories import UserFactory
from tests.penilaian.conftest import PARTIAL, LKEWorld

pytestmark = pytest.mark.usefixtures("a_scope")

HTMX = {"HTTP_HX_REQUEST": "true"}


def text(response) -> str:
    return html.unescape(response.content.decode())


def url(name: str, lke: LKEWorld, **kwargs) -> str:
    return reverse(f"penilaian:{name}", kwargs={"public_id": lke.penilaian.public_id, **kwargs})


def answer(lke: LKEWorld, soal_id: int, value: str | None, *, user=None, note: str = "") -> Jawaban:
    """Save through the service, as another request would have."""
    row = Jawaban.objects.filter(penilaian=lke.penilaian, soal__portalrb_soal_id=soal_id, tier=Tier.UNIT).first()
    return services.jawaban_save(
        actor=lke.actor(user or lke.world.ani),
        penilaian=lke.penilaian,
        soal=lke.soal(soal_id),
        answer=value,
        note=note,
        version=row.version if row else 0,
    )


def post_item(
    client: Client,
    lke: LKEWorld,
    soal_id: int,
    value: str,
    *,
    note: str = "",
    link: str = "",
    version: int = 0,
    htmx: bool = True,
):
    data = {
        f"s{soal_id}-answer": value,
        f"s{soal_id}-note": note,
        f"s{soal_id}-evidence_link": link,
        f"s{soal_id}-version": str(version),
    }
    return client.post(url("jawaban-save", lke, soal_id=soal_id), data, **(HTMX if htmx else {}))


def unit_row(lke: LKEWorld, soal_id: int) -> Jawaban | None:
    return Jawaban.objects.filter(penilaian=lke.penilaian, soal__portalrb_soal_id=soal_id, tier=Tier.UNIT).first()


def submit(lke: LKEWorld) -> None:
    services.penilaian_submit(actor=lke.actor(lke.world.ani), penilaian=lke.penilaian, incomplete_reason=PARTIAL)
    lke.penilaian.refresh_from_db()


def return_items(lke: LKEWorld, *soal_ids: int) -> None:
    """budi (TPI tier 1) returns the items and sends the LKE back: status revision."""
    budi = lke.actor(lke.world.budi)
    for soal_id in soal_ids:
        services.item_return(
            actor=budi, penilaian=lke.penilaian, soal=lke.soal(soal_id), note=f"Lampirkan SK {soal_id}"
        )
    services.penilaian_send_back(actor=budi, penilaian=lke.penilaian)
    lke.penilaian.refresh_from_db()


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
    services.jawaban_review_save(
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
# Pokja: areas per member
# -----------------------------------------------------------------------------


@pytest.fixture
def fajar(lke: LKEWorld) -> Membership:
    """A second member of A1's tim kerja."""
    user = UserFactory(email="fajar@alfa.go.id", name="Fajar Nugroho")
    return Membership.objects.create(
        user=user, instansi=lke.world.instansi_a, unit=lke.world.unit_a1, role=Role.TIM_KERJA
    )


def test_assigning_an_area_to_another_member_makes_it_read_only_for_me(lke: LKEWorld, login, fajar) -> None:
    client = login(lke.world.ani)
    response = client.post(url("area-assign", lke), {"area": "1", "assignee": str(fajar.public_id)})
    assert response.status_code == 302
    assignment = AreaAssignment.objects.get(penilaian=lke.penilaian)
    assert (assignment.area, assignment.assignee) == (1, fajar.user)

    page = text(client.get(url("worksheet", lke, section="pemenuhan-1")))
    assert str(AREA_ASSIGNED_TO_OTHERS) in page
    assert url("jawaban-save", lke, soal_id=1) not in page
    assert "Fajar Nugroho" in page
    assert url("jawaban-save", lke, soal_id=13) in text(client.get(url("worksheet", lke, section="pemenuhan-2")))
    refused = post_item(client, lke, 1, "Ya")
    assert str(AREA_ASSIGNED_TO_OTHERS) in text(refused)
    assert unit_row(lke, 1) is None

    # fajar may fill it
    assert post_item(login(fajar.user), lke, 1, "Ya").status_code == 200
    assert unit_row(lke, 1).answer == "Ya"

    # taken back: open to the whole tim kerja again
    response = client.post(url("area-unassign", lke, assignment_id=assignment.public_id))
    assert response.status_code == 302
    assert not AreaAssignment.objects.exists()
    assert AuditEvent.objects.filter(verb="penilaian.area_unassign").count() == 1


def test_area_assignment_with_bad_input_shows_the_error_and_saves_nothing(lke: LKEWorld, login, fajar) -> None:
    response = login(lke.world.ani).post(url("area-assign", lke), {"area": "9", "assignee": str(fajar.public_id)})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not AreaAssignment.objects.exists()


def test_area_assignment_writes_are_403_for_readers_and_404_for_outsiders(lke: LKEWorld, login, fajar) -> None:
    data = {"area": "1", "assignee": str(fajar.public_id)}
    assert login(lke.world.evi).post(url("area-assign", lke), data).status_code == 403
    assert login(lke.world.dodi).post(url("area-assign", lke), data).status_code == 404
    assert login(lke.world.ani).get(url("area-assign", lke)).status_code == 405
    assignment = AreaAssignment.objects.create(
        instansi=lke.world.instansi_a, penilaian=lke.penilaian, area=2, assignee=fajar.user
    )
    remove = url("area-unassign", lke, assignment_id=assignment.public_id)
    assert login(lke.world.evi).post(remove).status_code == 403
    assert login(lke.world.dodi).post(remove).status_code == 404
    assert login(lke.world.ani).get(remove).status_code == 405
    assert AreaAssignment.objects.count() == 1


# -----------------------------------------------------------------------------
# The worksheet page
# -----------------------------------------------------------------------------


def test_section_shows_every_soal_with_its_criteria_and_option_meanings(lke: LKEWorld, login) -> None:
    response = login(lke.world.ani).get(url("worksheet", lke, section="pemenuhan-1"))
    assert response.status_code == 200
    body = text(response)
    for soal_id in range(1, 13):
        assert f'id="soal-{soal_id}"' in body
        assert url("jawaban-save", lke, soal_id=soal_id) in body
    assert 'id="soal-13"' not in body
    soal = lke.soal(2)
    assert soal.criteria.splitlines()[0] in body
    assert f"<strong>A</strong> — {soal.options[0]['label']}" in body
    assert 'name="s2-answer"' in body
    assert 'name="s2-version" value="0"' in body
    assert "Pemenuhan 1. MANAJEMEN PERUBAHAN" in body


def test_numbers_have_number_inputs_and_a_live_percentage_box(lke: LKEWorld, login) -> None:
    body = text(login(lke.world.ani).get(url("worksheet", lke, section="reform-1")))
    assert 'id="derived-box-36"' in body
    assert 'name="s88-answer"' in body
    # A text input with a numeric keyboard: a number input would hand "1e" over as "" (a blank saved).
    assert 'inputmode="numeric"' in body
    assert 'type="number"' not in body
    assert url("worksheet-preview", lke) in body
    hasil = text(login(lke.world.ani).get(url("worksheet", lke, section="hasil")))
    assert 'inputmode="decimal"' in hasil


def test_unknown_section_is_404_and_post_is_405(lke: LKEWorld, login) -> None:
    client = login(lke.world.ani)
    assert client.get(url("worksheet", lke, section="reform-9")).status_code == 404
    assert client.post(url("worksheet", lke, section="reform-1")).status_code == 405


def test_worksheet_outsider_404_and_reader_reads_without_forms(lke: LKEWorld, login) -> None:
    answer(lke, 2, "B", note="catatan ani")
    assert login(lke.world.dodi).get(url("worksheet", lke, section="pemenuhan-1")).status_code == 404
    response = login(lke.world.evi).get(url("worksheet", lke, section="pemenuhan-1"))
    assert response.status_code == 200
    body = text(response)
    assert "catatan ani" in body
    assert url("jawaban-save", lke, soal_id=2) not in body
    assert str(READ_ONLY_MEMBER) in body


def test_worksheet_entry_goes_to_the_first_part_with_an_item_to_fix(lke: LKEWorld, login) -> None:
    client = login(lke.world.ani)
    assert client.get(url("worksheet", lke))["Location"] == url("worksheet", lke, section="pemenuhan-1")
    submit(lke)
    return_items(lke, 109)
    assert client.get(url("worksheet", lke))["Location"] == url("worksheet", lke, section="reform-5")
    assert login(lke.world.dodi).get(url("worksheet", lke)).status_code == 404


# -----------------------------------------------------------------------------
# Per-item save
# -----------------------------------------------------------------------------


def test_htmx_save_returns_the_item_with_its_new_version_and_scores(lke: LKEWorld, login) -> None:
    response = post_item(login(lke.world.ani), lke, 1, "Ya", note="SK tim kerja ada")
    assert response.status_code == 200
    body = text(response)
    assert body.lstrip().startswith('<article id="soal-1"')  # just the item, then out-of-band updates
    assert "<html" not in body
    assert 'name="s1-version" value="1"' in body
    assert gettext("Saved.") in body
    # Blank items are ignored, like Excel's AVERAGE: the one answered item at full marks × weight 0.5.
    assert 'id="score-node-4" hx-swap-oob="true">0,50<' in body
    assert 'id="progress-pemenuhan-1" hx-swap-oob="true">1/12<' in body
    # The header's "x of y answered" comes from the same count as the tab (issue 21: 3 vs 6).
    assert 'id="answered-pemenuhan-1" hx-swap-oob="true">1 dari 12 terjawab<' in body
    assert 'data-save-state="saved"' in body
    row = unit_row(lke, 1)
    assert (row.answer, row.note, row.version, row.updated_by) == ("Ya", "SK tim kerja ada", 1, lke.world.ani)


def test_saving_one_item_never_touches_another(lke: LKEWorld, login) -> None:
    answer(lke, 2, "B", note="punya item dua")
    post_item(login(lke.world.ani), lke, 1, "Ya")
    row = unit_row(lke, 2)
    assert (row.answer, row.note, row.version) == ("B", "punya item dua", 1)


def test_plain_post_saves_and_redirects_back_to_the_item(lke: LKEWorld, login) -> None:
    response = post_item(login(lke.world.ani), lke, 13, "A", htmx=False)
    assert response.status_code == 302
    assert response["Location"] == url("worksheet", lke, section="pemenuhan-2") + "#soal-13"
    assert unit_row(lke, 13).answer == "A"


def test_a_number_answer_updates_the_computed_percentage(lke: LKEWorld, login) -> None:
    client = login(lke.world.ani)
    post_item(client, lke, 88, "10")
    body = text(post_item(client, lke, 89, "7"))
    assert 'id="derived-box-36"' in body
    assert 'hx-swap-oob="true"' in body
    assert "70,00 %" in body


def test_the_second_save_from_the_same_version_is_a_conflict_that_keeps_the_typed_text(lke: LKEWorld, login) -> None:
    first = post_item(login(lke.world.ani), lke, 2, "A", note="catatan Ani", version=0)
    assert first.status_code == 200
    fajar = UserFactory(email="fajar@alfa.go.id", name="Fajar Nugroho")
    Membership.objects.create(user=fajar, instansi=lke.world.instansi_a, unit=lke.world.unit_a1, role=Role.TIM_KERJA)

    second = post_item(login(fajar), lke, 2, "C", note="catatan Fajar yang panjang", version=0)
    assert second.status_code == 200
    body = text(second)
    assert str(STALE_VERSION) in body
    assert "catatan Fajar yang panjang" in body  # their own text is still in the note field
    assert 'value="C" checked' in body  # and their own answer is still chosen
    assert 'data-testid="conflict-answer">A<' in body  # the other person's saved answer is shown
    assert "catatan Ani" in body
    assert 'name="s2-version" value="1"' in body  # a deliberate second save is now possible
    row = unit_row(lke, 2)
    assert (row.answer, row.note, row.version) == ("A", "catatan Ani", 1)

    again = post_item(login(fajar), lke, 2, "C", note="catatan Fajar yang panjang", version=1)
    assert gettext("Saved.") in text(again)
    assert unit_row(lke, 2).answer == "C"


def test_conflict_without_htmx_shows_the_whole_section_with_the_typed_text(lke: LKEWorld, login) -> None:
    answer(lke, 2, "A")
    response = post_item(login(lke.world.ani), lke, 2, "B", note="teks saya", version=0, htmx=False)
    assert response.status_code == 200
    body = text(response)
    assert "<html" in body
    assert str(STALE_VERSION) in body
    assert "teks saya" in body
    assert 'id="soal-1"' in body  # the rest of the section is there
    assert unit_row(lke, 2).answer == "A"


@pytest.mark.parametrize(
    ("soal_id", "typed", "message"),
    [
        (88, "-3", WHOLE_NUMBER),
        (88, "2.5", WHOLE_NUMBER),
        (88, "sepuluh", WHOLE_NUMBER),
        (88, "1e", WHOLE_NUMBER),  # issue 21: once saved as a blank and reported "Tersimpan"
        (125, "1e", VALUE_0_4),
        (125, "1e0", VALUE_0_4),
        (125, "-0", VALUE_0_4),
        (125, "4.5", VALUE_0_4),
        (125, "x", VALUE_0_4),
        (2, "Z", CHOOSE_OPTION),
    ],
)
def test_a_malformed_answer_is_refused_beside_the_field_and_nothing_is_saved(
    lke: LKEWorld, login, soal_id, typed, message
) -> None:
    response = post_item(login(lke.world.ani), lke, soal_id, typed, note="tetap di sini")
    assert response.status_code == 200
    body = text(response)
    assert str(message) in body
    assert f'id="id_s{soal_id}-answer_errors"' in body
    assert "tetap di sini" in body
    assert unit_row(lke, soal_id) is None


def test_a_save_without_the_loaded_version_is_refused(lke: LKEWorld, login) -> None:
    response = login(lke.world.ani).post(
        url("jawaban-save", lke, soal_id=1), {"s1-answer": "Ya", "s1-note": "tanpa versi"}, **HTMX
    )
    assert response.status_code == 200
    body = text(response)
    assert "errorlist" in body
    assert "tanpa versi" in body
    assert unit_row(lke, 1) is None


def test_contradicting_numbers_are_refused_with_a_clear_message(lke: LKEWorld, login) -> None:
    client = login(lke.world.ani)
    for soal_id, value in ((110, "3"), (111, "0")):
        post_item(client, lke, soal_id, value)
    response = post_item(client, lke, 112, "5")  # more complaints completed than to follow up
    body = text(response)
    assert str(CONTRADICTION % {"code": "R.5.ii.a"}) in body
    assert 'value="5"' in body
    assert unit_row(lke, 112) is None


def test_a_bad_evidence_link_is_refused(lke: LKEWorld, login) -> None:
    response = post_item(login(lke.world.ani), lke, 1, "Ya", link="bukan tautan spasi")
    assert "errorlist" in response.content.decode()
    assert unit_row(lke, 1) is None


def test_save_is_403_for_readers_404_for_outsiders_405_for_get(lke: LKEWorld, login) -> None:
    assert post_item(login(lke.world.evi), lke, 1, "Ya").status_code == 403
    assert post_item(login(lke.world.budi), lke, 1, "Ya").status_code == 403
    assert post_item(login(lke.world.dodi), lke, 1, "Ya").status_code == 404
    assert login(lke.world.ani).get(url("jawaban-save", lke, soal_id=1)).status_code == 405
    assert login(lke.world.ani).post(url("jawaban-save", lke, soal_id=999), {}).status_code == 404
    assert unit_row(lke, 1) is None


# -----------------------------------------------------------------------------
# Derived percentages as you type
# -----------------------------------------------------------------------------


def test_preview_computes_the_percentage_as_typed_without_saving(lke: LKEWorld, login) -> None:
    answer(lke, 90, "8")
    response = login(lke.world.ani).get(
        url("worksheet-preview", lke), {"node": "36", "s88-answer": "10", "s89-answer": "7", "s91-answer": "2"}, **HTMX
    )
    assert response.status_code == 200
    body = text(response)
    assert 'data-testid="derived-R-1-i-a">70,00 %<' in body
    assert 'data-testid="derived-R-1-i-b">25,00 %<' in body  # 2 typed over the saved 8
    assert not Jawaban.objects.filter(soal__portalrb_soal_id__in=[88, 89, 91]).exists()


def test_preview_flags_bad_and_contradicting_numbers(lke: LKEWorld, login) -> None:
    client = login(lke.world.evi)  # reading is enough to preview
    bad = text(client.get(url("worksheet-preview", lke), {"node": "36", "s88-answer": "-1", "s89-answer": "2"}))
    assert str(WHOLE_NUMBER) in bad
    assert f'data-testid="derived-R-1-i-a">{gettext("not filled")}<' in bad
    contradicting = text(
        client.get(url("worksheet-preview", lke), {"node": "53", "s110-answer": "2", "s112-answer": "5"})
    )
    assert str(CONTRADICTION % {"code": "R.5.ii.a"}) in contradicting


def test_preview_needs_a_real_node_and_is_get_only(lke: LKEWorld, login) -> None:
    client = login(lke.world.ani)
    assert client.get(url("worksheet-preview", lke), {"node": "4"}).status_code == 404  # no percentages there
    assert client.get(url("worksheet-preview", lke), {"node": "x"}).status_code == 404
    assert client.post(url("worksheet-preview", lke), {"node": "36"}).status_code == 405
    assert login(lke.world.dodi).get(url("worksheet-preview", lke), {"node": "36"}).status_code == 404


# -----------------------------------------------------------------------------
# Status rules: read-only after submission except returned items; closed is read-only
# -----------------------------------------------------------------------------


def test_after_submission_the_worksheet_is_read_only(lke: LKEWorld, login) -> None:
    answer(lke, 1, "Ya")
    submit(lke)
    client = login(lke.world.ani)
    body = text(client.get(url("worksheet", lke, section="pemenuhan-1")))
    assert str(STATUS_LOCKED_UNIT) in body
    assert url("jawaban-save", lke, soal_id=1) not in body
    assert url("evidence-upload", lke, soal_id=1) not in body
    refused = text(post_item(client, lke, 1, "Tidak", note="coba lagi", version=1))
    assert str(STATUS_LOCKED_UNIT) in refused
    assert "coba lagi" in refused  # the typed text is not lost
    assert unit_row(lke, 1).answer == "Ya"


def test_in_revision_only_returned_items_are_editable_with_what_to_fix_beside_them(lke: LKEWorld, login) -> None:
    answer(lke, 1, "Tidak")
    submit(lke)
    return_items(lke, 1)
    client = login(lke.world.ani)
    body = text(client.get(url("worksheet", lke, section="pemenuhan-1")))
    assert str(REVISION_ONLY_RETURNED) in body
    assert "Lampirkan SK 1" in body
    assert url("jawaban-save", lke, soal_id=1) in body
    assert url("jawaban-save", lke, soal_id=2) not in body

    assert str(NOT_RETURNED) in text(post_item(client, lke, 2, "A"))
    assert unit_row(lke, 2) is None
    fixed = post_item(client, lke, 1, "Ya", note="SK terlampir", version=1)
    assert gettext("Saved.") in text(fixed)
    assert ItemReturn.objects.get().status == ReturnStatus.FIXED
    assert unit_row(lke, 1).revision_count == 1


def test_after_the_tpi_closes_everything_is_read_only(lke: LKEWorld, login) -> None:
    answer(lke, 1, "Ya")
    Penilaian.objects.filter(pk=lke.penilaian.pk).update(status=PenilaianStatus.CLOSED)
    client = login(lke.world.ani)
    body = text(client.get(url("worksheet", lke, section="pemenuhan-1")))
    assert str(STATUS_CLOSED) in body
    assert '<form method="post" action="' + url("jawaban-save", lke, soal_id=1) not in body
    assert str(STATUS_CLOSED) in text(post_item(client, lke, 1, "Tidak", version=1))
    assert unit_row(lke, 1).answer == "Ya"
    assert url("penilaian-submit", lke) not in text(client.get(url("penilaian-detail", lke)))


def test_outside_the_fill_window_items_are_read_only(lke: LKEWorld, login) -> None:
    day = datetime.date(lke.cycle.tahun, 1, 1)
    Cycle.objects.filter(pk=lke.cycle.pk).update(fill_start=day, fill_end=day)
    client = login(lke.world.ani)
    body = text(client.get(url("worksheet", lke, section="pemenuhan-1")))
    assert str(services.FILL_WINDOW_CLOSED) in body
    assert url("jawaban-save", lke, soal_id=1) not in body


def test_service_conflict_is_the_same_rule_the_page_shows(lke: LKEWorld) -> None:
    """The page's conflict handling rests on the service refusing stale versions."""
    answer(lke, 3, "Ya")
    with pytest.raises(ConflictError):
        services.jawaban_save(
            actor=lke.actor(lke.world.ani), penilaian=lke.penilaian, soal=lke.soal(3), answer="Tidak", version=0
        )


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
