"""The proposal workflow: submit refused outside the window / over quota / failing checks /
without SPTJM with nothing written; idempotent double submit; frozen snapshot; correction;
withdrawal; letter PDF."""

from __future__ import annotations

import datetime
import hashlib
import io

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from pypdf import PdfReader

from apps.audit.models import AuditEvent
from apps.core.errors import DomainError, PermissionDeniedError, TransitionNotAllowed, WindowClosed
from apps.notifications.models import Notification
from apps.pengusulan import services
from apps.pengusulan.models import (
    Pengusulan,
    PengusulanSnapshot,
    PengusulanStatus,
    ProposalQuota,
    SuratPengusulan,
    UnitEligibility,
)
from apps.pengusulan.reports import SURAT_PENGUSULAN
from apps.pengusulan.snapshot import snapshot_hash
from apps.penilaian.models import Jawaban, Recommendation, Tier
from apps.reports.models import ReportStatus
from apps.reports.services import report_render
from apps.tenancy.scope import scope
from apps.unit_kerja.models import Cycle
from tests.conftest import PASSWORD
from tests.pengusulan.helpers import actor, eligible_facts, letter, pimpinan, ready, recommend
from tests.penilaian.conftest import LKEWorld


def close_window(lke: LKEWorld) -> None:
    """Yesterday was the proposal deadline (every earlier window closed before it)."""
    today = timezone.localdate()
    ends = {f: today - datetime.timedelta(days=2) for f in ("fill_end", "review_end", "revision_end")}
    starts = {f: today - datetime.timedelta(days=30) for f in ("fill_start", "review_start", "revision_start")}
    Cycle.unscoped.filter(pk=lke.cycle.pk).update(**starts, **ends, proposal_end=today - datetime.timedelta(days=1))


def _state(lke: LKEWorld) -> tuple[int, int, str]:
    with scope(lke.world.instansi_a.pk):
        p = Pengusulan.objects.get()
        return PengusulanSnapshot.objects.count(), Notification.objects.count(), p.status


def _submit(lke: LKEWorld, pengusulan: Pengusulan) -> Pengusulan:
    with scope(lke.world.instansi_a.pk):
        return services.pengusulan_submit(actor=actor(pimpinan(lke)), pengusulan=pengusulan)


def test_submit_freezes_snapshot_one_and_lists_the_unit_in_the_letter(lke: LKEWorld) -> None:
    pengusulan = ready(lke)
    pengusulan = _submit(lke, pengusulan)
    assert pengusulan.status == PengusulanStatus.PROPOSED
    with scope(lke.world.instansi_a.pk):
        snapshot = PengusulanSnapshot.objects.get()
        surat = SuratPengusulan.objects.get()
        assert list(surat.items.all()) == [pengusulan]
        # The admin ZI and the unit's tim kerja are told.
        recipients = set(
            Notification.objects.filter(kind="pengusulan_submitted").values_list("recipient__email", flat=True)
        )
    assert snapshot.number == 1
    assert snapshot.is_current
    assert snapshot.data["kategori"] == "WBK"
    assert snapshot.data["tiers"] == ["unit", "tpi1"]
    assert len(snapshot.sha256) == 64
    assert recipients == {"citra@alfa.go.id", "ani@alfa.go.id"}
    assert AuditEvent.unscoped.filter(verb="pengusulan.submit").count() == 1


def test_double_submit_is_idempotent(lke: LKEWorld) -> None:
    pengusulan = _submit(lke, ready(lke))
    before = _state(lke)
    again = _submit(lke, pengusulan)
    assert again.status == PengusulanStatus.PROPOSED
    assert _state(lke) == before
    assert AuditEvent.unscoped.filter(verb="pengusulan.submit").count() == 1


def test_submit_outside_the_window_is_refused_with_nothing_written(lke: LKEWorld) -> None:
    pengusulan = ready(lke)
    close_window(lke)
    before = _state(lke)
    with pytest.raises(WindowClosed):
        _submit(lke, pengusulan)
    assert _state(lke) == before == (0, before[1], PengusulanStatus.DRAFT)


