"""An incomplete LKE (issue 17): a unit submitting below 100 % answered sees what is missing and must
say why; the TPI returns every blank item to the unit in one action, with the history kept per item,
and the unit can then answer them and send them back."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.core.errors import PermissionDeniedError, TransitionNotAllowed
from apps.penilaian.models import ItemReturn, ItemReturnEvent, PenilaianStatus, ReturnStatus
from apps.penilaian.services.answers import jawaban_save
from apps.penilaian.services.review import (
    NOTHING_UNANSWERED,
    penilaian_return_unanswered,
    penilaian_submit,
    unanswered_soal,
)
from apps.tenancy.scope import scope
from tests.penilaian.conftest import PARTIAL, LKEWorld
from tests.penilaian.test_review_support import fill

pytestmark = pytest.mark.django_db

ANSWERED = set(range(1, 23))  # 22 of 127 soal answered, as in the issue


def _submitted_with_blanks(lke: LKEWorld) -> None:
    fill(lke, only=ANSWERED)
    with scope(lke.world.instansi_a.pk):
        penilaian_submit(actor=lke.actor(lke.world.ani), penilaian=lke.penilaian, incomplete_reason=PARTIAL)
    lke.penilaian.refresh_from_db()


def test_submitting_below_100_percent_needs_a_reason_and_keeps_it(lke: LKEWorld) -> None:
    fill(lke, only=ANSWERED)
    ani = lke.actor(lke.world.ani)
    with scope(lke.world.instansi_a.pk):
        assert len(unanswered_soal(penilaian=lke.penilaian)) == 105
        with pytest.raises(ValidationError) as refused:
            penilaian_submit(actor=ani, penilaian=lke.penilaian, incomplete_reason="   ")
        assert refused.value.message_dict["incomplete_reason"][0].startswith("105 dari 127")
        lke.penilaian.refresh_from_db()
        assert lke.penilaian.status == PenilaianStatus.DRAFT
        penilaian_submit(actor=ani, penilaian=lke.penilaian, incomplete_reason=PARTIAL)
        audit = AuditEvent.objects.get(verb="penilaian.submit")
    lke.penilaian.refresh_from_db()
    assert lke.penilaian.status == PenilaianStatus.IN_REVIEW
    assert lke.penilaian.incomplete_reason == PARTIAL
    assert (audit.before["status"], audit.after["status"]) == ("draft", "in_review")
    assert (audit.after["unanswered"], audit.after["incomplete_reason"]) == (105, PARTIAL)


def test_a_complete_lke_needs_no_reason(lke: LKEWorld) -> None:
    fill(lke)
    with scope(lke.world.instansi_a.pk):
        penilaian_submit(actor=lke.actor(lke.world.ani), penilaian=lke.penilaian)
    lke.penilaian.refresh_from_db()
    assert lke.penilaian.status == PenilaianStatus.IN_REVIEW
    assert lke.penilaian.incomplete_reason == ""


def test_the_tpi_returns_every_blank_at_once_with_history_per_item(lke: LKEWorld) -> None:
    _submitted_with_blanks(lke)
    budi = lke.actor(lke.world.budi)
    with scope(lke.world.instansi_a.pk):
        # Someone else may not; the unit's operator neither.
        with pytest.raises(PermissionDeniedError):
            penilaian_return_unanswered(actor=lke.actor(lke.world.ani), penilaian=lke.penilaian)
        items = penilaian_return_unanswered(actor=budi, penilaian=lke.penilaian, note="Lengkapi.")
        assert len(items) == 105
        assert ItemReturn.objects.filter(status=ReturnStatus.OPEN).count() == 105
        assert ItemReturnEvent.objects.filter(kind=ItemReturnEvent.Kind.RETURNED).count() == 105
        returned = set(ItemReturn.objects.values_list("soal__portalrb_soal_id", flat=True))
        assert returned.isdisjoint(ANSWERED)
        audit = AuditEvent.objects.get(verb="penilaian.return_unanswered")
        assert (audit.before["status"], audit.after["status"]) == ("in_review", "revision")
        assert len(audit.after["returned"]) == 105
        lke.penilaian.refresh_from_db()
        assert lke.penilaian.status == PenilaianStatus.REVISION
        assert lke.penilaian.revision_round == 1
        # The unit answers one returned item: its own history moves on.
        soal = lke.soal(50)
        answer = soal.options[0]["key"] if soal.options else "1"
        jawaban_save(
            actor=lke.actor(lke.world.ani), penilaian=lke.penilaian, soal=soal, answer=answer, note="", version=0
        )
        item = ItemReturn.objects.get(soal=soal)
        assert item.status == ReturnStatus.FIXED
        assert [e.kind for e in ItemReturnEvent.objects.filter(item=item)] == ["returned", "fixed"]


def test_nothing_to_return_when_every_soal_is_answered(lke: LKEWorld) -> None:
    fill(lke)
    with scope(lke.world.instansi_a.pk):
        penilaian_submit(actor=lke.actor(lke.world.ani), penilaian=lke.penilaian)
        lke.penilaian.refresh_from_db()
        with pytest.raises(TransitionNotAllowed) as refused:
            penilaian_return_unanswered(actor=lke.actor(lke.world.budi), penilaian=lke.penilaian)
    assert str(refused.value) == str(NOTHING_UNANSWERED)
    assert not ItemReturn.unscoped.exists()


def test_the_review_page_offers_the_one_action_and_it_works(lke: LKEWorld, login) -> None:
    _submitted_with_blanks(lke)
    url = reverse("penilaian:review-return-unanswered", kwargs={"public_id": lke.penilaian.public_id})
    summary = reverse("penilaian:review-summary", kwargs={"public_id": lke.penilaian.public_id})
    tpi = login(lke.world.budi)
    page = tpi.get(summary).content.decode()
    assert 'data-return-unanswered="105"' in page
    assert login(lke.world.evi).post(url).status_code == 403
    assert login(lke.world.dodi).post(url).status_code == 404
    assert tpi.get(url).status_code == 405
    response = tpi.post(url, follow=True)
    assert response.status_code == 200
    assert "105" in response.content.decode()
    lke.penilaian.refresh_from_db()
    assert lke.penilaian.status == PenilaianStatus.REVISION
    assert ItemReturn.unscoped.filter(penilaian=lke.penilaian).count() == 105
