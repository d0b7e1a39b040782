"""Every write of the pendampingan diagnosis and tim kerja leaves its audit row, with the values before
and after (issue 18: these audits could be turned into no-ops with the suite still green, and the
removals recorded no "before")."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from apps.audit.models import AuditEvent
from apps.demo.management.commands.seed_demo import minimal_pdf
from apps.diagnosis import services as diagnosis_services
from apps.tenancy.scope import scope
from apps.timkerja import services as timkerja_services
from apps.timkerja.models import AgenPerubahan, AnggotaTim
from tests.pendampingan.conftest import PDWorld


def last(pd: PDWorld, verb: str) -> AuditEvent:
    with scope(pd.world.instansi_a.pk):
        row = AuditEvent.objects.filter(verb=verb).order_by("-seq").first()
    assert row is not None, f"no audit row {verb}"
    assert row.actor_id == pd.world.ani.pk
    return row


def sides(row: AuditEvent) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    return row.before, row.after


def test_diagnosis_rows(pd: PDWorld) -> None:
    ani = pd.actor(pd.world.ani)
    with scope(pd.world.instansi_a.pk):
        diagnosis = diagnosis_services.diagnosis_get_or_create(actor=ani, unit=pd.world.unit_a1, cycle=pd.cycle)
        diagnosis_services.diagnosis_summary_set(actor=ani, diagnosis=diagnosis, summary="Pertama")
        diagnosis_services.diagnosis_summary_set(actor=ani, diagnosis=diagnosis, summary="Kedua")
    assert sides(last(pd, "diagnosis.summary")) == ({"summary": "Pertama"}, {"summary": "Kedua"})

    with scope(pd.world.instansi_a.pk):
        layanan = diagnosis_services.layanan_add(actor=ani, diagnosis=diagnosis, name="Izin usaha", volume=120)
    assert sides(last(pd, "diagnosis.layanan_add")) == (None, {"name": "Izin usaha", "volume": 120})
    with scope(pd.world.instansi_a.pk):
        diagnosis_services.layanan_delete(actor=ani, layanan=layanan)
    assert sides(last(pd, "diagnosis.layanan_delete")) == ({"name": "Izin usaha", "volume": 120}, None)

    with scope(pd.world.instansi_a.pk):
        isu = diagnosis_services.isu_add(actor=ani, diagnosis=diagnosis, title="Antrean panjang", urgency=4, impact=5)
    assert sides(last(pd, "diagnosis.isu_add"))[0] is None
    with scope(pd.world.instansi_a.pk):
        diagnosis_services.isu_delete(actor=ani, isu=isu)
    assert sides(last(pd, "diagnosis.isu_delete")) == ({"title": "Antrean panjang", "score": isu.score}, None)

    data = diagnosis_services.RisikoData(
        jenis="korupsi", title="Pungli", cause="Loket manual", likelihood=3, impact=4, owner=pd.sari
    )
    with scope(pd.world.instansi_a.pk):
        risiko = diagnosis_services.risiko_save(actor=ani, diagnosis=diagnosis, data=data)
        diagnosis_services.risiko_save(
            actor=ani,
            diagnosis=diagnosis,
            risiko=risiko,
            data=diagnosis_services.RisikoData(
                jenis="korupsi", title="Pungli loket", cause="Loket", likelihood=2, impact=4, owner=pd.joko
            ),
            version=risiko.version,
        )
    assert sides(last(pd, "diagnosis.risiko_create"))[0] is None
    before, after = sides(last(pd, "diagnosis.risiko_update"))
    assert before == {"title": "Pungli", "score": 12, "owner": pd.sari.nip}
    assert after == {"title": "Pungli loket", "score": 8, "owner": pd.joko.nip}
    with scope(pd.world.instansi_a.pk):
        risiko.refresh_from_db()
        diagnosis_services.risiko_delete(actor=ani, risiko=risiko)
    assert sides(last(pd, "diagnosis.risiko_delete")) == ({"title": "Pungli loket", "score": 8}, None)


def test_tim_kerja_rows(pd: PDWorld) -> None:
    ani = pd.actor(pd.world.ani)
    with scope(pd.world.instansi_a.pk):
        timkerja_services.anggota_add(actor=ani, tim=pd.tim, pegawai=pd.joko, peran="anggota", area=2)
        anggota = AnggotaTim.objects.get(tim=pd.tim, pegawai=pd.joko)
        timkerja_services.anggota_remove(actor=ani, anggota=anggota)
    assert sides(last(pd, "tim_kerja.anggota_remove")) == ({"nip": pd.joko.nip, "peran": "anggota", "area": 2}, None)

    with scope(pd.world.instansi_a.pk):
        agen = timkerja_services.agen_add(actor=ani, tim=pd.tim, pegawai=pd.joko)
        timkerja_services.perubahan_add(
            actor=ani, agen=agen, title="Loket daring", date=datetime.date(pd.tahun, 5, 2), integrated=True
        )
        perubahan = agen.perubahan.get()
        timkerja_services.perubahan_delete(actor=ani, perubahan=perubahan)
    assert sides(last(pd, "tim_kerja.agen_add")) == (None, {"nip": pd.joko.nip})
    assert sides(last(pd, "tim_kerja.perubahan_delete")) == (
        {"nip": pd.joko.nip, "title": "Loket daring", "integrated": True},
        None,
    )
    with scope(pd.world.instansi_a.pk):
        timkerja_services.agen_remove(actor=ani, agen=AgenPerubahan.objects.get(pk=agen.pk))
    assert sides(last(pd, "tim_kerja.agen_remove")) == ({"nip": pd.joko.nip}, None)

    pdf = SimpleUploadedFile("sk.pdf", minimal_pdf("SK"), "application/pdf")
    with scope(pd.world.instansi_a.pk):
        timkerja_services.tim_kerja_sk_set(
            actor=ani, tim=pd.tim, sk_number="SK/1/2026", sk_date=datetime.date(pd.tahun, 1, 5), file=pdf
        )
        pd.tim.refresh_from_db()
        timkerja_services.tim_kerja_sk_set(
            actor=ani, tim=pd.tim, sk_number="SK/2/2026", sk_date=datetime.date(pd.tahun, 2, 5), file=None
        )
    before, after = sides(last(pd, "tim_kerja.sk"))
    assert (before["sk_number"], after["sk_number"]) == ("SK/1/2026", "SK/2/2026")
    assert before["file"] == after["file"]  # the SK file was kept
