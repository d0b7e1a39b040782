"""Who may change what on the unit's worksheet, as the pages show it: the pokja areas per member, and
the status rules (read-only after submission except the returned items; closed is read-only; the
fill window).

Personas: ani fills (tim kerja of A1), fajar is a second member of A1's tim kerja, evi only reads,
budi the TPI reviewer, dodi the outsider of instansi B.
"""

from __future__ import annotations

import datetime

import pytest
from django.utils.translation import gettext

from apps.audit.models import AuditEvent
from apps.core.errors import ConflictError
from apps.penilaian.models import AreaAssignment, ItemReturn, Penilaian, PenilaianStatus, ReturnStatus
from apps.penilaian.pages.worksheet import REVISION_ONLY_RETURNED
from apps.penilaian.services.answers import (
    AREA_ASSIGNED_TO_OTHERS,
    NOT_RETURNED,
    STATUS_LOCKED_UNIT,
    jawaban_save,
)
from apps.penilaian.services.common import FILL_WINDOW_CLOSED, STATUS_CLOSED
from apps.tenancy.models import Membership
from apps.tenancy.roles import Role
from apps.unit_kerja.models import Cycle
from tests.factories import UserFactory
from tests.penilaian.conftest import LKEWorld
from tests.penilaian.helpers import answer, post_item, return_items, submit, text, unit_row, url

pytestmark = pytest.mark.usefixtures("a_scope")


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
    assert str(FILL_WINDOW_CLOSED) in body
    assert url("jawaban-save", lke, soal_id=1) not in body


def test_service_conflict_is_the_same_rule_the_page_shows(lke: LKEWorld) -> None:
    """The page's conflict handling rests on the service refusing stale versions."""
    answer(lke, 3, "Ya")
    with pytest.raises(ConflictError):
        jawaban_save(
            actor=lke.actor(lke.world.ani), penilaian=lke.penilaian, soal=lke.soal(3), answer="Tidak", version=0
        )
