"""Isolation entries for the unit kerja register, roster, years and penetapan."""

from __future__ import annotations

from django.core.files.base import ContentFile

from apps.tenancy.models import Membership
from apps.unit_kerja.models import Cycle, ImportJob, ImportKind, Pegawai, Penetapan, UnitKerja
from tests.factories import CycleFactory, PegawaiFactory, PenetapanFactory, UnitKerjaFactory, _cycle_for
from tests.isolation.registry import ListRoute, ObjectRoute

SECRET_UNIT = "Unit Rahasia Alfa"
SECRET_PEGAWAI = "Pegawai Rahasia Alfa"


def _unit(world):
    return UnitKerjaFactory(parent=world.unit_a1, code="RAHASIA", name=SECRET_UNIT)


def _pegawai(world):
    return PegawaiFactory(unit=world.unit_a1, name=SECRET_PEGAWAI)


def _linked_pegawai(world):
    """A roster entry of A1 with its login linked (the unlink has something to undo)."""
    return PegawaiFactory(unit=world.unit_a1, name=SECRET_PEGAWAI, user=world.ani)


def _cycle(world):
    return CycleFactory(instansi=world.instansi_a, tahun=2026)


def _penetapan(world):
    return PenetapanFactory(unit=_unit(world), cycle=_cycle_for(world.instansi_a))


def _import_job(world):
    """A roster import by ani (tim kerja of A1): its row errors name A1's people."""
    job = ImportJob(
        instansi=world.instansi_a,
        kind=ImportKind.PEGAWAI,
        membership=Membership.objects.get(user=world.ani),
        unit=world.unit_a1,
        requested_by=world.ani,
        file_name="roster-rahasia.csv",
        sha256="0" * 64,
        status="failed",
        errors=[{"row": 2, "column": "nip", "message": SECRET_PEGAWAI}],
    )
    job.file.save("roster.csv", ContentFile(b"nip,nama,kode_unit\n"), save=False)
    job.save()
    return job


def _id(make):
    return lambda world: {"public_id": make(world).public_id}


def _secret_unit_page(world):
    _unit(world)
    return {}, SECRET_UNIT


def _secret_pegawai_page(world):
    _pegawai(world)
    return {}, SECRET_PEGAWAI


def _secret_year_page(world):
    CycleFactory(instansi=world.instansi_a, tahun=2031)
    return {}, ">2031<"


def _secret_penetapan_page(world):
    _penetapan(world)
    return {}, SECRET_UNIT


_UNIT_POST = {"code": "DIBAJAK", "name": "Dibajak", "kind": "upt"}
_PEGAWAI_POST = {"nip": "198501012010011001", "name": "Dibajak"}
_CYCLE_POST = {"fill_start": "2026-01-01", "fill_end": "2026-02-01", "proposal_end": "2026-05-31"}
_PENETAPAN_POST = {"is_high_risk": "on", "high_risk_reason": "Dibajak", "version": "1"}

OBJECT_ROUTES = [
    ObjectRoute("unit_kerja:unit-detail", _id(_unit)),
    ObjectRoute("unit_kerja:unit-update", _id(_unit), methods=("GET", "POST"), data=_UNIT_POST),
    ObjectRoute("unit_kerja:unit-head", _id(_unit), methods=("POST",), data={"head": ""}),
    ObjectRoute("unit_kerja:pegawai-update", _id(_pegawai), methods=("GET", "POST"), data=_PEGAWAI_POST),
    ObjectRoute("unit_kerja:pegawai-transfer", _id(_pegawai), methods=("GET", "POST"), data={"unit": ""}),
    ObjectRoute("unit_kerja:pegawai-deactivate", _id(_pegawai), methods=("POST",)),
    ObjectRoute("unit_kerja:pegawai-account", _id(_pegawai), methods=("GET", "POST"), data={"user": "ani@alfa.go.id"}),
    ObjectRoute("unit_kerja:pegawai-account-unlink", _id(_linked_pegawai), methods=("POST",)),
    ObjectRoute("unit_kerja:import-job", _id(_import_job)),
    ObjectRoute("unit_kerja:import-job-status", _id(_import_job)),
    ObjectRoute("unit_kerja:cycle-update", _id(_cycle), methods=("GET", "POST"), data=_CYCLE_POST),
    ObjectRoute("unit_kerja:penetapan-detail", _id(_penetapan)),
    ObjectRoute("unit_kerja:penetapan-update", _id(_penetapan), methods=("GET", "POST"), data=_PENETAPAN_POST),
    ObjectRoute(
        "unit_kerja:penetapan-designate",
        _id(_penetapan),
        methods=("GET", "POST"),
        data={"sk_number": "Dibajak", "sk_date": "2025-12-01", "version": "1"},
    ),
]

LIST_ROUTES = [
    ListRoute("unit_kerja:unit-list", _secret_unit_page),
    ListRoute("unit_kerja:unit-create", _secret_unit_page),
    ListRoute("unit_kerja:pegawai-list", _secret_pegawai_page),
    ListRoute("unit_kerja:pegawai-create", _secret_unit_page),
    ListRoute("unit_kerja:cycle-list", _secret_year_page),
    ListRoute("unit_kerja:penetapan-list", _secret_penetapan_page),
    ListRoute("unit_kerja:penetapan-create", _secret_penetapan_page),
]

TENANT_MODELS = {
    UnitKerja: _unit,
    Pegawai: _pegawai,
    Cycle: _cycle,
    Penetapan: _penetapan,
    ImportJob: _import_job,
}

# Form pages that show no row of the instansi: an outsider "not seeing" a marker there proved
# nothing (the owner does not see it either — issue 18). Their posts are covered by the import and
# year tests (tests/unit_kerja/test_import.py, tests/unit_kerja/test_services_cycle_penetapan.py) and by the
# intra-instansi matrix.
EXEMPT_ROUTES = {
    "unit_kerja:unit-import": "a form (file upload) with no tenant row on the page",
    "unit_kerja:pegawai-import": "a form (file upload) with no tenant row on the page",
    "unit_kerja:cycle-create": "a form for a new year with no tenant row on the page",
}
