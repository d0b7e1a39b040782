"""Isolation entries for the pendampingan: the diagnosis (layanan, issues, risks), the tim kerja ZI
(members, change agents, changes), consultation threads and messages, asistensi with follow-up
actions and their reminder claims, the TPI inbox and the national view of questions to TPN."""

from __future__ import annotations

import datetime

from django.utils import timezone

from apps.diagnosis.models import Diagnosis, IsuStrategis, LayananUtama, Risiko
from apps.pendampingan.models import Asistensi, Konsultasi, PengingatTindakLanjut, PesanKonsultasi, TindakLanjut
from apps.penilaian.models import TPIAssignment
from apps.timkerja.models import AgenPerubahan, AnggotaTim, Perubahan, TimKerja
from apps.unit_kerja.models import Cycle
from tests.factories import CycleFactory, PegawaiFactory
from tests.isolation.registry import ListRoute, ObjectRoute

TAHUN = 2026


def _cycle(world):
    return Cycle.unscoped.filter(instansi=world.instansi_a, tahun=TAHUN).first() or CycleFactory(
        instansi=world.instansi_a, tahun=TAHUN
    )


def _pegawai(world):
    return PegawaiFactory(unit=world.unit_a1, name="PEGAWAI RAHASIA A")


def make_diagnosis(world) -> Diagnosis:
    existing = Diagnosis.unscoped.filter(instansi=world.instansi_a, unit=world.unit_a1).first()
    return existing or Diagnosis.unscoped.create(instansi=world.instansi_a, unit=world.unit_a1, cycle=_cycle(world))


def make_layanan(world) -> LayananUtama:
    return LayananUtama.unscoped.create(
        instansi=world.instansi_a, diagnosis=make_diagnosis(world), name="Layanan RAHASIA-A", volume=10
    )


def make_isu(world) -> IsuStrategis:
    return IsuStrategis.unscoped.create(
        instansi=world.instansi_a, diagnosis=make_diagnosis(world), title="Isu RAHASIA-A", urgency=3, impact=3
    )


def make_risiko(world) -> Risiko:
    return Risiko.unscoped.create(
        instansi=world.instansi_a,
        diagnosis=make_diagnosis(world),
        jenis="korupsi",
        title="Risiko RAHASIA-A",
        cause="x",
        likelihood=5,
        impact=5,
        owner=_pegawai(world),
    )


def make_deleted_risiko(world) -> Risiko:
    risiko = make_risiko(world)
    Risiko.unscoped.filter(pk=risiko.pk).update(deleted_at=timezone.now())
    return risiko


def make_deleted_isu(world) -> IsuStrategis:
    isu = make_isu(world)
    IsuStrategis.unscoped.filter(pk=isu.pk).update(deleted_at=timezone.now())
    return isu


def make_deleted_layanan(world) -> LayananUtama:
    layanan = make_layanan(world)
    LayananUtama.unscoped.filter(pk=layanan.pk).update(deleted_at=timezone.now())
    return layanan


def make_tim(world) -> TimKerja:
    existing = TimKerja.unscoped.filter(instansi=world.instansi_a, unit=world.unit_a1).first()
    return existing or TimKerja.unscoped.create(instansi=world.instansi_a, unit=world.unit_a1, cycle=_cycle(world))


def make_anggota(world) -> AnggotaTim:
    return AnggotaTim.unscoped.create(
        instansi=world.instansi_a, tim=make_tim(world), pegawai=_pegawai(world), peran="anggota", area=1
    )


def make_agen(world) -> AgenPerubahan:
    return AgenPerubahan.unscoped.create(instansi=world.instansi_a, tim=make_tim(world), pegawai=_pegawai(world))


def make_perubahan(world) -> Perubahan:
    return Perubahan.unscoped.create(
        instansi=world.instansi_a, agen=make_agen(world), title="Perubahan RAHASIA-A", date=datetime.date(TAHUN, 2, 1)
    )


def _soft_deleted(row):
    type(row).unscoped.filter(pk=row.pk).update(deleted_at=timezone.now())
    return row


def make_deleted_anggota(world) -> AnggotaTim:
    return _soft_deleted(make_anggota(world))