def test_submit_over_quota_is_refused(lke: LKEWorld) -> None:
    pengusulan = ready(lke)
    ProposalQuota.unscoped.create(instansi=lke.world.instansi_a, tahun=lke.cycle.tahun, max_units=0)
    with pytest.raises(DomainError) as caught:
        _submit(lke, pengusulan)
    assert caught.value.code == "quota_full"
    assert _state(lke)[0] == 0
    assert _state(lke)[2] == PengusulanStatus.DRAFT


def test_submit_failing_a_check_names_it_and_writes_nothing(lke: LKEWorld) -> None:
    pengusulan = ready(lke)
    UnitEligibility.unscoped.update(tlhp_pct=90)
    with pytest.raises(TransitionNotAllowed) as caught:
        _submit(lke, pengusulan)
    assert caught.value.code == "not_eligible"
    assert "TLHP" in str(caught.value)
    assert _state(lke)[0] == 0
    assert _state(lke)[2] == PengusulanStatus.DRAFT


def test_submit_without_sptjm_is_refused(lke: LKEWorld) -> None:
    recommend(lke)
    eligible_facts(lke)
    letter(lke, sign=False)
    with scope(lke.world.instansi_a.pk):
        pengusulan = services.pengusulan_create(actor=actor(pimpinan(lke)), penilaian=lke.penilaian, predikat="WBK")
    with pytest.raises(TransitionNotAllowed) as caught:
        _submit(lke, pengusulan)
    assert str(caught.value) == str(services.NO_SPTJM)
    assert _state(lke)[0] == 0


def test_only_the_pimpinan_submits(lke: LKEWorld) -> None:
    pengusulan = ready(lke)
    with scope(lke.world.instansi_a.pk), pytest.raises(PermissionDeniedError):
        services.pengusulan_submit(actor=lke.actor(lke.world.citra), pengusulan=pengusulan)


def test_create_needs_a_layak_recommendation_and_wbbm_needs_layak_wbbm(lke: LKEWorld) -> None:
    who = actor(pimpinan(lke))
    with scope(lke.world.instansi_a.pk), pytest.raises(TransitionNotAllowed):
        services.pengusulan_create(actor=who, penilaian=lke.penilaian, predikat="WBK")
    recommend(lke)
    with scope(lke.world.instansi_a.pk):
        with pytest.raises(ValidationError) as caught:
            services.pengusulan_create(actor=who, penilaian=lke.penilaian, predikat="WBBM")
        assert caught.value.error_dict["predikat"][0].code == "not_recommended"
        assert Pengusulan.objects.count() == 0


def test_later_edits_never_change_the_frozen_snapshot(lke: LKEWorld) -> None:
    pengusulan = _submit(lke, ready(lke))
    with scope(lke.world.instansi_a.pk):
        frozen = PengusulanSnapshot.objects.get()
        Jawaban.objects.filter(tier=Tier.UNIT).update(note="diubah setelah diusulkan", answer="Tidak")
        frozen.refresh_from_db()

        assert snapshot_hash(frozen.data) == frozen.sha256
        assert all(a["unit"]["note"] != "diubah setelah diusulkan" for a in frozen.data["answers"] if "unit" in a)
    assert pengusulan.status == PengusulanStatus.PROPOSED


