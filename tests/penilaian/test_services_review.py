"""TPI services beyond the basics: notifications per event, returned-item history, copying the
tier below, tier set-up rules and refusals that change nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from apps.audit.models import AuditEvent
from apps.core.errors import PermissionDeniedError, TransitionNotAllowed
from apps.notifications.models import Channel, Notification
from apps.penilaian.models import (
    ItemReturn,
    ItemReturnEvent,
    Jawaban,
    PenilaianStatus,
    Recommendation,
    ReturnStatus,
    Tier,
    TPIAssignment,
    TPITier,
)
from apps.penilaian.services.answers import jawaban_review_copy_below, jawaban_review_save, jawaban_save
from apps.penilaian.services.common import _notify
from apps.penilaian.services.review import (
    NOT_WAITING,
    item_return,
    item_return_accept,
    penilaian_recommend,
    penilaian_send_back,
    penilaian_submit,
    penilaian_tier_complete,
)
from apps.penilaian.services.setup import tpi_assign, tpi_tiers_set, tpi_unassign
from apps.tenancy.models import Membership
from apps.tenancy.roles import Role
from tests.factories import UserFactory
from tests.penilaian.conftest import PARTIAL, LKEWorld
from tests.penilaian.test_review_support import complete_tier, fill, submit, three_tiers, worst

pytestmark = pytest.mark.usefixtures("a_scope")


def in_app(user, kind: str) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind=kind, channel=Channel.IN_APP))


def unit_answer(lke: LKEWorld, soal_id: int, answer: str, note: str = "") -> Jawaban:
    soal = lke.soal(soal_id)
    row = Jawaban.objects.filter(penilaian=lke.penilaian, soal=soal, tier=Tier.UNIT).first()
    return jawaban_save(
        actor=lke.actor(lke.world.ani),
        penilaian=lke.penilaian,
        soal=soal,
        answer=answer,
        note=note,
        version=row.version if row else 0,
    )


def tier_answer(lke: LKEWorld, soal_id: int, answer: str | None, note: str = "") -> Jawaban:
    lke.penilaian.refresh_from_db()
    soal = lke.soal(soal_id)
    row = Jawaban.objects.filter(
        penilaian=lke.penilaian, soal=soal, tier=Tier.TPI, level=lke.penilaian.current_level
    ).first()
    return jawaban_review_save(
        actor=lke.actor(lke.world.budi),
        penilaian=lke.penilaian,
        soal=soal,
        answer=answer,
        note=note,
        version=row.version if row else 0,
    )


def return_item(lke: LKEWorld, soal_id: int, note: str) -> ItemReturn:
    return item_return(actor=lke.actor(lke.world.budi), penilaian=lke.penilaian, soal=lke.soal(soal_id), note=note)


# -----------------------------------------------------------------------------
# Notifications
# -----------------------------------------------------------------------------


def test_submit_tells_the_tier_1_reviewers_once(lke: LKEWorld) -> None:
    submit(lke)
    [note] = in_app(lke.world.budi, "penilaian_submitted")
    assert lke.world.unit_a1.name in note.subject
    assert note.link.endswith(f"/penilaian/{lke.penilaian.public_id}/telaah/")
    # An email is queued too (sent by the worker on commit).
    assert Notification.objects.filter(recipient=lke.world.budi, channel=Channel.EMAIL).count() == 1
    # Nobody else is told; the unit does not notify itself.
    assert not Notification.objects.exclude(recipient=lke.world.budi).exists()


def test_the_email_says_what_happened_in_text_and_html(lke: LKEWorld) -> None:
    unit_answer(lke, 1, "Ya")
    submit(lke)
    return_item(lke, 1, "Lampirkan SK")
    penilaian_send_back(actor=lke.actor(lke.world.budi), penilaian=lke.penilaian)
    email = Notification.objects.get(recipient=lke.world.ani, kind="penilaian_sent_back", channel=Channel.EMAIL)
    link = f"/penilaian/{lke.penilaian.public_id}/lke/"
    for body in (email.body, email.body_html):
        assert lke.world.unit_a1.name in body
        assert str(lke.cycle.tahun) in body
        assert link in body
        assert lke.world.budi.name in body  # who sent it back
    assert "<p>" in email.body_html
    assert "<p>" not in email.body


def test_send_back_tells_the_unit_and_resubmit_tells_the_reviewer_per_round(lke: LKEWorld) -> None:
    pimpinan = UserFactory(email="pimpinan@alfa.go.id", name="Pak Pimpinan A1")
    Membership.objects.create(
        user=pimpinan, instansi=lke.world.instansi_a, unit=lke.world.unit_a1, role=Role.PIMPINAN_UNIT
    )
    unit_answer(lke, 1, "Ya")
    submit(lke)
    budi = lke.actor(lke.world.budi)
    for round_number in (1, 2):
        return_item(lke, 1, f"Lampirkan SK, putaran {round_number}")
        penilaian_send_back(actor=budi, penilaian=lke.penilaian)
        lke.penilaian.refresh_from_db()
        assert lke.penilaian.revision_round == round_number
        unit_answer(lke, 1, "Ya", note=f"SK terlampir {round_number}")
        penilaian_submit(actor=lke.actor(lke.world.ani), penilaian=lke.penilaian, incomplete_reason=PARTIAL)
        item_return_accept(actor=budi, item=ItemReturn.objects.get(status=ReturnStatus.FIXED))

    # The tim kerja and the pimpinan unit, once per round; evi (viewer) and citra are not told.
    assert len(in_app(lke.world.ani, "penilaian_sent_back")) == 2
    assert len(in_app(pimpinan, "penilaian_sent_back")) == 2
    assert not in_app(lke.world.evi, "penilaian_sent_back")
    assert not in_app(lke.world.citra, "penilaian_sent_back")
    sent_back = in_app(lke.world.ani, "penilaian_sent_back")[0]
    assert sent_back.link.endswith(f"/penilaian/{lke.penilaian.public_id}/lke/")
    assert len(in_app(lke.world.budi, "penilaian_resubmitted")) == 2


def test_notification_keys_make_a_repeated_event_notify_once(lke: LKEWorld) -> None:
    submit(lke)
    # The same occurrence again (e.g. a retried request): the key is already claimed.
    _notify(
        actor=lke.actor(lke.world.ani),
        penilaian=lke.penilaian,
        recipients=[lke.world.budi],
        event="submitted",
        key="1",
        link="",
    )
    assert len(in_app(lke.world.budi, "penilaian_submitted")) == 1


def test_hand_over_tells_the_next_tier_and_closing_tells_unit_and_admin(lke: LKEWorld) -> None:
    tpi_tiers_set(actor=lke.actor(lke.world.citra), names=["Anggota tim", "Ketua tim"])
    ketua = UserFactory(email="ketua@alfa.go.id", name="Ketua Tim")
    Membership.objects.create(user=ketua, instansi=lke.world.instansi_a, role=Role.TPI)
    TPIAssignment.objects.create(
        instansi=lke.world.instansi_a, cycle=lke.cycle, unit=lke.world.unit_a1, reviewer=ketua, level=2
    )
    submit(lke)
    complete_tier(lke)
    assert lke.penilaian.current_level == 2
    [handover] = in_app(ketua, "penilaian_handover")
    assert "penilaian-handover" in handover.key

    fill(lke, tier=Tier.TPI, level=2)
    penilaian_tier_complete(actor=lke.actor(ketua), penilaian=lke.penilaian)
    lke.penilaian.refresh_from_db()
    assert lke.penilaian.status == PenilaianStatus.CLOSED
    assert len(in_app(lke.world.ani, "penilaian_closed")) == 1
    assert len(in_app(lke.world.citra, "penilaian_closed")) == 1
    assert not in_app(ketua, "penilaian_closed")  # the one who closed it

    penilaian_recommend(
        actor=lke.actor(lke.world.budi), penilaian=lke.penilaian, decision="layak_wbk", reasons="Memenuhi"
    )
    [recommended] = in_app(lke.world.citra, "penilaian_recommended")
    assert "Memenuhi" not in recommended.subject
    assert len(in_app(lke.world.ani, "penilaian_recommended")) == 1


# -----------------------------------------------------------------------------
# Returned items and their history
# -----------------------------------------------------------------------------


def test_a_returned_item_keeps_every_step_of_its_history(lke: LKEWorld) -> None:
    unit_answer(lke, 2, "C")
    submit(lke)
    budi = lke.actor(lke.world.budi)
    return_item(lke, 2, "Prosedur pemilihan tim belum dilampirkan")
    penilaian_send_back(actor=budi, penilaian=lke.penilaian)
    unit_answer(lke, 2, "B", note="Prosedur terlampir")
    unit_answer(lke, 2, "A", note="Prosedur lengkap")  # a second save is not a second revision
    penilaian_submit(actor=lke.actor(lke.world.ani), penilaian=lke.penilaian, incomplete_reason=PARTIAL)
    # The fix is not enough: returned again (the same item re-opens), fixed again, then accepted.
    return_item(lke, 2, "Notulen rapat pemilihan juga")
    penilaian_send_back(actor=budi, penilaian=lke.penilaian)
    unit_answer(lke, 2, "A", note="Notulen terlampir")
    penilaian_submit(actor=lke.actor(lke.world.ani), penilaian=lke.penilaian, incomplete_reason=PARTIAL)
    item = ItemReturn.objects.get()
    item_return_accept(actor=budi, item=item)

    item.refresh_from_db()
    assert item.status == ReturnStatus.ACCEPTED
    assert item.note == "Notulen rapat pemilihan juga"
    steps = [(e.kind, e.note) for e in ItemReturnEvent.objects.filter(item=item)]
    assert steps == [
        ("returned", "Prosedur pemilihan tim belum dilampirkan"),
        ("fixed", "Prosedur terlampir"),
        ("returned", "Notulen rapat pemilihan juga"),
        ("fixed", "Notulen terlampir"),
        ("accepted", ""),
    ]
    assert Jawaban.objects.get(soal__portalrb_soal_id=2, tier=Tier.UNIT).revision_count == 2
    # The audit rows keep what the return said before: the re-opening, then the acceptance.
    first, again = AuditEvent.objects.filter(verb="penilaian.item_return").order_by("seq")
    assert (first.before, first.after) == (None, {"soal": 2, "note": "Prosedur pemilihan tim belum dilampirkan"})
    assert again.before == {"soal": 2, "note": "Prosedur pemilihan tim belum dilampirkan", "status": "fixed"}
    assert again.after == {"soal": 2, "note": "Notulen rapat pemilihan juga"}
    accepted = AuditEvent.objects.get(verb="penilaian.item_accept")
    assert (accepted.before, accepted.after) == ({"soal": 2, "status": "fixed"}, {"soal": 2, "status": "accepted"})


def test_accepting_an_item_that_is_not_fixed_is_refused(lke: LKEWorld) -> None:
    submit(lke)
    item = return_item(lke, 1, "Perbaiki")
    with pytest.raises(TransitionNotAllowed) as excinfo:
        item_return_accept(actor=lke.actor(lke.world.budi), item=item)
    assert str(excinfo.value) == str(NOT_WAITING)
    item.refresh_from_db()
    assert item.status == ReturnStatus.OPEN


def test_returning_without_saying_what_to_fix_is_refused(lke: LKEWorld) -> None:
    submit(lke)
    with pytest.raises(ValidationError) as excinfo:
        return_item(lke, 1, "   ")
    assert excinfo.value.error_dict["note"][0].code == "required"
    assert not ItemReturn.objects.exists()


# -----------------------------------------------------------------------------
# Copy the tier below
# -----------------------------------------------------------------------------


def test_copy_fills_only_unanswered_items_of_the_current_tier_and_is_audited(lke: LKEWorld) -> None:
    fill(lke, answer=worst)
    submit(lke)
    tier_answer(lke, 1, "Ya", note="Sudah diperiksa")  # the unit said Tidak; the reviewer disagrees
    copied = jawaban_review_copy_below(actor=lke.actor(lke.world.budi), penilaian=lke.penilaian)
    assert copied == 126
    mine = {r.soal.portalrb_soal_id: r for r in Jawaban.objects.filter(tier=Tier.TPI, level=1).select_related("soal")}
    assert len(mine) == 127
    assert (mine[1].answer, mine[1].note, mine[1].version) == ("Ya", "Sudah diperiksa", 1)
    assert mine[2].answer == "C"
    assert mine[2].note == ""
    event = AuditEvent.objects.get(verb="jawaban.review_copy")
    assert event.after["level"] == 1
    assert len(event.after["soal"]) == 126
    # Nothing left to copy: a second run changes nothing.
    assert jawaban_review_copy_below(actor=lke.actor(lke.world.budi), penilaian=lke.penilaian) == 0


def test_copy_at_tier_2_takes_tier_1_and_can_be_limited_to_some_soal(lke: LKEWorld) -> None:
    three_tiers(lke)
    fill(lke, answer=worst)
    submit(lke)
    complete_tier(lke)  # tier 1 answers "best"
    copied = jawaban_review_copy_below(actor=lke.actor(lke.world.budi), penilaian=lke.penilaian, soal_ids={1, 2, 3})
    assert copied == 3
    rows = Jawaban.objects.filter(tier=Tier.TPI, level=2).select_related("soal")
    assert {(r.soal.portalrb_soal_id, r.answer) for r in rows} == {(1, "Ya"), (2, "A"), (3, "Ya")}


def test_copy_never_creates_a_contradiction_in_the_tiers_own_numbers(lke: LKEWorld) -> None:
    fill(lke, only={113, 114, 115, 116}, answer=lambda s: {113: "1", 114: "1", 115: "1", 116: "3"}[s.portalrb_soal_id])
    submit(lke)
    # The reviewer counted fewer officials obliged to file: the unit's 3 filed would exceed 2.
    tier_answer(lke, 113, "1")
    tier_answer(lke, 114, "1")
    tier_answer(lke, 115, "0")
    copied = jawaban_review_copy_below(actor=lke.actor(lke.world.budi), penilaian=lke.penilaian)
    assert copied == 0
    assert not Jawaban.objects.filter(tier=Tier.TPI, soal__portalrb_soal_id=116).exists()


def test_copy_is_refused_to_a_reviewer_of_another_tier(lke: LKEWorld) -> None:
    fill(lke)
    submit(lke)
    TPIAssignment.objects.all().delete()
    with pytest.raises(PermissionDeniedError):
        jawaban_review_copy_below(actor=lke.actor(lke.world.budi), penilaian=lke.penilaian)
    assert not Jawaban.objects.filter(tier=Tier.TPI).exists()


# -----------------------------------------------------------------------------
# Set-up and recommendation refusals
# -----------------------------------------------------------------------------


def test_a_tier_in_use_cannot_be_removed(lke: LKEWorld) -> None:
    three_tiers(lke)
    submit(lke)
    complete_tier(lke)
    complete_tier(lke)  # now at tier 3
    with pytest.raises(ValidationError) as excinfo:
        tpi_tiers_set(actor=lke.actor(lke.world.citra), names=["Anggota tim", "Ketua tim"])
    assert excinfo.value.error_dict["names"][0].code == "tiers_in_use"
    assert TPITier.objects.count() == 3


def test_assigning_at_a_tier_that_does_not_exist_is_refused(lke: LKEWorld) -> None:
    citra = lke.actor(lke.world.citra)
    for level in (2, 4):
        with pytest.raises(ValidationError) as excinfo:
            tpi_assign(
                actor=citra, cycle=lke.cycle, unit=lke.world.unit_a1, reviewer=lke.actor(lke.world.budi), level=level
            )
        assert excinfo.value.error_dict["level"][0].code == "tier_unknown"
    with pytest.raises(ValidationError) as excinfo:
        tpi_assign(actor=citra, cycle=lke.cycle, unit=lke.world.unit_a1, reviewer=lke.actor(lke.world.budi), level=1)
    assert excinfo.value.error_dict["reviewer"][0].code == "duplicate"
    with pytest.raises(ValidationError):
        tpi_assign(actor=citra, cycle=lke.cycle, unit=lke.world.unit_a1, reviewer=lke.actor(lke.world.evi), level=1)
    assert TPIAssignment.objects.count() == 1
    tpi_unassign(actor=citra, assignment=TPIAssignment.objects.get())
    removed = AuditEvent.objects.get(verb="tpi.unassign")  # a removal: what it was, nothing after
    assert (removed.before, removed.after) == ({"reviewer": lke.world.budi.email, "level": 1}, None)
    assert not TPIAssignment.objects.exists()


@pytest.mark.parametrize(
    ("decision", "reasons", "field"),
    [("layak_sekali", "Alasan", "decision"), ("layak_wbk", "  ", "reasons")],
)
def test_a_bad_recommendation_saves_nothing(lke: LKEWorld, decision: str, reasons: str, field: str) -> None:
    submit(lke)
    complete_tier(lke)
    with pytest.raises(ValidationError) as excinfo:
        penilaian_recommend(
            actor=lke.actor(lke.world.budi), penilaian=lke.penilaian, decision=decision, reasons=reasons
        )
    assert field in excinfo.value.error_dict
    assert not Recommendation.objects.exists()
    lke.penilaian.refresh_from_db()
    assert lke.penilaian.status == PenilaianStatus.CLOSED