def make_deleted_agen(world) -> AgenPerubahan:
    return _soft_deleted(make_agen(world))


def make_deleted_perubahan(world) -> Perubahan:
    return _soft_deleted(make_perubahan(world))


def make_konsultasi(world, *, for_tpn: bool = False) -> Konsultasi:
    return Konsultasi.unscoped.create(
        instansi=world.instansi_a,
        unit=world.unit_a1,
        cycle=_cycle(world),
        subject="Konsultasi RAHASIA-A",
        created_by=world.ani,
        for_tpn=for_tpn,
    )


def make_pesan(world) -> PesanKonsultasi:
    return PesanKonsultasi.unscoped.create(
        instansi=world.instansi_a, konsultasi=make_konsultasi(world), side="unit", author=world.ani, body="RAHASIA"
    )


def make_asistensi(world) -> Asistensi:
    return Asistensi.unscoped.create(
        instansi=world.instansi_a,
        unit=world.unit_a1,
        cycle=_cycle(world),
        date=datetime.date(TAHUN, 3, 1),
        topics="Topik RAHASIA-A",
        created_by=world.budi,
    )


def make_tindak_lanjut(world) -> TindakLanjut:
    return TindakLanjut.unscoped.create(
        instansi=world.instansi_a,
        asistensi=make_asistensi(world),
        description="Tindak lanjut RAHASIA-A",
        owner=_pegawai(world),
        due_date=datetime.date(TAHUN, 4, 1),
    )


def make_claim(world) -> PengingatTindakLanjut:
    return PengingatTindakLanjut.unscoped.create(
        instansi=world.instansi_a, kind="due_soon", tindak_lanjut=make_tindak_lanjut(world), period="2026-04-01"
    )


def _id(make):
    return lambda world: {"public_id": make(world).public_id}


def _unit_year(world):
    _cycle(world)
    return {"public_id": world.unit_a1.public_id, "tahun": TAHUN}


def _list_with_unit(world):
    make_diagnosis(world)
    return {}, world.unit_a1.name


OBJECT_ROUTES = [
    ObjectRoute("pendampingan:hub", _unit_year),
    ObjectRoute("pendampingan:layanan-add", _unit_year, methods=("POST",), data={"layanan-name": "x"}),
    ObjectRoute("pendampingan:isu-add", _unit_year, methods=("POST",), data={"isu-title": "x"}),
    ObjectRoute("pendampingan:risiko-create", _unit_year, methods=("GET", "POST"), data={"title": "x"}),
    ObjectRoute("pendampingan:tim", _unit_year),
    ObjectRoute("pendampingan:tim-sk", _unit_year, methods=("POST",), data={"sk-sk_number": "x"}),
    ObjectRoute("pendampingan:anggota-add", _unit_year, methods=("POST",), data={"anggota-peran": "ketua"}),
    ObjectRoute("pendampingan:agen-add", _unit_year, methods=("POST",)),
    ObjectRoute("pendampingan:konsultasi-list", _unit_year),
    ObjectRoute("pendampingan:konsultasi-create", _unit_year, methods=("GET", "POST"), data={"subject": "x"}),
    ObjectRoute("pendampingan:asistensi-list", _unit_year, methods=("GET", "POST"), data={"topics": "x"}),
    ObjectRoute("pendampingan:risiko-update", _id(make_risiko), methods=("GET", "POST"), data={"title": "x"}),
    ObjectRoute("pendampingan:risiko-delete", _id(make_risiko), methods=("POST",)),
    ObjectRoute("pendampingan:layanan-delete", _id(make_layanan), methods=("POST",)),
    ObjectRoute("pendampingan:isu-delete", _id(make_isu), methods=("POST",)),
    ObjectRoute("pendampingan:risiko-restore", _id(make_deleted_risiko), methods=("POST",)),
    ObjectRoute("pendampingan:isu-restore", _id(make_deleted_isu), methods=("POST",)),
    ObjectRoute("pendampingan:layanan-restore", _id(make_deleted_layanan), methods=("POST",)),
    ObjectRoute("pendampingan:anggota-remove", _id(make_anggota), methods=("POST",)),
    ObjectRoute("pendampingan:agen-remove", _id(make_agen), methods=("POST",)),
    ObjectRoute("pendampingan:perubahan-add", _id(make_agen), methods=("POST",), data={"perubahan-title": "x"}),
    ObjectRoute("pendampingan:perubahan-delete", _id(make_perubahan), methods=("POST",)),
    ObjectRoute("pendampingan:anggota-restore", _id(make_deleted_anggota), methods=("POST",)),
    ObjectRoute("pendampingan:agen-restore", _id(make_deleted_agen), methods=("POST",)),
    ObjectRoute("pendampingan:perubahan-restore", _id(make_deleted_perubahan), methods=("POST",)),
    ObjectRoute("pendampingan:konsultasi-detail", _id(make_konsultasi)),
    ObjectRoute("pendampingan:konsultasi-reply", _id(make_konsultasi), methods=("POST",), data={"body": "x"}),
    ObjectRoute("pendampingan:konsultasi-close", _id(make_konsultasi), methods=("POST",)),
    ObjectRoute("pendampingan:asistensi-detail", _id(make_asistensi)),
    ObjectRoute("pendampingan:tindak-lanjut-add", _id(make_asistensi), methods=("POST",), data={"description": "x"}),
    ObjectRoute("pendampingan:tindak-lanjut-done", _id(make_tindak_lanjut), methods=("POST",)),
]

