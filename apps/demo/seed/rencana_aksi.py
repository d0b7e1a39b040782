"""Demo rencana aksi (``seed_demo``): for every unit with a tim kerja login, a plan of the year with
one kegiatan per area; where the unit has a pimpinan unit login the plan is approved and the first
kegiatan's realisasi of the current period is reported with a PDF and verified, so the dashboards
and the heatmap show something. Everything goes through the services."""

from __future__ import annotations

import calendar
import datetime
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from apps.lke.models import Area
from apps.rencana_aksi import selectors
from apps.rencana_aksi.services.kegiatan import KegiatanData, kegiatan_save
from apps.rencana_aksi.services.plans import rencana_aksi_approve, rencana_aksi_create, rencana_aksi_submit
from apps.rencana_aksi.services.realisasi import realisasi_save, realisasi_verify
from apps.tenancy.models import Instansi, Membership
from apps.tenancy.roles import Role
from apps.unit_kerja.models import Cycle, Pegawai

_KEGIATAN = {
    Area.MANAJEMEN_PERUBAHAN: ("Penetapan agen perubahan", "SK agen perubahan", "SK ditetapkan", 1, "dokumen"),
    Area.TATALAKSANA: ("Digitalisasi SOP layanan", "SOP digital", "SOP terunggah", 10, "SOP"),
    Area.SDM: ("Pemetaan kompetensi pegawai", "Peta kompetensi", "Pegawai terpetakan", 100, "%"),
    Area.AKUNTABILITAS: ("Reviu perjanjian kinerja", "Laporan reviu", "Reviu selesai", 4, "kali"),
    Area.PENGAWASAN: ("Sosialisasi pengendalian gratifikasi", "Laporan sosialisasi", "Pegawai hadir", 90, "%"),
    Area.PELAYANAN_PUBLIK: ("Survei kepuasan masyarakat", "Laporan SKM", "Indeks SKM", 85, "indeks"),
}


def seed_rencana_aksi(*, instansi: Instansi, cycle: Cycle, pdf: bytes) -> None:
    today = timezone.localdate()
    month = today.month if today.year == cycle.tahun else 1
    operators = Membership.objects.filter(instansi=instansi, role=Role.TIM_KERJA, unit__isnull=False).select_related(
        "unit", "user", "instansi"
    )
    for operator in operators:
        unit = operator.unit
        pic = Pegawai.objects.filter(instansi=instansi, unit=unit, is_active=True).order_by("nip").first()
        if pic is None or selectors.rencana_for(unit=unit, tahun=cycle.tahun) is not None:
            continue
        rencana = rencana_aksi_create(actor=operator, unit=unit, cycle=cycle)
        first = None
        for area, (description, output, indicator, target, satuan) in _KEGIATAN.items():
            due_month = min(12, month + int(area) - 1)
            kegiatan = kegiatan_save(
                actor=operator,
                rencana=rencana,
                data=KegiatanData(
                    area=int(area),
                    description=description,
                    output=output,
                    indicator=indicator,
                    target_value=Decimal(target),
                    target_unit=satuan,
                    pic=pic,
                    months=list(range(month, due_month + 1)),
                    deadline=datetime.date(cycle.tahun, due_month, calendar.monthrange(cycle.tahun, due_month)[1]),
                    budget=Decimal(5_000_000),
                ),
            )
            first = first or kegiatan
        leader = Membership.objects.filter(instansi=instansi, role=Role.PIMPINAN_UNIT, unit=unit).first()
        if leader is None or first is None:
            continue
        rencana_aksi_submit(actor=operator, rencana=rencana)
        rencana_aksi_approve(actor=leader, rencana=rencana)
        realisasi = realisasi_save(
            actor=operator,
            kegiatan=first,
            periode=f"{cycle.tahun}-{month:02d}",
            progress=60,
            value=Decimal("0.6"),
            narrative="Draf SK sudah disusun dan menunggu tanda tangan.",
            files=[SimpleUploadedFile("draf-sk-agen-perubahan.pdf", pdf, content_type="application/pdf")],
            submit=True,
        )
        realisasi_verify(actor=leader, realisasi=realisasi)
