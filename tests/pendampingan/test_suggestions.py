"""The facts behind the LKE suggestions (``unit_facts``, one SELECT of scalar subqueries written as
SQL) are what the ORM counts of the same records say: a team with its SK, change agents and their
changes, asistensi follow-up actions, Pakta signatures and the plan — for the unit and year only
(another unit's records and another year's team never count)."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import Exists, OuterRef
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from apps.accounts.models import User
from apps.pencanangan.models import PaktaIntegritas
from apps.pendampingan.models import Asistensi, TindakLanjut, TindakLanjutStatus
from apps.pendampingan.suggestions import (
    AGENTS,
    FOLLOW_UP,
    KEGIATAN,
    MONEV,
    PAKTA,
    PLAN,
    TIM,
    suggestions_for,
    unit_facts,
)
from apps.rencana_aksi.models import Kegiatan, Realisasi, RealisasiStatus, RencanaAksi
from apps.rencana_aksi.selectors import verified_progress
from apps.tenancy.models import Membership
from apps.tenancy.roles import Role
from apps.tenancy.scope import scope
from apps.timkerja import services as timkerja_services
from apps.timkerja.models import AgenPerubahan, Perubahan
from apps.unit_kerja.models import Pegawai
from tests.pendampingan.conftest import PDWorld
from tests.pendampingan.test_services import PDF

D = datetime.date
EVERYTHING = {TIM, AGENTS, FOLLOW_UP, PAKTA, PLAN, MONEV}


def _records(pd: PDWorld) -> None:
    ani = pd.actor(pd.world.ani)
    timkerja_services.tim_kerja_sk_set(
        actor=ani,
        tim=pd.tim,
        sk_number="SK/ZI/07",
        sk_date=D(pd.tahun, 1, 7),
        file=SimpleUploadedFile("sk.pdf", PDF, content_type="application/pdf"),
    )
    sari = timkerja_services.agen_add(actor=ani, tim=pd.tim, pegawai=pd.sari)
    joko = timkerja_services.agen_add(actor=ani, tim=pd.tim, pegawai=pd.joko)
    timkerja_services.perubahan_add(
        actor=ani, agen=sari, title="Antrean daring", date=D(pd.tahun, 3, 1), integrated=True
    )
    timkerja_services.perubahan_add(
        actor=ani, agen=joko, title="Loket terpadu", date=D(pd.tahun, 3, 2), integrated=False
    )
    timkerja_services.perubahan_add(
        actor=ani, agen=joko, title="Survei daring", date=D(pd.tahun, 3, 3), integrated=True
    )
    for unit, count in ((pd.world.unit_a1, 3), (pd.world.unit_a2, 2)):  # A2's actions never count for A1
        asistensi = Asistensi.objects.create(
            instansi=pd.world.instansi_a,
            unit=unit,
            cycle=pd.cycle,
            date=D(pd.tahun, 2, 1),
            topics="Pendampingan",
            created_by=pd.world.budi,
        )
        for n in range(count):
            TindakLanjut.objects.create(
                instansi=pd.world.instansi_a,
                asistensi=asistensi,
                description=f"Tindak lanjut {n}",
                owner=pd.sari if unit == pd.world.unit_a1 else pd.rina,
                due_date=D(pd.tahun, 5, 1),
                status=TindakLanjutStatus.DONE if n == 0 else TindakLanjutStatus.OPEN,
            )


def test_the_facts_are_the_orm_counts_of_the_unit_and_year(pd: PDWorld) -> None:
    with scope(pd.world.instansi_a.pk):
        _records(pd)
        unit, cycle = pd.world.unit_a1, pd.cycle
        with CaptureQueriesContext(connection) as captured:
            facts = unit_facts(unit=unit, cycle=cycle, needs=EVERYTHING)
        assert len(captured.captured_queries) == 2  # the row of counts, the verified realisasi
        tim = pd.tim.__class__.objects.get(pk=pd.tim.pk)
        changes = Perubahan.objects.filter(agen__tim__unit=unit, agen__tim__cycle=cycle)
        actions = TindakLanjut.objects.filter(asistensi__unit=unit, asistensi__cycle=cycle)
        pegawai = Pegawai.objects.filter(unit=unit, is_active=True)
        assert (facts.sk_file_id, facts.sk_number, facts.sk_date) == (tim.sk_file_id, "SK/ZI/07", D(pd.tahun, 1, 7))
        assert facts.agents == AgenPerubahan.objects.filter(tim__unit=unit, tim__cycle=cycle).count() == 2
        assert (facts.changes, facts.integrated) == (changes.count(), changes.filter(integrated=True).count()) == (3, 2)
        assert (
            (facts.follow_up_total, facts.follow_up_done)
            == (
                actions.count(),
                actions.filter(status=TindakLanjutStatus.DONE).count(),
            )
            == (3, 1)
        )
        assert facts.pegawai_total == pegawai.count() > 0
        assert (
            facts.pegawai_signed
            == PaktaIntegritas.objects.filter(cycle=cycle, pegawai__in=pegawai, revoked_at__isnull=True)
            .values("pegawai")
            .distinct()
            .count()
        )
        assert facts.rencana_public_id == pd.rencana.public_id
        assert facts.frekuensi is None  # no monitoring setting: monthly

        found = suggestions_for(penilaian=pd.lke.penilaian, soal_ids=[1, 8, 10, 12, 88, 89, 91])
        assert found[1].value == "Ya"
        assert "SK/ZI/07" in found[1].reason
        assert found[8].value == "C"  # 1 of 3 done: some
        assert (found[10].value, found[88].value, found[89].value, found[91].value) == ("A", "2", "3", "2")


def test_nothing_is_read_for_a_section_without_suggestions(pd: PDWorld) -> None:
    with scope(pd.world.instansi_a.pk), CaptureQueriesContext(connection) as captured:
        assert suggestions_for(penilaian=pd.lke.penilaian, soal_ids=[2, 3, 4]) == {}
    assert captured.captured_queries == []


def _kegiatan(pd: PDWorld, rencana, area: int, deadline: datetime.date) -> Kegiatan:
    return Kegiatan.objects.create(
        instansi=pd.world.instansi_a,
        rencana=rencana,
        area=area,
        description=f"Kegiatan {area} {deadline}",
        output="Dokumen",
        indicator="Ada",
        target_value=1,
        target_unit="dokumen",
        schedule=0b111111111111,
        deadline=deadline,
    )


def _realisasi(k: Kegiatan, periode: str, progress: int, status: str, verifier: User | None) -> None:
    Realisasi.objects.create(
        instansi=k.instansi, kegiatan=k, periode=periode, progress=progress, status=status, verified_by=verifier
    )


def test_the_plans_kegiatan_and_verified_realisasi_are_what_the_orm_reads(pd: PDWorld) -> None:
    """The kegiatan (latest verified progress, 0 without one; deleted kegiatan gone) and the verified
    realisasi with whether a leader verified them, in the plan's order: for the unit and year only."""
    with scope(pd.world.instansi_a.pk):
        y = pd.tahun
        _kegiatan(pd, pd.rencana, 2, D(y, 9, 30))  # no realisasi: 0
        early = _kegiatan(pd, pd.rencana, 1, D(y, 3, 31))
        gone = _kegiatan(pd, pd.rencana, 1, D(y, 1, 31))
        _realisasi(early, f"{y}-01", 40, RealisasiStatus.VERIFIED, pd.hadi)  # the leader
        _realisasi(early, f"{y}-02", 90, RealisasiStatus.VERIFIED, pd.world.ani)  # not a leader; the latest
        _realisasi(early, f"{y}-03", 100, RealisasiStatus.SUBMITTED, None)  # not verified: never counts
        _realisasi(gone, f"{y}-01", 100, RealisasiStatus.VERIFIED, pd.hadi)
        gone.deleted_at = timezone.now()
        gone.save(update_fields=["deleted_at"])
        other = RencanaAksi.objects.create(instansi=pd.world.instansi_a, unit=pd.world.unit_a2, cycle=pd.cycle)
        _realisasi(_kegiatan(pd, other, 1, D(y, 2, 28)), f"{y}-01", 100, RealisasiStatus.VERIFIED, pd.hadi)

        facts = unit_facts(unit=pd.world.unit_a1, cycle=pd.cycle, needs={KEGIATAN, MONEV})

        plan = {"rencana__unit": pd.world.unit_a1, "rencana__cycle__tahun": y}
        orm_kegiatan = [
            (deadline, progress or 0)
            for deadline, progress in Kegiatan.objects.filter(**plan)
            .annotate(progress=verified_progress())
            .order_by("area", "deadline", "id")
            .values_list("deadline", "progress")
        ]
        leaders = Membership.objects.filter(
            instansi=pd.world.instansi_a,
            role__in=[Role.PIMPINAN_UNIT, Role.PIMPINAN_INSTANSI],
            user_id=OuterRef("verified_by_id"),
        )
        orm_verified = (
            Realisasi.objects.filter(
                kegiatan__rencana__unit=pd.world.unit_a1,
                kegiatan__rencana__cycle__tahun=y,
                status=RealisasiStatus.VERIFIED,
                kegiatan__deleted_at__isnull=True,
            )
            .annotate(led=Exists(leaders))
            .values_list("periode", "led")
        )
    assert facts.kegiatan == orm_kegiatan == [(D(y, 3, 31), 90), (D(y, 9, 30), 0)]
    assert sorted(facts.verified) == sorted(orm_verified) == [(f"{y}-01", True), (f"{y}-02", False)]
