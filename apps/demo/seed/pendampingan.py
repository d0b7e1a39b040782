"""Demo pendampingan (``seed_demo``), for the first unit of the instansi with a tim kerja login: a
diagnosis (core services, strategic issues, risks — one high risk no kegiatan answers yet, so the
plan page shows it), the tim kerja ZI with its SK and a pokja per area (the demo pegawai login sits
in the pokja of area 1), a change agent with two changes, an open consultation about LKE soal 1 and
an asistensi of the TPI with one follow-up action. Everything goes through the services."""

from __future__ import annotations

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.diagnosis import services as d_services
from apps.diagnosis.models import RisikoJenis
from apps.lke.models import Area
from apps.pendampingan.services import asistensi as a_services
from apps.pendampingan.services import konsultasi as k_services
from apps.rencana_aksi.selectors import lke_template_for
from apps.tenancy.models import Instansi, Membership
from apps.tenancy.roles import Role
from apps.timkerja import services as t_services
from apps.timkerja.models import Peran
from apps.unit_kerja.models import Cycle, Pegawai

_LAYANAN = [
    ("Penerbitan izin usaha", 12_500, "Perizinan berusaha berbasis risiko melalui loket dan daring."),
    ("Konsultasi perizinan", 4_200, "Pendampingan pemohon sebelum mengajukan izin."),
]
_ISU = [
    ("Antrean loket pada jam sibuk masih panjang", Area.PELAYANAN_PUBLIK, 4, 3),
    ("SOP layanan belum seluruhnya digital", Area.TATALAKSANA, 3, 3),
]
# (kind, title, cause, likelihood, impact, mitigation, area)
_RISIKO = [
    (
        RisikoJenis.KORUPSI,
        "Pungutan liar di loket perizinan",
        "Pemohon bertemu petugas secara langsung tanpa antrean elektronik.",
        4,
        5,
        "Antrean elektronik, CCTV di loket, dan kanal pengaduan.",
        Area.PENGAWASAN,
    ),
    (
        RisikoJenis.KORUPSI,
        "Gratifikasi dari pemohon izin",
        "Belum ada sosialisasi pengendalian gratifikasi kepada petugas layanan.",
        3,
        4,
        "Sosialisasi dan unit pengendalian gratifikasi.",
        Area.PENGAWASAN,
    ),
    (
        RisikoJenis.PELAYANAN,
        "Keterlambatan penerbitan izin melebihi standar waktu",
        "Verifikasi berkas masih manual.",
        3,
        3,
        "Verifikasi berkas daring dan pemantauan waktu layanan.",
        Area.PELAYANAN_PUBLIK,
    ),
]
# The pokja: one coordinator for each area, from the unit's roster.
_POKJA_AREAS = [Area.MANAJEMEN_PERUBAHAN, Area.TATALAKSANA, Area.PENGAWASAN, Area.PELAYANAN_PUBLIK]


