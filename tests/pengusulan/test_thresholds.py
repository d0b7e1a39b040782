"""The regulation's gate on a proposal (issue 17, REFERENCE §3.1): a unit whose final TPI tier misses
a threshold of its predikat cannot be proposed; an afirmasi unit can, with the failing rules listed
and a written reason, both frozen in the snapshot; the pages show the score, each threshold and
the gap."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.audit.models import AuditEvent
from apps.core.errors import TransitionNotAllowed
from apps.pengusulan import services
from apps.pengusulan.models import Pengusulan, PengusulanSnapshot, PengusulanStatus
from apps.penilaian.models import Recommendation, Tier
from apps.penilaian.services.review import penilaian_recommend, penilaian_tier_complete
from apps.tenancy.scope import scope
from tests.pengusulan.helpers import actor, eligible_facts, letter, pimpinan, top
from tests.penilaian.conftest import LKEWorld
from tests.penilaian.test_review_support import fill, submit

pytestmark = pytest.mark.django_db

BELOW_REASON = "Survei ulang dijadwalkan; unit layanan inti Stranas PK."


def weak(soal) -> str:
    """Good everywhere except the surveys: IPAK and IPKP at 2 of 4 (both under their minimum)."""
    return "2" if soal.answer_type == "NILAI_0_4" else top(soal)


def failing_draft(lke: LKEWorld) -> Pengusulan:
    """A unit whose final TPI tier misses the survey thresholds; the TPI still records 'layak' with
    its written reason; eligible; letter signed; a WBK draft."""
    fill(lke, answer=weak)
    submit(lke)
    fill(lke, tier=Tier.TPI, level=1, answer=weak)
    budi = lke.actor(lke.world.budi)
    with scope(lke.world.instansi_a.pk):
        penilaian_tier_complete(actor=budi, penilaian=lke.penilaian)
        penilaian_recommend(
            actor=budi,
            penilaian=lke.penilaian,
            decision=Recommendation.Decision.LAYAK_WBK,
            reasons="Pengungkit baik.",
            threshold_reason="Survei IPAK/IPKP diulang pada triwulan berikut.",
        )
    eligible_facts(lke)
    letter(lke)
    with scope(lke.world.instansi_a.pk):
        return services.pengusulan_create(actor=actor(pimpinan(lke)), penilaian=lke.penilaian, predikat="WBK")


def test_a_unit_below_a_threshold_cannot_be_proposed(lke: LKEWorld) -> None:
    draft = failing_draft(lke)
    with scope(lke.world.instansi_a.pk), pytest.raises(TransitionNotAllowed) as refused:
        services.pengusulan_submit(actor=actor(pimpinan(lke)), pengusulan=draft, afirmasi_reason=BELOW_REASON)
    assert refused.value.code == "below_threshold"
    assert "IPAK" in str(refused.value)
    assert "IPKP" in str(refused.value)
    draft.refresh_from_db()
    assert draft.status == PengusulanStatus.DRAFT
    assert not PengusulanSnapshot.unscoped.exists()
    assert not AuditEvent.unscoped.filter(verb="pengusulan.submit").exists()


def test_an_afirmasi_unit_goes_below_with_the_failing_rules_and_a_reason_frozen(lke: LKEWorld) -> None:
    draft = failing_draft(lke)
    Pengusulan.unscoped.filter(pk=draft.pk).update(afirmasi=True)
    draft.refresh_from_db()
    boss = actor(pimpinan(lke))
    with scope(lke.world.instansi_a.pk):
        with pytest.raises(ValidationError) as refused:
            services.pengusulan_submit(actor=boss, pengusulan=draft, afirmasi_reason="  ")
        assert "IPAK" in refused.value.message_dict["afirmasi_reason"][0]
        assert not PengusulanSnapshot.objects.exists()
        services.pengusulan_submit(actor=boss, pengusulan=draft, afirmasi_reason=BELOW_REASON)
        snapshot = PengusulanSnapshot.objects.get()
        audit = AuditEvent.objects.get(verb="pengusulan.submit")
    draft.refresh_from_db()
    assert draft.status == PengusulanStatus.PROPOSED
    assert draft.afirmasi_reason == BELOW_REASON
    frozen = snapshot.data["thresholds"]
    assert frozen["met"] is False
    assert frozen["afirmasi_reason"] == BELOW_REASON
    assert {"ipak", "ipkp"} <= set(frozen["failing"])
    failing = [c for c in frozen["checks"] if not c["passed"]]
    assert [c["code"] for c in failing] == frozen["failing"]
    assert all(float(c["gap"]) > 0 for c in failing)
    assert (audit.before["status"], audit.after["status"]) == ("draft", "proposed")
    assert audit.after["afirmasi_reason"] == BELOW_REASON


def test_the_pages_show_the_score_each_threshold_and_the_gap(lke: LKEWorld, login) -> None:
    draft = failing_draft(lke)
    client = login(pimpinan(lke))
    detail = client.get(reverse("pengusulan:pengusulan-detail", args=[draft.public_id])).content.decode()
    assert 'data-thresholds="not-met"' in detail
    assert "data-cannot-propose" in detail
    assert 'data-passed="no"' in detail
    assert "IPAK" in detail
    confirm = client.get(reverse("pengusulan:pengusulan-submit", args=[draft.public_id]))
    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert "data-lke-total" in page
    assert "data-cannot-propose" in page
    refused = client.post(reverse("pengusulan:pengusulan-submit", args=[draft.public_id]), {"afirmasi_reason": "x"})
    assert refused.status_code == 400
    assert "IPAK" in refused.content.decode()
    draft.refresh_from_db()
    assert draft.status == PengusulanStatus.DRAFT
    # An afirmasi unit: the confirmation asks for the reason; with it, the proposal goes.
    Pengusulan.unscoped.filter(pk=draft.pk).update(afirmasi=True)
    page = client.get(reverse("pengusulan:pengusulan-submit", args=[draft.public_id])).content.decode()
    assert 'name="afirmasi_reason"' in page
    done = client.post(
        reverse("pengusulan:pengusulan-submit", args=[draft.public_id]), {"afirmasi_reason": BELOW_REASON}
    )
    assert done.status_code == 302
    detail = client.get(reverse("pengusulan:pengusulan-detail", args=[draft.public_id])).content.decode()
    assert BELOW_REASON in detail
    assert "data-frozen-thresholds" in detail
