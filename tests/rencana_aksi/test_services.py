"""Rencana aksi services: the rules, the approval and revision workflow, realisasi and their
verification, evidence, the monitoring frequency and copying last year's plan."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.bukti_dukung.models import BuktiDukung
from apps.core.errors import DomainError, PermissionDeniedError, TransitionNotAllowed
from apps.rencana_aksi import selectors
from apps.rencana_aksi.models import (
    Frekuensi,
    Kegiatan,
    PlanStatus,
    Realisasi,
    RealisasiStatus,
    RencanaAksi,
    RencanaAksiRevisi,
)
from apps.rencana_aksi.services.base import REASON_REQUIRED
from apps.rencana_aksi.services.kegiatan import DEADLINE_OUTSIDE_YEAR, PIC_OTHER_UNIT, kegiatan_save
from apps.rencana_aksi.services.plans import (
    FREQUENCY_LOCKED,
    pengaturan_monitoring_set,
    rencana_aksi_approve,
    rencana_aksi_copy_previous,
    rencana_aksi_return,
    rencana_aksi_set_lead,
    rencana_aksi_submit,
)
from apps.rencana_aksi.services.realisasi import (
    NOT_DUE_IN_PERIOD,
    OWN_REPORT,
    PLAN_NOT_APPROVED,
    PROGRESS_RANGE,
    VALUE_NEGATIVE,
    realisasi_return,
    realisasi_save,
    realisasi_submit,
    realisasi_verify,
)
from apps.tenancy.scope import scope
from tests.factories import CycleFactory, MembershipFactory, UserFactory
from tests.rencana_aksi.conftest import TAHUN, RAWorld

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def pdf(name: str = "laporan.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def messages_of(exc: ValidationError, field: str) -> list[str]:
    return [str(m) for e in exc.error_dict[field] for m in e.messages]


def test_deadline_outside_the_year_and_pic_of_another_unit_are_refused(ra: RAWorld) -> None:
    with scope(ra.world.instansi_a.pk), pytest.raises(ValidationError) as excinfo:
        kegiatan_save(
            actor=ra.actor(ra.world.ani),
            rencana=ra.rencana,
            data=ra.data(deadline=datetime.date(TAHUN + 1, 1, 15), pic=ra.outsider_pegawai),
        )
    assert messages_of(excinfo.value, "deadline") == [str(DEADLINE_OUTSIDE_YEAR % {"tahun": TAHUN})]
    assert messages_of(excinfo.value, "pic") == [str(PIC_OTHER_UNIT % {"unit": ra.world.unit_a1.name})]
    with scope(ra.world.instansi_a.pk):
        assert not Kegiatan.objects.exists()


def test_approve_then_change_needs_a_reason_and_opens_a_revision(ra: RAWorld) -> None:
    kegiatan = ra.add_kegiatan()
    ra.approve()
    assert ra.rencana.status == PlanStatus.APPROVED
    assert ra.rencana.approved_revision == 1
    ani = ra.actor(ra.world.ani)
    with scope(ra.world.instansi_a.pk):
        with pytest.raises(ValidationError) as excinfo:
            kegiatan_save(actor=ani, rencana=ra.rencana, kegiatan=kegiatan, data=ra.data(target_value=Decimal("90")))
        assert messages_of(excinfo.value, "reason") == [str(REASON_REQUIRED)]
        kegiatan.refresh_from_db()
        ra.rencana.refresh_from_db()
        assert kegiatan.target_value == Decimal("100")
        assert (ra.rencana.status, ra.rencana.revision) == (PlanStatus.APPROVED, 1)

        kegiatan_save(
            actor=ani,
            rencana=ra.rencana,
            kegiatan=kegiatan,
            data=ra.data(target_value=Decimal("90")),
            reason="Target disesuaikan dengan jumlah pegawai aktif",
        )
        ra.rencana.refresh_from_db()
        assert (ra.rencana.status, ra.rencana.revision, ra.rencana.approved_revision) == (PlanStatus.DRAFT, 2, 1)
        revised = RencanaAksiRevisi.objects.get(rencana=ra.rencana, event=RencanaAksiRevisi.Event.REVISED)
        assert revised.reason == "Target disesuaikan dengan jumlah pegawai aktif"
        assert revised.snapshot[0]["target"] == "100.00 %"  # the plan as approved before the change
        # A second change inside the open revision needs no new reason.
        kegiatan_save(actor=ani, rencana=ra.rencana, kegiatan=kegiatan, data=ra.data(target_value=Decimal("95")))
        ra.rencana.refresh_from_db()
        assert ra.rencana.revision == 2
    ra.approve()
    assert (ra.rencana.status, ra.rencana.approved_revision) == (PlanStatus.APPROVED, 2)
    with scope(ra.world.instansi_a.pk):
        events = list(selectors.history(rencana=ra.rencana).values_list("event", "revision"))
    assert events == [("approved", 2), ("submitted", 2), ("revised", 2), ("approved", 1), ("submitted", 1)]


def test_only_the_pimpinan_unit_approves_and_a_return_needs_a_note(ra: RAWorld) -> None:
    ra.add_kegiatan()
    with scope(ra.world.instansi_a.pk):
        rencana_aksi_submit(actor=ra.actor(ra.world.ani), rencana=ra.rencana)
        with pytest.raises(PermissionDeniedError):
            rencana_aksi_approve(actor=ra.actor(ra.world.ani), rencana=ra.rencana)
        with pytest.raises(TransitionNotAllowed):  # a submitted plan is not edited
            kegiatan_save(actor=ra.actor(ra.world.ani), rencana=ra.rencana, data=ra.data())
        with pytest.raises(ValidationError):
            rencana_aksi_return(actor=ra.actor(ra.hadi), rencana=ra.rencana, note="  ")
        rencana_aksi_return(actor=ra.actor(ra.hadi), rencana=ra.rencana, note="Lengkapi anggaran")
        assert RencanaAksi.objects.get(pk=ra.rencana.pk).status == PlanStatus.DRAFT


def test_submit_needs_a_pic_for_every_kegiatan(ra: RAWorld) -> None:
    kegiatan = ra.add_kegiatan()
    Kegiatan.unscoped.filter(pk=kegiatan.pk).update(pic=None)  # e.g. copied from last year
    with scope(ra.world.instansi_a.pk), pytest.raises(DomainError) as excinfo:
        rencana_aksi_submit(actor=ra.actor(ra.world.ani), rencana=ra.rencana)
    assert kegiatan.description in str(excinfo.value)


def test_realisasi_before_approval_over_100_or_outside_the_schedule_is_refused(ra: RAWorld) -> None:
    kegiatan = ra.add_kegiatan(months=[3, 4])
    ani = ra.actor(ra.world.ani)
    with scope(ra.world.instansi_a.pk):
        with pytest.raises(DomainError) as excinfo:
            realisasi_save(actor=ani, kegiatan=kegiatan, periode=f"{TAHUN}-03", progress=10)
        assert str(excinfo.value) == str(PLAN_NOT_APPROVED)
    ra.approve()
    with scope(ra.world.instansi_a.pk):
        with pytest.raises(ValidationError) as excinfo:
            realisasi_save(actor=ani, kegiatan=kegiatan, periode=f"{TAHUN}-03", progress=101)
        assert messages_of(excinfo.value, "progress") == [str(PROGRESS_RANGE)]
        with pytest.raises(ValidationError) as excinfo:
            realisasi_save(actor=ani, kegiatan=kegiatan, periode=f"{TAHUN}-07", progress=10)
        assert messages_of(excinfo.value, "periode") == [str(NOT_DUE_IN_PERIOD % {"periode": f"{TAHUN}-07"})]
        # A realised value below zero has no meaning (issue 21: "Nilai realisasi" -3 was accepted).
        with pytest.raises(ValidationError) as excinfo:
            realisasi_save(actor=ani, kegiatan=kegiatan, periode=f"{TAHUN}-03", progress=10, value=Decimal("-3"))
        assert messages_of(excinfo.value, "value") == [str(VALUE_NEGATIVE)]
        assert not Realisasi.objects.exists()
        saved = realisasi_save(actor=ani, kegiatan=kegiatan, periode=f"{TAHUN}-03", progress=10, value=0)
        assert saved.value == 0


def test_a_disguised_evidence_file_saves_nothing(ra: RAWorld) -> None:
    kegiatan = ra.add_kegiatan()
    ra.approve()
    html = SimpleUploadedFile("laporan.pdf", b"<html><script>alert(1)</script></html>", content_type="application/pdf")
    with scope(ra.world.instansi_a.pk):
        with pytest.raises(ValidationError) as excinfo:
            realisasi_save(
                actor=ra.actor(ra.world.ani), kegiatan=kegiatan, periode=f"{TAHUN}-03", progress=50, files=[html]
            )
        assert "files" in excinfo.value.error_dict
        assert not Realisasi.objects.exists()
        assert not BuktiDukung.objects.exists()


def test_report_return_resubmit_verify_moves_the_dashboard(ra: RAWorld) -> None:
    kegiatan = ra.add_kegiatan(area=2, months=[3])
    ra.approve()
    ani, hadi = ra.actor(ra.world.ani), ra.actor(ra.hadi)
    with scope(ra.world.instansi_a.pk):
        realisasi = realisasi_save(
            actor=ani,
            kegiatan=kegiatan,
            periode=f"{TAHUN}-03",
            progress=60,
            value=Decimal("60"),
            narrative="Sosialisasi tahap pertama",
            files=[pdf()],
            submit=True,
        )
        assert realisasi.status == RealisasiStatus.SUBMITTED
        assert realisasi.evidence.count() == 1
        with pytest.raises(PermissionDeniedError):  # ani is neither the lead nor the pimpinan
            realisasi_verify(actor=ani, realisasi=realisasi)
        realisasi_return(actor=hadi, realisasi=realisasi, note="Lampirkan daftar hadir")
        realisasi = realisasi_save(
            actor=ani, kegiatan=kegiatan, periode=f"{TAHUN}-03", progress=70, files=[pdf("daftar-hadir.pdf")]
        )
        assert realisasi.status == RealisasiStatus.RETURNED
        assert selectors.unit_dashboard(rencana=ra.rencana).areas[1].average == 0
        realisasi_submit(actor=ani, realisasi=realisasi)
        realisasi_verify(actor=hadi, realisasi=realisasi)
        with pytest.raises(TransitionNotAllowed):
            realisasi_save(actor=ani, kegiatan=kegiatan, periode=f"{TAHUN}-03", progress=80)
        board = selectors.unit_dashboard(rencana=ra.rencana)
        assert realisasi.evidence.count() == 2
    assert board.areas[1].average == 70
    assert board.overall == 70


def test_the_named_tim_kerja_lead_verifies_but_never_their_own_report(ra: RAWorld, world) -> None:
    lead = UserFactory(email="lead@alfa.go.id", name="Lina Ketua Tim")
    MembershipFactory(user=lead, instansi=world.instansi_a, unit=world.unit_a1, role="tim_kerja")
    kegiatan = ra.add_kegiatan(months=[3])
    ra.approve()
    with scope(world.instansi_a.pk):
        rencana_aksi_set_lead(actor=ra.actor(ra.hadi), rencana=ra.rencana, lead=lead)
        own = realisasi_save(actor=ra.actor(lead), kegiatan=kegiatan, periode=f"{TAHUN}-03", progress=40, submit=True)
        with pytest.raises(DomainError) as excinfo:
            realisasi_verify(actor=ra.actor(lead), realisasi=own)
        assert str(excinfo.value) == str(OWN_REPORT)
        Realisasi.objects.filter(pk=own.pk).update(reported_by=world.ani)
        verified = realisasi_verify(actor=ra.actor(lead), realisasi=own)
    assert verified.status == RealisasiStatus.VERIFIED


def test_quarterly_monitoring_and_the_frequency_locks_once_reported(ra: RAWorld, world) -> None:
    kegiatan = ra.add_kegiatan(months=[5])
    ra.approve()
    citra = ra.actor(world.citra)
    with scope(world.instansi_a.pk):
        pengaturan_monitoring_set(actor=citra, cycle=ra.cycle, frekuensi=Frekuensi.QUARTERLY)
        with pytest.raises(ValidationError):  # a month is not a period any more
            realisasi_save(actor=ra.actor(world.ani), kegiatan=kegiatan, periode=f"{TAHUN}-05", progress=5)
        realisasi_save(actor=ra.actor(world.ani), kegiatan=kegiatan, periode=f"{TAHUN}-Q2", progress=5)
        with pytest.raises(DomainError) as excinfo:
            pengaturan_monitoring_set(actor=citra, cycle=ra.cycle, frekuensi=Frekuensi.MONTHLY)
    assert str(excinfo.value) == str(FREQUENCY_LOCKED % {"tahun": TAHUN})


def test_copy_last_years_plan(ra: RAWorld, world) -> None:
    with scope(world.instansi_a.pk):
        previous_cycle = CycleFactory(
            instansi=world.instansi_a,
            tahun=TAHUN - 1,
            **{
                name: value.replace(year=TAHUN - 1)
                for name, value in vars(ra.cycle).items()
                if isinstance(value, datetime.date) and name.endswith(("_start", "_end"))
            },
        )
        RencanaAksi.objects.filter(pk=ra.rencana.pk).update(cycle=previous_cycle)
        ra.rencana.refresh_from_db()
    ra.add_kegiatan(deadline=datetime.date(TAHUN - 1, 2, 28), months=[2])
    ra.add_kegiatan(description="Survei kepuasan", pic=ra.joko, deadline=datetime.date(TAHUN - 1, 6, 30), months=[6])
    ra.joko.is_active = False
    ra.joko.save()
    with scope(world.instansi_a.pk):
        copy = rencana_aksi_copy_previous(actor=ra.actor(world.ani), unit=world.unit_a1, cycle=ra.cycle)
        rows = list(Kegiatan.objects.filter(rencana=copy).order_by("deadline"))
        with pytest.raises(DomainError):  # one plan per unit and year
            rencana_aksi_copy_previous(actor=ra.actor(world.ani), unit=world.unit_a1, cycle=ra.cycle)
    assert copy.status == PlanStatus.DRAFT
    assert [(k.deadline, k.pic_id) for k in rows] == [
        (datetime.date(TAHUN, 2, 28), ra.sari.pk),
        (datetime.date(TAHUN, 6, 30), None),  # Joko left: choose a new PIC before submitting
    ]


def test_outsider_and_other_unit_cannot_touch_the_plan(ra: RAWorld, world) -> None:
    a2_team = UserFactory(email="tim.a2@alfa.go.id")
    MembershipFactory(user=a2_team, instansi=world.instansi_a, unit=world.unit_a2, role="tim_kerja")
    with scope(world.instansi_a.pk), pytest.raises(PermissionDeniedError):
        kegiatan_save(actor=ra.actor(a2_team), rencana=ra.rencana, data=ra.data())
    with scope(world.instansi_a.pk), pytest.raises(PermissionDeniedError):
        kegiatan_save(actor=ra.actor(world.evi), rencana=ra.rencana, data=ra.data())


def test_dashboard_lists_overdue_and_upcoming_kegiatan(ra: RAWorld) -> None:
    late = ra.add_kegiatan(description="Terlambat", deadline=datetime.date(TAHUN, 3, 31), months=[3])
    soon = ra.add_kegiatan(description="Segera", deadline=datetime.date(TAHUN, 4, 20), months=[4])
    ra.add_kegiatan(description="Nanti", deadline=datetime.date(TAHUN, 9, 30), months=[9])
    done = ra.add_kegiatan(description="Selesai", deadline=datetime.date(TAHUN, 3, 15), months=[3])
    ra.approve()
    Realisasi.unscoped.create(
        instansi=ra.world.instansi_a, kegiatan=done, periode=f"{TAHUN}-03", progress=100, status="verified"
    )
    with scope(ra.world.instansi_a.pk):
        board = selectors.unit_dashboard(rencana=ra.rencana, today=datetime.date(TAHUN, 4, 10))
    assert [k.pk for k in board.overdue] == [late.pk]
    assert [k.pk for k in board.upcoming] == [soon.pk]
    assert board.areas[0].count == 4
    assert board.areas[0].average == 25
