"""Diagnosis, tim kerja and the pokja rule, consultation threads: the services' rules."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.core.errors import PermissionDeniedError, TransitionNotAllowed
from apps.diagnosis import selectors as diagnosis_selectors
from apps.diagnosis import services as diagnosis_services
from apps.diagnosis.models import Risiko
from apps.notifications.models import Channel, Notification
from apps.pendampingan.models import Konsultasi, PesanKonsultasi
from apps.pendampingan.services import konsultasi as k_services
from apps.penilaian.services.answers import jawaban_save
from apps.rencana_aksi.access import access_kegiatan, access_rencana_aksi
from apps.rencana_aksi.services.kegiatan import kegiatan_delete, kegiatan_save
from apps.tenancy.models import Membership
from apps.tenancy.scope import scope
from apps.timkerja import services as timkerja_services
from apps.timkerja.models import AnggotaTim
from tests.pendampingan.conftest import PDWorld

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _risk(pd: PDWorld, **overrides) -> diagnosis_services.RisikoData:
    values = {
        "jenis": "korupsi",
        "title": "Pungutan liar pada loket perizinan",
        "cause": "Tatap muka langsung tanpa antrean elektronik",
        "likelihood": 4,
        "impact": 5,
        "owner": pd.joko,
        "mitigation": "Antrean elektronik dan CCTV",
        "area": 5,
    }
    values.update(overrides)
    return diagnosis_services.RisikoData(**values)


def test_a_risk_needs_an_owner_of_the_unit_and_priorities_sort_by_score(pd: PDWorld) -> None:
    ani = pd.actor(pd.world.ani)
    with scope(pd.world.instansi_a.pk):
        diagnosis = diagnosis_services.diagnosis_get_or_create(actor=ani, unit=pd.world.unit_a1, cycle=pd.cycle)
        with pytest.raises(ValidationError) as no_owner:
            diagnosis_services.risiko_save(actor=ani, diagnosis=diagnosis, data=_risk(pd, owner=None))
        assert no_owner.value.message_dict["owner"] == ["Setiap risiko harus punya pemilik: pilih pegawai unit."]
        with pytest.raises(ValidationError) as other_unit:
            diagnosis_services.risiko_save(actor=ani, diagnosis=diagnosis, data=_risk(pd, owner=pd.rina, likelihood=9))
        assert "owner" in other_unit.value.message_dict
        assert "likelihood" in other_unit.value.message_dict
        assert not Risiko.objects.exists()
        high = diagnosis_services.risiko_save(actor=ani, diagnosis=diagnosis, data=_risk(pd))
        low = diagnosis_services.risiko_save(
            actor=ani,
            diagnosis=diagnosis,
            data=_risk(pd, title="Antrean lama", jenis="pelayanan", likelihood=2, impact=2),
        )
        isu = diagnosis_services.isu_add(
            actor=ani, diagnosis=diagnosis, title="Digitalisasi layanan", urgency=4, impact=4
        )
        diagnosis_services.layanan_add(actor=ani, diagnosis=diagnosis, name="Izin usaha", volume=12000)
        rows = diagnosis_selectors.priorities(
            risiko=diagnosis_selectors.risiko_of(diagnosis), isu=diagnosis_selectors.isu_of(diagnosis)
        )
        assert [(p.kind, p.score) for p in rows] == [("risiko", 20), ("isu", 16), ("risiko", 4)]
        assert rows[0].obj == high
        assert rows[2].obj == low
        assert rows[1].obj == isu
        assert high.level == "high"
        assert low.level == "low"
        assert diagnosis_selectors.high_risks_unanswered(unit=pd.world.unit_a1, cycle=pd.cycle) == [high]
        # A kegiatan that answers it takes it off the plan page's list.
        kegiatan_save(actor=ani, rencana=pd.rencana, data=pd.kegiatan_data(area=5, risiko=high, pic=pd.joko))
        assert diagnosis_selectors.high_risks_unanswered(unit=pd.world.unit_a1, cycle=pd.cycle) == []


def test_a_kegiatan_cannot_answer_another_units_risk(pd: PDWorld) -> None:
    world = pd.world
    with scope(world.instansi_a.pk):
        # ani made instansi-wide for a moment, to record a diagnosis of unit A2.
        Membership.objects.filter(user=world.ani).update(unit=None)
        ani = pd.actor(world.ani)
        other = diagnosis_services.diagnosis_get_or_create(actor=ani, unit=world.unit_a2, cycle=pd.cycle)
        risk = diagnosis_services.risiko_save(actor=ani, diagnosis=other, data=_risk(pd, owner=pd.rina))
        with pytest.raises(ValidationError) as excinfo:
            kegiatan_save(actor=ani, rencana=pd.rencana, data=pd.kegiatan_data(risiko=risk))
        assert "risiko" in excinfo.value.message_dict


def test_a_team_member_from_another_unit_is_refused(pd: PDWorld) -> None:
    ani = pd.actor(pd.world.ani)
    with scope(pd.world.instansi_a.pk):
        before = AnggotaTim.objects.count()
        with pytest.raises(ValidationError) as excinfo:
            timkerja_services.anggota_add(actor=ani, tim=pd.tim, pegawai=pd.rina, peran="ketua")
        assert excinfo.value.message_dict["pegawai"] == [
            f"Hanya pegawai {pd.world.unit_a1.name} yang dapat menjadi anggota tim kerjanya."
        ]
        with pytest.raises(ValidationError) as no_area:
            timkerja_services.anggota_add(actor=ani, tim=pd.tim, pegawai=pd.joko, peran="koordinator")
        assert "area" in no_area.value.message_dict
        assert AnggotaTim.objects.count() == before
        timkerja_services.anggota_add(actor=ani, tim=pd.tim, pegawai=pd.joko, peran="ketua")
        with pytest.raises(ValidationError):
            timkerja_services.anggota_add(actor=ani, tim=pd.tim, pegawai=pd.sari, peran="ketua")
        tim = timkerja_services.tim_kerja_sk_set(
            actor=ani,
            tim=pd.tim,
            sk_number="SK/ZI/2026/01",
            sk_date=datetime.date(pd.tahun, 1, 5),
            file=SimpleUploadedFile("sk.pdf", PDF, content_type="application/pdf"),
        )
        assert tim.is_formed
        assert tim.sk_file.original_name == "sk.pdf"


def test_a_pokja_member_edits_only_their_own_area(pd: PDWorld) -> None:
    sari = pd.actor(pd.sari_user)
    ani = pd.actor(pd.world.ani)
    with scope(pd.world.instansi_a.pk):
        # Sari holds the pegawai role only: the plan is hers to see and area 1 hers to edit.
        assert access_rencana_aksi(sari, pd.rencana.public_id, for_write=True) == pd.rencana
        mine = kegiatan_save(actor=sari, rencana=pd.rencana, data=pd.kegiatan_data(area=1))
        with pytest.raises(ValidationError) as excinfo:
            kegiatan_save(actor=sari, rencana=pd.rencana, data=pd.kegiatan_data(area=2))
        assert excinfo.value.message_dict["area"] == [
            "Sebagai anggota pokja, Anda hanya dapat mengubah kegiatan area perubahan Anda sendiri."
        ]
        theirs = kegiatan_save(actor=ani, rencana=pd.rencana, data=pd.kegiatan_data(area=2))
        access_kegiatan(sari, theirs.public_id)  # reading is fine
        with pytest.raises(PermissionDenied):
            access_kegiatan(sari, theirs.public_id, for_write=True)
        with pytest.raises(PermissionDeniedError):
            kegiatan_delete(actor=sari, kegiatan=theirs)
        kegiatan_delete(actor=sari, kegiatan=mine)
        # The LKE: an answer of area 1 is hers; one of area 2 is not.
        soal_1 = next(s for s in pd.lke.template.soal.select_related("node").order_by("order") if s.node.area == 1)
        soal_2 = next(s for s in pd.lke.template.soal.select_related("node").order_by("order") if s.node.area == 2)
        answer_1 = next(iter(soal_1.options))["key"] if soal_1.options else "1"
        row = jawaban_save(actor=sari, penilaian=pd.lke.penilaian, soal=soal_1, answer=answer_1, version=0)
        assert row.answer == answer_1
        with pytest.raises(PermissionDeniedError):
            jawaban_save(actor=sari, penilaian=pd.lke.penilaian, soal=soal_2, answer=answer_1, version=0)
        # Without the team row, nothing is left of it.
        AnggotaTim.objects.filter(pegawai=pd.sari).delete()
        with pytest.raises(PermissionDenied):
            access_rencana_aksi(pd.actor(pd.sari_user), pd.rencana.public_id)


def test_a_thread_notifies_each_side_and_a_closed_one_takes_no_reply(pd: PDWorld) -> None:
    sari = pd.actor(pd.sari_user)
    budi = pd.actor(pd.world.budi)
    soal = pd.lke.soal(1)
    with scope(pd.world.instansi_a.pk):
        thread = k_services.konsultasi_start(
            actor=sari,
            unit=pd.world.unit_a1,
            cycle=pd.cycle,
            subject="Bukti tim kerja",
            body="Apakah SK tim kerja cukup sebagai bukti soal 1?",
            soal=soal,
            files=[SimpleUploadedFile("draft.pdf", PDF, content_type="application/pdf")],
        )
        assert thread.status == "open"
        # budi is the TPI assigned to A1 this year: he alone hears of it, by email and in-app.
        notices = Notification.objects.filter(kind="pendampingan_konsultasi")
        assert sorted(notices.values_list("recipient__email", "channel")) == [
            ("budi@alfa.go.id", Channel.EMAIL),
            ("budi@alfa.go.id", Channel.IN_APP),
        ]
        k_services.konsultasi_reply(actor=budi, konsultasi=thread, body="Cukup, lampirkan SK yang ditandatangani.")
        thread.refresh_from_db()
        assert thread.status == "answered"
        assert notices.filter(recipient=pd.sari_user, channel=Channel.IN_APP).count() == 1
        k_services.konsultasi_close(actor=sari, konsultasi=thread)
        with pytest.raises(TransitionNotAllowed) as excinfo:
            k_services.konsultasi_reply(actor=budi, konsultasi=thread, body="Satu lagi")
        assert str(excinfo.value) == "Utas ini sudah ditutup: buka utas baru untuk bertanya lagi."
        assert PesanKonsultasi.objects.filter(konsultasi=thread).count() == 2
        # The outsider of the unit (the viewer evi) has no side in it.
        assert k_services.side_of(pd.actor(pd.world.evi), thread) is None
    assert Konsultasi.unscoped.get(pk=thread.pk).status == "closed"
    assert len([m for m in mail.outbox if "Bukti tim kerja" in m.subject]) <= 2  # sent by the worker only
