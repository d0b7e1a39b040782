"""CSV and XLSX imports: every row checked first, errors listed by row, a bad file writes nothing."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from apps.audit.models import AuditEvent
from apps.core.errors import PermissionDeniedError
from apps.tenancy.models import Membership
from apps.unit_kerja import tabular, validators
from apps.unit_kerja.models import Pegawai, UnitKerja, UnitKind
from apps.unit_kerja.services.imports import (
    IMPORT_DUPLICATE_IN_FILE,
    IMPORT_EMAIL_INVALID,
    IMPORT_NIP_AS_NUMBER,
    IMPORT_NIP_OUTSIDE,
    IMPORT_PARENT_CYCLE,
    IMPORT_PARENT_SELF,
    IMPORT_REQUIRED,
    IMPORT_UNIT_INACTIVE,
    IMPORT_UNIT_OUTSIDE,
    IMPORT_UNKNOWN_PARENT,
    IMPORT_UNKNOWN_UNIT,
    ImportResult,
    pegawai_import,
    unit_kerja_import,
)
from apps.unit_kerja.services.units import unit_kerja_set_head
from tests.conftest import World
from tests.factories import PegawaiFactory, UnitKerjaFactory
from tests.unit_kerja.conftest import NIP_1, NIP_2, NIP_3, PDF, csv_file, xlsx_file

UNIT_HEADER = ["kode", "nama", "kode_induk", "jenis", "alamat"]
PEGAWAI_HEADER = ["nip", "nama", "jabatan", "pangkat", "email", "kode_unit"]


def _errors(result: ImportResult) -> list[tuple[int, str, str]]:
    return [(e.row, e.column, e.message) for e in result.errors]


# -----------------------------------------------------------------------------
# Units
# -----------------------------------------------------------------------------


@pytest.mark.parametrize("make", [csv_file, xlsx_file], ids=["csv", "xlsx"])
def test_unit_import_creates_tree_with_parents_from_file_and_register(
    world: World, in_scope, citra_m: Membership, make
) -> None:
    rows = [
        UNIT_HEADER,
        # The child comes before its parent in the file: order of rows must not matter.
        ["A1-1-1", "Seksi Perizinan", "A1-1", "UPT", "Jl. Satu"],
        ["A1-1", "Subdit Layanan", "A1", "eselon_ii", ""],
        ["Z", "Inspektorat", "", "", ""],
    ]
    with in_scope(world.instansi_a):
        result = unit_kerja_import(actor=citra_m, file=make(rows))
        units = {u.code: u for u in UnitKerja.objects.all()}
        events = list(AuditEvent.objects.filter(verb="unit_kerja.import"))
    assert result.ok, result.errors
    assert (result.total, result.created, result.updated, result.unchanged) == (3, 3, 0, 0)
    sub, seksi, top = units["A1-1"], units["A1-1-1"], units["Z"]
    assert sub.path == f"{world.unit_a1.path}{sub.pk}/"
    assert seksi.path == f"{sub.path}{seksi.pk}/"
    assert (sub.depth, seksi.depth, top.depth) == (1, 2, 0)
    assert seksi.kind == UnitKind.UPT  # matched by value, case-insensitively
    assert top.kind == UnitKind.LAINNYA
    assert seksi.address == "Jl. Satu"
    assert len(events) == 1
    assert events[0].after["created"] == 3


def test_unit_import_upserts_by_code_and_moves(world: World, in_scope, citra_m: Membership) -> None:
    child = UnitKerjaFactory(parent=world.unit_a1, code="C", name="Lama")
    grandchild = UnitKerjaFactory(parent=child, code="G", name="Cucu")
    rows = [["kode", "nama", "kode_induk"], ["C", "Baru", "A2"], ["G", "Cucu", "C"]]
    with in_scope(world.instansi_a):
        result = unit_kerja_import(actor=citra_m, file=csv_file(rows))
    assert result.ok
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    child.refresh_from_db()
    grandchild.refresh_from_db()
    assert child.name == "Baru"
    assert grandchild.path == f"/{world.unit_a2.pk}/{child.pk}/{grandchild.pk}/"


def test_unit_import_absent_column_keeps_registered_value(world: World, in_scope, citra_m: Membership) -> None:
    world.unit_a1.address = "Jl. Tetap"
    world.unit_a1.save()
    with in_scope(world.instansi_a):
        result = unit_kerja_import(actor=citra_m, file=csv_file([["kode", "nama"], ["A1", "Nama Baru"]]))
    assert result.ok
    world.unit_a1.refresh_from_db()
    assert world.unit_a1.address == "Jl. Tetap"
    assert world.unit_a1.parent_id is None
    assert world.unit_a1.kind == UnitKind.ESELON_II


@pytest.mark.parametrize("make", [csv_file, xlsx_file], ids=["csv", "xlsx"])
def test_unit_import_with_any_bad_row_writes_nothing(world: World, in_scope, citra_m: Membership, make) -> None:
    rows = [
        UNIT_HEADER,
        ["OK-1", "Unit baik", "A1", "upt", ""],  # row 2: fine
        ["OK-1", "Kembar", "", "", ""],  # row 3: duplicate code in the file
        ["X", "", "", "planet", ""],  # row 4: no name, unknown kind
        ["Y", "Yatim", "NOPE", "", ""],  # row 5: unknown parent
        ["S", "Sendiri", "S", "", ""],  # row 6: own parent
        ["L1", "Lingkar 1", "L2", "", ""],  # row 7: loop L1 → L2 → L1
        ["L2", "Lingkar 2", "L1", "", ""],  # row 8
    ]
    with in_scope(world.instansi_a):
        result = unit_kerja_import(actor=citra_m, file=make(rows))
        assert UnitKerja.objects.count() == 2  # only A1 and A2
        assert not AuditEvent.objects.filter(verb="unit_kerja.import").exists()
    errors = _errors(result)
    assert not result.ok
    assert (3, "kode", str(IMPORT_DUPLICATE_IN_FILE) % {"row": 2}) in errors
    assert (4, "nama", str(IMPORT_REQUIRED)) in errors
    assert any(row == 4 and column == "jenis" for row, column, _m in errors)
    assert (5, "kode_induk", str(IMPORT_UNKNOWN_PARENT) % {"code": "NOPE"}) in errors
    assert (6, "kode_induk", str(IMPORT_PARENT_SELF)) in errors
    assert (7, "kode_induk", str(IMPORT_PARENT_CYCLE)) in errors
    assert (8, "kode_induk", str(IMPORT_PARENT_CYCLE)) in errors
    assert [e.row for e in result.errors] == sorted(e.row for e in result.errors)


def test_unit_import_loop_through_the_register_is_found(world: World, in_scope, citra_m: Membership) -> None:
    child = UnitKerjaFactory(parent=world.unit_a1, code="C")
    # A1 would move under C, which sits under A1.
    with in_scope(world.instansi_a):
        result = unit_kerja_import(actor=citra_m, file=csv_file([["kode", "nama", "kode_induk"], ["A1", "A1", "C"]]))
    assert _errors(result) == [(2, "kode_induk", str(IMPORT_PARENT_CYCLE))]
    world.unit_a1.refresh_from_db()
    assert world.unit_a1.parent_id is None
    assert child.parent_id == world.unit_a1.pk


def test_semicolon_csv_with_bom_and_spaced_headers(world: World, in_scope, citra_m: Membership) -> None:
    content = "\ufeffKode; Nama ;Kode Induk\nA1-9;Biro Sembilan;A1\n\n".encode()
    with in_scope(world.instansi_a):
        result = unit_kerja_import(actor=citra_m, file=SimpleUploadedFile("u.csv", content))
        unit = UnitKerja.objects.get(code="A1-9")
    assert result.ok
    assert unit.parent_id == world.unit_a1.pk


def test_row_numbers_count_blank_lines(world: World, in_scope, citra_m: Membership) -> None:
    content = b"kode,nama\nOK,Baik\n\n,Tanpa kode\n"
    with in_scope(world.instansi_a):
        result = unit_kerja_import(actor=citra_m, file=SimpleUploadedFile("u.csv", content))
    assert _errors(result) == [(4, "kode", str(IMPORT_REQUIRED))]


def test_unit_import_needs_unit_manage(world: World, in_scope, ani_m: Membership) -> None:
    with in_scope(world.instansi_a), pytest.raises(PermissionDeniedError):
        unit_kerja_import(actor=ani_m, file=csv_file([["kode", "nama"], ["Q", "Q"]]))


# -----------------------------------------------------------------------------
# Files that cannot be imported at all
# -----------------------------------------------------------------------------


def _broken_xlsx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "this is not xml")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (PDF, tabular.IMPORT_FILE_TYPE),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 legacy xls", tabular.IMPORT_FILE_TYPE),
        (b"MZ\x90\x00\x03\x00\x00\x00", tabular.IMPORT_FILE_TYPE),
        (b"kode,nama\nA,\xe9t\xe9\n", tabular.IMPORT_FILE_ENCODING),
        (b"", tabular.IMPORT_FILE_EMPTY),
        (b"kode,nama\n", tabular.IMPORT_NO_ROWS),
        (b"\n\n", tabular.IMPORT_FILE_NO_HEADER),
    ],
    ids=["pdf", "xls", "exe", "latin1", "empty", "header-only", "blank"],
)
def test_unreadable_files_are_refused_on_the_file_field(
    world: World, in_scope, citra_m: Membership, content: bytes, message
) -> None:
    with in_scope(world.instansi_a), pytest.raises(ValidationError) as excinfo:
        unit_kerja_import(actor=citra_m, file=SimpleUploadedFile("units.csv", content))
    assert list(excinfo.value.message_dict) == ["file"]
    assert excinfo.value.error_dict["file"][0].message == message
    assert UnitKerja.unscoped.filter(instansi=world.instansi_a).count() == 2


def test_broken_xlsx_is_refused_without_500(world: World, in_scope, citra_m: Membership) -> None:
    with in_scope(world.instansi_a), pytest.raises(ValidationError) as excinfo:
        unit_kerja_import(actor=citra_m, file=SimpleUploadedFile("u.xlsx", _broken_xlsx()))
    assert excinfo.value.error_dict["file"][0].code == "file_malformed"


def test_missing_columns_are_named(world: World, in_scope, citra_m: Membership) -> None:
    with in_scope(world.instansi_a), pytest.raises(ValidationError) as excinfo:
        pegawai_import(actor=citra_m, file=csv_file([["nip", "nama"], [NIP_1, "Ani"]]))
    assert excinfo.value.message_dict["file"] == [str(tabular.IMPORT_MISSING_COLUMNS) % {"columns": "kode_unit"}]


def test_oversize_file_is_refused(world: World, in_scope, citra_m: Membership, settings) -> None:
    settings.ZI_IMPORT_MAX_BYTES = 64
    rows = [["kode", "nama"]] + [[f"K{i}", "Unit dengan nama panjang"] for i in range(10)]
    with in_scope(world.instansi_a), pytest.raises(ValidationError) as excinfo:
        unit_kerja_import(actor=citra_m, file=csv_file(rows))
    assert excinfo.value.error_dict["file"][0].code == "file_too_large"
    assert not UnitKerja.unscoped.filter(code="K0").exists()


def test_too_many_rows_is_refused(world: World, in_scope, citra_m: Membership, settings) -> None:
    settings.ZI_IMPORT_MAX_ROWS = 2
    rows = [["kode", "nama"], ["K1", "a"], ["K2", "b"], ["K3", "c"]]
    with in_scope(world.instansi_a), pytest.raises(ValidationError) as excinfo:
        unit_kerja_import(actor=citra_m, file=csv_file(rows))
    assert excinfo.value.error_dict["file"][0].code == "too_many_rows"


# -----------------------------------------------------------------------------
# Pegawai
# -----------------------------------------------------------------------------


@pytest.mark.parametrize("make", [csv_file, xlsx_file], ids=["csv", "xlsx"])
def test_pegawai_import_creates_updates_and_reactivates(world: World, in_scope, citra_m: Membership, make) -> None:
    departed = PegawaiFactory(unit=world.unit_a1, nip=NIP_2, name="Pergi", is_active=False)
    same = PegawaiFactory(unit=world.unit_a1, nip=NIP_3, name="Tetap", position="Analis", rank="III/c", email="")
    rows = [
        PEGAWAI_HEADER,
        ["19850101 201001 1 001", "Baru Sekali", "Pranata", "II/a", "baru@alfa.go.id", "A1"],
        [NIP_2, "Kembali Lagi", "Analis", "III/a", "", "A2"],
        [NIP_3, "Tetap", "Analis", "III/c", "", "A1"],
    ]
    with in_scope(world.instansi_a):
        result = pegawai_import(actor=citra_m, file=make(rows))
        created = Pegawai.objects.get(nip=NIP_1)
        events = list(AuditEvent.objects.filter(verb="pegawai.import"))
    assert result.ok, result.errors
    assert (result.created, result.updated, result.unchanged) == (1, 1, 1)
    assert created.name == "Baru Sekali"
    assert created.unit_id == world.unit_a1.pk
    assert created.email == "baru@alfa.go.id"
    departed.refresh_from_db()
    assert departed.is_active is True
    assert departed.unit_id == world.unit_a2.pk
    assert departed.name == "Kembali Lagi"
    same.refresh_from_db()
    assert same.name == "Tetap"
    assert len(events) == 1
    summary = events[0].after
    assert summary["file"] in {"data.csv", "data.xlsx"}
    assert (summary["rows"], summary["created"], summary["updated"], summary["unchanged"]) == (3, 1, 1, 1)


@pytest.mark.parametrize("make", [csv_file, xlsx_file], ids=["csv", "xlsx"])
def test_pegawai_import_with_any_bad_row_writes_nothing(world: World, in_scope, citra_m: Membership, make) -> None:
    existing = PegawaiFactory(unit=world.unit_a1, nip=NIP_3, name="Sudah Ada")
    rows = [
        PEGAWAI_HEADER,
        [NIP_1, "Baik", "", "", "", "A1"],  # row 2: fine
        ["198513012010011001", "Tanggal Salah", "", "", "", "A1"],  # row 3: bad birth date
        [NIP_1, "Ganda", "", "", "", "A1"],  # row 4: duplicate in file
        [NIP_2, "Unit Hilang", "", "", "", "NOPE"],  # row 5: unknown unit
        [NIP_3, "", "", "", "bukan-email", "A1"],  # row 6: no name, bad email (existing NIP)
        ["123", "Pendek", "", "", "", "A1"],  # row 7: too short
    ]
    with in_scope(world.instansi_a):
        result = pegawai_import(actor=citra_m, file=make(rows))
        assert Pegawai.objects.count() == 1
    existing.refresh_from_db()
    assert existing.name == "Sudah Ada"
    errors = _errors(result)
    assert (3, "nip", str(validators.NIP_INVALID_BIRTH_DATE)) in errors
    assert (4, "nip", str(IMPORT_DUPLICATE_IN_FILE) % {"row": 2}) in errors
    assert (5, "kode_unit", str(IMPORT_UNKNOWN_UNIT) % {"code": "NOPE"}) in errors
    assert (6, "nama", str(IMPORT_REQUIRED)) in errors
    assert (6, "email", str(IMPORT_EMAIL_INVALID)) in errors
    assert (7, "nip", str(validators.NIP_INVALID_LENGTH)) in errors
    assert not any(row == 2 for row, _c, _m in errors)


def test_nip_stored_as_number_in_xlsx_is_refused(world: World, in_scope, citra_m: Membership) -> None:
    rows = [PEGAWAI_HEADER, [198501012010011001, "Angka", "", "", "", "A1"]]
    with in_scope(world.instansi_a):
        result = pegawai_import(actor=citra_m, file=xlsx_file(rows))
    assert _errors(result) == [(2, "nip", str(IMPORT_NIP_AS_NUMBER))]
    assert not Pegawai.unscoped.exists()


def test_tim_kerja_imports_only_into_their_subtree(world: World, in_scope, ani_m: Membership) -> None:
    sub = UnitKerjaFactory(parent=world.unit_a1, code="A1-S")
    outsider = PegawaiFactory(unit=world.unit_a2, nip=NIP_3)
    rows = [
        PEGAWAI_HEADER,
        [NIP_1, "Di Dalam", "", "", "", "A1-S"],
        [NIP_2, "Di Luar", "", "", "", "A2"],
        [NIP_3, "Bukan Milik", "", "", "", "A1"],
    ]
    with in_scope(world.instansi_a):
        result = pegawai_import(actor=ani_m, file=csv_file(rows))
        ok = pegawai_import(actor=ani_m, file=csv_file(rows[:2]))
    assert _errors(result) == [
        (3, "kode_unit", str(IMPORT_UNIT_OUTSIDE) % {"code": "A2"}),
        (4, "nip", str(IMPORT_NIP_OUTSIDE)),
    ]
    assert ok.ok
    assert Pegawai.unscoped.get(nip=NIP_1).unit_id == sub.pk
    outsider.refresh_from_db()
    assert outsider.unit_id == world.unit_a2.pk


def test_pegawai_import_clears_head_who_moved(world: World, in_scope, citra_m: Membership) -> None:
    head = PegawaiFactory(unit=world.unit_a1, nip=NIP_1, name="Kepala")
    with in_scope(world.instansi_a):
        unit_kerja_set_head(actor=citra_m, unit=world.unit_a1, pegawai=head)
        result = pegawai_import(actor=citra_m, file=csv_file([["nip", "nama", "kode_unit"], [NIP_1, "Kepala", "A2"]]))
    assert result.ok
    world.unit_a1.refresh_from_db()
    assert world.unit_a1.head_id is None


def test_pegawai_import_into_inactive_unit_is_refused(world: World, in_scope, citra_m: Membership) -> None:
    UnitKerjaFactory(instansi=world.instansi_a, code="TUTUP", is_active=False)
    with in_scope(world.instansi_a):
        result = pegawai_import(actor=citra_m, file=csv_file([["nip", "nama", "kode_unit"], [NIP_1, "Siapa", "TUTUP"]]))
    assert _errors(result) == [(2, "kode_unit", str(IMPORT_UNIT_INACTIVE) % {"code": "TUTUP"})]