def test_a_correction_creates_snapshot_two_and_keeps_one(lke: LKEWorld) -> None:
    pengusulan = _submit(lke, ready(lke))
    with scope(lke.world.instansi_a.pk):
        first = PengusulanSnapshot.objects.get()
        Jawaban.objects.filter(tier=Tier.UNIT, soal__portalrb_soal_id=1).update(note="Catatan diperbaiki")
        with pytest.raises(ValidationError):
            services.pengusulan_correct(actor=actor(pimpinan(lke)), pengusulan=pengusulan, reason=" ")
        second = services.pengusulan_correct(
            actor=actor(pimpinan(lke)), pengusulan=pengusulan, reason="Catatan soal 1 diperbaiki"
        )
        first.refresh_from_db()
        rows = list(PengusulanSnapshot.objects.order_by("number"))
    assert [s.number for s in rows] == [1, 2]
    assert first.is_current is False
    assert second.is_current is True
    assert second.sha256 != first.sha256
    assert second.reason == "Catatan soal 1 diperbaiki"
    assert second.data["answers"][0]["unit"]["note"] == "Catatan diperbaiki"


def test_withdraw_before_the_window_closes(lke: LKEWorld) -> None:
    pengusulan = _submit(lke, ready(lke))
    with scope(lke.world.instansi_a.pk):
        withdrawn = services.pengusulan_withdraw(actor=actor(pimpinan(lke)), pengusulan=pengusulan)
        assert withdrawn.status == PengusulanStatus.WITHDRAWN
        assert SuratPengusulan.objects.get().items.count() == 0
        with pytest.raises(TransitionNotAllowed):
            services.pengusulan_withdraw(actor=actor(pimpinan(lke)), pengusulan=pengusulan)


def test_sptjm_sign_needs_the_password_and_records_the_text_hash(lke: LKEWorld) -> None:
    surat = letter(lke, sign=False)
    who = actor(pimpinan(lke))
    with scope(lke.world.instansi_a.pk):
        with pytest.raises(ValidationError) as caught:
            services.surat_sptjm_sign(actor=who, surat=surat, password="salah", confirm=True)
        assert "password" in caught.value.error_dict
        surat.refresh_from_db()
        assert surat.sptjm_signed_at is None
        signed = services.surat_sptjm_sign(actor=who, surat=surat, password=PASSWORD, confirm=True)

    assert signed.sptjm_sha256 == hashlib.sha256(signed.sptjm_text.encode()).hexdigest()
    assert "B/100/ZI/2026" in signed.sptjm_text
    assert signed.sptjm_signed_by == pimpinan(lke)


def test_the_letter_pdf_lists_the_units_with_their_snapshot_hash(lke: LKEWorld) -> None:
    _submit(lke, ready(lke))
    with scope(lke.world.instansi_a.pk):
        surat = SuratPengusulan.objects.get()
        report = services.surat_pdf_request(actor=actor(pimpinan(lke)), surat=surat)
        assert report.kind == SURAT_PENGUSULAN
        assert report_render(report_id=report.pk) is True
        report.refresh_from_db()
        snapshot = PengusulanSnapshot.objects.get()
    assert report.status == ReportStatus.DONE, report.error
    reader = PdfReader(io.BytesIO(report.file.open("rb").read()))
    text = " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())
    assert "B/100/ZI/2026" in text
    assert lke.world.unit_a1.name in text
    assert "WBK" in text
    assert snapshot.sha256[:32] in text.replace(" ", "")


def test_wbbm_proposal_with_a_held_wbk(lke: LKEWorld) -> None:
    recommend(lke, Recommendation.Decision.LAYAK_WBBM)
    eligible_facts(lke)
    letter(lke)
    services.predikat_unit_record(
        instansi=lke.world.instansi_a,
        unit=lke.world.unit_a1,
        predikat="WBK",
        tahun=lke.cycle.tahun - 1,
        decree_number="KEP/WBK/1",
        decree_date=datetime.date(lke.cycle.tahun - 1, 12, 9),
    )
    with scope(lke.world.instansi_a.pk):
        pengusulan = services.pengusulan_create(actor=actor(pimpinan(lke)), penilaian=lke.penilaian, predikat="WBBM")
    proposed = _submit(lke, pengusulan)
    assert proposed.status == PengusulanStatus.PROPOSED
    with scope(lke.world.instansi_a.pk):
        assert PengusulanSnapshot.objects.get().data["kategori"] == "WBBM"
