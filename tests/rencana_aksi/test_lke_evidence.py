"""A kegiatan's evidence goes to the LKE soal it supports without a second upload."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.bukti_dukung.models import BuktiDukung
from apps.core.errors import DomainError
from apps.penilaian.models import Jawaban, Tier
from apps.rencana_aksi.models import RencanaAksi
from apps.rencana_aksi.services.kegiatan import KegiatanData, kegiatan_evidence_to_lke, kegiatan_save
from apps.rencana_aksi.services.plans import rencana_aksi_approve, rencana_aksi_create, rencana_aksi_submit
from apps.rencana_aksi.services.realisasi import realisasi_save
from apps.tenancy.models import Membership
from apps.tenancy.roles import Role
from apps.tenancy.scope import scope
from tests.factories import MembershipFactory, PegawaiFactory, UserFactory
from tests.penilaian.conftest import LKEWorld, lke
from tests.rencana_aksi.test_services import PDF

__all__ = ["lke"]


def _actor(user) -> Membership:
    return Membership.objects.select_related("unit", "instansi", "user").get(user=user)


def test_realisasi_evidence_is_attached_to_the_lke_soal(lke: LKEWorld) -> None:
    world = lke.world
    hadi = UserFactory(email="hadi@alfa.go.id")
    MembershipFactory(user=hadi, instansi=world.instansi_a, unit=world.unit_a1, role=Role.PIMPINAN_UNIT)
    pic = PegawaiFactory(unit=world.unit_a1, name="Sari")
    soal = next(s for s in lke.template.soal.select_related("node").order_by("order") if s.node.area == 1)
    other_area_soal = next(s for s in lke.template.soal.select_related("node") if s.node.area == 2)
    tahun = lke.cycle.tahun
    ani = _actor(world.ani)
    with scope(world.instansi_a.pk):
        rencana = rencana_aksi_create(actor=ani, unit=world.unit_a1, cycle=lke.cycle)
        data = KegiatanData(
            area=1,
            description="Penyusunan SK tim kerja ZI",
            output="SK",
            indicator="SK ditetapkan",
            target_value=Decimal("1"),
            target_unit="dokumen",
            pic=pic,
            months=[1],
            deadline=datetime.date(tahun, 1, 31),
            soal=other_area_soal,
        )
        with pytest.raises(ValidationError) as excinfo:
            kegiatan_save(actor=ani, rencana=rencana, data=data)
        assert "soal" in excinfo.value.error_dict
        data.soal = soal
        kegiatan = kegiatan_save(actor=ani, rencana=rencana, data=data)
        rencana_aksi_submit(actor=ani, rencana=rencana)
        rencana_aksi_approve(actor=_actor(hadi), rencana=RencanaAksi.objects.get(pk=rencana.pk))
        realisasi = realisasi_save(
            actor=ani,
            kegiatan=kegiatan,
            periode=f"{tahun}-01",
            progress=100,
            files=[SimpleUploadedFile("sk-tim.pdf", PDF)],
        )
        bukti = realisasi.evidence.get()
        stranger = BuktiDukung.objects.create(
            instansi=world.instansi_a, original_name="lain.pdf", kind="pdf", size=1, sha256="0" * 64
        )
        with pytest.raises(ValidationError):  # only the kegiatan's own evidence
            kegiatan_evidence_to_lke(actor=ani, kegiatan=kegiatan, bukti=stranger)
        kegiatan_evidence_to_lke(actor=ani, kegiatan=kegiatan, bukti=bukti)
        kegiatan_evidence_to_lke(actor=ani, kegiatan=kegiatan, bukti=bukti)  # idempotent
        jawaban = Jawaban.objects.get(penilaian=lke.penilaian, soal=soal, tier=Tier.UNIT, level=0)
        assert list(jawaban.evidence.all()) == [bukti]
        assert BuktiDukung.objects.count() == 2  # no second upload


def test_without_a_penilaian_the_message_says_so(lke: LKEWorld) -> None:
    world = lke.world
    lke.penilaian.delete()
    pic = PegawaiFactory(unit=world.unit_a1)
    soal = next(s for s in lke.template.soal.select_related("node") if s.node.area == 1)
    ani = _actor(world.ani)
    with scope(world.instansi_a.pk):
        rencana = rencana_aksi_create(actor=ani, unit=world.unit_a1, cycle=lke.cycle)
        kegiatan = kegiatan_save(
            actor=ani,
            rencana=rencana,
            data=KegiatanData(
                area=1,
                description="K",
                output="O",
                indicator="I",
                target_value=Decimal(1),
                target_unit="x",
                pic=pic,
                months=[1],
                deadline=datetime.date(lke.cycle.tahun, 1, 31),
                soal=soal,
            ),
        )
        RencanaAksi.objects.filter(pk=rencana.pk).update(status="approved", approved_revision=1)
        realisasi = realisasi_save(
            actor=ani,
            kegiatan=kegiatan,
            periode=f"{lke.cycle.tahun}-01",
            progress=10,
            files=[SimpleUploadedFile("a.pdf", PDF)],
        )
        with pytest.raises(DomainError) as excinfo:
            kegiatan_evidence_to_lke(actor=ani, kegiatan=kegiatan, bukti=realisasi.evidence.get())
    assert world.unit_a1.name in str(excinfo.value)