def seed_pendampingan(*, instansi: Instansi, cycle: Cycle, pdf: bytes) -> None:
    operator = (
        Membership.objects.filter(instansi=instansi, role=Role.TIM_KERJA, unit__isnull=False)
        .select_related("unit", "user", "instansi")
        .order_by("unit__path", "id")
        .first()
    )
    tpi = Membership.objects.filter(instansi=instansi, role=Role.TPI).select_related("user", "instansi").first()
    if operator is None or operator.unit is None:
        return
    unit = operator.unit
    roster = list(Pegawai.objects.filter(instansi=instansi, unit=unit, is_active=True).order_by("nip"))
    if len(roster) < 3:
        return
    today = timezone.localdate()

    # -- diagnosis -----------------------------------------------------------------------------
    diagnosis = d_services.diagnosis_get_or_create(actor=operator, unit=unit, cycle=cycle)
    d_services.diagnosis_summary_set(
        actor=operator,
        diagnosis=diagnosis,
        summary="Layanan perizinan bertatap muka langsung dengan pemohon: risiko pungli dan gratifikasi "
        "menjadi prioritas, disusul kecepatan layanan.",
    )
    for name, volume, description in _LAYANAN:
        d_services.layanan_add(actor=operator, diagnosis=diagnosis, name=name, volume=volume, description=description)
    for title, area, urgency, impact in _ISU:
        d_services.isu_add(
            actor=operator, diagnosis=diagnosis, title=title, urgency=urgency, impact=impact, area=int(area)
        )
    for index, (jenis, title, cause, likelihood, impact, mitigation, area) in enumerate(_RISIKO):
        d_services.risiko_save(
            actor=operator,
            diagnosis=diagnosis,
            data=d_services.RisikoData(
                jenis=jenis,
                title=title,
                cause=cause,
                likelihood=likelihood,
                impact=impact,
                owner=roster[index % len(roster)],
                mitigation=mitigation,
                area=int(area),
            ),
        )

    # -- tim kerja ZI with its SK, the pokja and a change agent ---------------------------------------
    tim = t_services.tim_kerja_get_or_create(actor=operator, unit=unit, cycle=cycle)
    sk_number = f"SK/{unit.code}/TIM-ZI/{cycle.tahun}"
    t_services.tim_kerja_sk_set(
        actor=operator,
        tim=tim,
        sk_number=sk_number,
        sk_date=datetime.date(cycle.tahun, 1, 10),
        file=SimpleUploadedFile(f"{sk_number.replace('/', '-')}.pdf", pdf, content_type="application/pdf"),
    )
    head = unit.head if unit.head_id and unit.head in roster else None
    leads = [p for p in roster if p != head]
    t_services.anggota_add(actor=operator, tim=tim, pegawai=head or leads[0], peran=Peran.PENANGGUNG_JAWAB)
    t_services.anggota_add(actor=operator, tim=tim, pegawai=leads[1], peran=Peran.KETUA)
    t_services.anggota_add(actor=operator, tim=tim, pegawai=leads[2], peran=Peran.SEKRETARIS)
    for index, area in enumerate(_POKJA_AREAS):
        t_services.anggota_add(
            actor=operator, tim=tim, pegawai=roster[(index + 1) % len(roster)], peran=Peran.KOORDINATOR, area=int(area)
        )
    # The demo pegawai login (linked to a pegawai of this unit) in the pokja of area 1.
    login = next((p for p in roster if p.user_id is not None), None)
    if login is not None:
        t_services.anggota_add(
            actor=operator, tim=tim, pegawai=login, peran=Peran.ANGGOTA, area=int(Area.MANAJEMEN_PERUBAHAN)
        )
    agen = t_services.agen_add(actor=operator, tim=tim, pegawai=roster[-1])
    t_services.perubahan_add(
        actor=operator,
        agen=agen,
        title="Antrean elektronik di loket perizinan",
        date=datetime.date(cycle.tahun, 1, 20),
        description="Nomor antrean dari aplikasi; tidak ada lagi titipan berkas.",
        integrated=True,
    )
    t_services.perubahan_add(
        actor=operator,
        agen=agen,
        title="Papan informasi biaya dan waktu layanan",
        date=datetime.date(cycle.tahun, 2, 5),
    )

    # -- an open consultation about LKE soal 1, and an asistensi of the TPI ---------------------------
    template = lke_template_for(cycle.tahun)
    soal = template.soal.filter(portalrb_soal_id=1).first() if template is not None else None
    k_services.konsultasi_start(
        actor=operator,
        unit=unit,
        cycle=cycle,
        subject="Bukti pembentukan tim kerja ZI",
        body="Apakah SK tim kerja yang sudah diunggah cukup sebagai bukti soal ini, atau perlu notulen rapat "
        "pembentukan juga?",
        soal=soal,
    )
    if tpi is None:
        return
    session = a_services.asistensi_create(
        actor=tpi,
        unit=unit,
        cycle=cycle,
        date=max(datetime.date(cycle.tahun, 1, 2), min(today, datetime.date(cycle.tahun, 12, 31))),
        topics="Reviu diagnosis dan peta risiko; kesiapan bukti area manajemen perubahan.",
        notes="Risiko pungli di loket belum dijawab kegiatan rencana aksi.",
        attendees=roster[:3],
        other_attendees="Tim TPI Inspektorat",
    )
    a_services.tindak_lanjut_add(
        actor=tpi,
        asistensi=session,
        description="Tambahkan kegiatan rencana aksi yang menjawab risiko pungli di loket.",
        owner=leads[1],
        due_date=today + datetime.timedelta(days=14),
    )
