"""Bounded imports (issue 18): every CSV/XLSX import refuses a sheet over the caps on rows, columns,
cells and unpacked size with a clear Indonesian message, changes nothing, and does so before any
XML parser runs — so the worst cases stay far under 2 s.

The paths: the unit and roster imports, the rencana aksi import (``apps.unit_kerja.tabular``) and the
LKE workbook import of a penilaian (``apps.lke.excel.parse``); all call ``apps.core.imports``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

import apps.lke.excel.xlsx as lke_xlsx
from apps.core.imports import duplicates
from apps.rencana_aksi.imports import IMPORT_COLUMNS_REQUIRED
from apps.rencana_aksi.models import Kegiatan
from apps.rencana_aksi.services.imports import kegiatan_import
from apps.tenancy.models import Membership
from apps.tenancy.scope import scope
from apps.unit_kerja.models import Pegawai, UnitKerja
from apps.unit_kerja.services.imports import pegawai_import, unit_kerja_import
from tests.conftest import World
from tests.core.spreadsheet_bombs import dimension_lie_xlsx, empty_rows_xlsx, gap_row_xlsx, wide_csv
from tests.isolation.routes.rencana_aksi import make_rencana
from tests.penilaian.conftest import LKEWorld, lke  # noqa: F401  (the fixture)

# Generous: the refusals measure in milliseconds; before the bounds these files took 16–17 s.
UPPER_BOUND_SECONDS = 2.0

UNIT_COLUMNS = ("kode", "nama", "jenis")
PEGAWAI_COLUMNS = ("nip", "nama", "kode_unit")

BOMBS: dict[str, Callable[[tuple[str, ...]], bytes]] = {
    "30000-column CSV": lambda names: wide_csv(),
    "2 million empty rows": empty_rows_xlsx,
    "one cell at row 2,000,000": gap_row_xlsx,
    "dimension of 2 million rows": dimension_lie_xlsx,
}
REFUSALS = ("kolom", "baris")  # the Indonesian messages name columns or rows


@pytest.fixture
def no_xml_parsing(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Records every openpyxl ``load_workbook`` call: a refusal must come before any."""
    calls: list[str] = []
    original = openpyxl.load_workbook

    def spy(*args, **kwargs):
        calls.append("load_workbook")
        return original(*args, **kwargs)

    monkeypatch.setattr(openpyxl, "load_workbook", spy)
    monkeypatch.setattr(lke_xlsx, "load_workbook", spy)
    return calls


def _refused_quickly(run: Callable[[], object]) -> str:
    started = time.monotonic()
    with translation.override("id"), pytest.raises(ValidationError) as caught:
        run()
    elapsed = time.monotonic() - started
    assert elapsed < UPPER_BOUND_SECONDS, f"took {elapsed:.1f} s"
    message = " ".join(caught.value.message_dict["file"])
    assert any(word in message for word in REFUSALS), message
    return message


@pytest.mark.parametrize("bomb", sorted(BOMBS))
def test_roster_import_refuses_before_parsing(bomb: str, world: World, no_xml_parsing: list[str]) -> None:
    actor = Membership.objects.get(user=world.ani)
    data = BOMBS[bomb](PEGAWAI_COLUMNS)
    with scope(world.instansi_a.pk):
        _refused_quickly(lambda: pegawai_import(actor=actor, file=SimpleUploadedFile("r.xlsx", data)))
        assert not Pegawai.objects.exists()
    assert no_xml_parsing == []


@pytest.mark.parametrize("bomb", sorted(BOMBS))
def test_unit_import_refuses_before_parsing(bomb: str, world: World, no_xml_parsing: list[str]) -> None:
    actor = Membership.objects.get(user=world.citra)
    data = BOMBS[bomb](UNIT_COLUMNS)
    with scope(world.instansi_a.pk):
        before = UnitKerja.objects.count()
        _refused_quickly(lambda: unit_kerja_import(actor=actor, file=SimpleUploadedFile("u", data)))
        assert UnitKerja.objects.count() == before
    assert no_xml_parsing == []


@pytest.mark.parametrize("bomb", sorted(BOMBS))
def test_rencana_aksi_import_refuses_before_parsing(bomb: str, world: World, no_xml_parsing: list[str]) -> None:
    actor = Membership.objects.get(user=world.ani)
    rencana = make_rencana(world)
    data = BOMBS[bomb](tuple(IMPORT_COLUMNS_REQUIRED[:3]))
    with scope(world.instansi_a.pk):
        _refused_quickly(
            lambda: kegiatan_import(actor=actor, rencana=rencana, file=SimpleUploadedFile("k.xlsx", data), reason="uji")
        )
        assert not Kegiatan.objects.exists()
    assert no_xml_parsing == []


@pytest.mark.parametrize("bomb", ["2 million empty rows", "one cell at row 2,000,000", "dimension of 2 million rows"])
def test_lke_workbook_import_refuses_before_parsing(bomb: str, lke: LKEWorld, login, no_xml_parsing) -> None:  # noqa: F811
    data = BOMBS[bomb](("A", "B", "C"))
    url = reverse("penilaian:workbook-import", kwargs={"public_id": lke.penilaian.public_id})
    started = time.monotonic()
    response = login(lke.world.ani).post(url, {"file": SimpleUploadedFile("lke.xlsx", data)})
    assert time.monotonic() - started < UPPER_BOUND_SECONDS
    assert response.status_code == 200
    assert "lebih dari 50000 baris" in response.content.decode()
    assert no_xml_parsing == []


def test_the_duplicate_column_check_is_linear() -> None:
    names = [f"kolom{i}" for i in range(200_000)] + ["kolom7", "kolom7"]
    started = time.monotonic()
    assert duplicates(names) == ["kolom7"]
    assert time.monotonic() - started < 0.5


def test_a_sheet_within_the_caps_still_imports(world: World) -> None:
    actor = Membership.objects.get(user=world.ani)
    data = b"nip,nama,kode_unit\n198501012010011001,Sari Wulandari,A1\n"
    with scope(world.instansi_a.pk):
        result = pegawai_import(actor=actor, file=SimpleUploadedFile("r.csv", data))
        assert result.total == 1
        assert Pegawai.objects.filter(nip="198501012010011001").exists()