LIST_ROUTES = [
    ListRoute("pendampingan:index", _list_with_unit),
    ListRoute("pendampingan:tpi-inbox", lambda world: ({}, make_konsultasi(world).subject)),
]

_NATIONAL = "national view of the TPI's questions to TPN: tenant members get 403, proven in tests/pendampingan"

_API = (
    "National API /api/v1/ authenticated by a national personal token (national users read the questions of "
    "every instansi by design; no session, so ObjectRoute cannot express it). tests/tpn/test_pertanyaan_api.py "
    "proves a PortalRB token gets 401 and a unit's own thread with its TPI is 404 (read and reply, nothing "
    "saved); tests/api/test_fuzz_foreign_ids.py injects such a thread's id into every operation."
)

EXEMPT_ROUTES = {
    "pendampingan:tpn-question-create": "creates a question in the actor's own instansi only (no id in the URL)",
    "pendampingan:tpn-list": _NATIONAL,
    "pendampingan:tpn-detail": _NATIONAL,
    "api_v1:pertanyaan-tpn-list": _API,
    "api_v1:pertanyaan-tpn-detail": _API,
    "api_v1:pertanyaan-tpn-balasan": _API,
}

TENANT_MODELS = {
    Diagnosis: make_diagnosis,
    LayananUtama: make_layanan,
    IsuStrategis: make_isu,
    Risiko: make_risiko,
    TimKerja: make_tim,
    AnggotaTim: make_anggota,
    AgenPerubahan: make_agen,
    Perubahan: make_perubahan,
    Konsultasi: make_konsultasi,
    PesanKonsultasi: make_pesan,
    Asistensi: make_asistensi,
    TindakLanjut: make_tindak_lanjut,
    PengingatTindakLanjut: make_claim,
}

# The unit's operator keeps its diagnosis and asks the TPI; the TPI answers and records asistensi.
_TPI_SIDE = {
    "pendampingan:asistensi-list",
    "pendampingan:konsultasi-close",
    "pendampingan:tindak-lanjut-add",
    "pendampingan:tindak-lanjut-done",
}


def assigned_tpi(world):
    """budi, assigned to unit A1 for the year (the TPI side of a unit is its assigned reviewers)."""
    TPIAssignment.unscoped.get_or_create(
        instansi=world.instansi_a, cycle=_cycle(world), unit=world.unit_a1, reviewer=world.budi, level=1
    )
    return world.budi


OWNERS = {route.name: (assigned_tpi if route.name in _TPI_SIDE else "ani") for route in OBJECT_ROUTES}
OWNERS["pendampingan:tpi-inbox"] = assigned_tpi  # the inbox holds the threads of the TPI's units
