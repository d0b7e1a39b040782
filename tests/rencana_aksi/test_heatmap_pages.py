"""The monitoring heatmap pages through the instansi's units in tree order (keyset on the path), so
the largest instansi's page costs what a small one's does; the XLSX export still has every unit."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from apps.rencana_aksi import selectors
from apps.rencana_aksi.models import RencanaAksi
from apps.tenancy.scope import scope
from apps.unit_kerja.models import Penetapan
from tests.conftest import World
from tests.factories import UnitKerjaFactory
from tests.penilaian.conftest import open_cycle_now


@pytest.fixture
def five_units(world: World) -> list[str]:
    """Five units of instansi A in the heatmap: three with a plan, two with only a penetapan."""
    cycle = open_cycle_now(world.instansi_a)
    names = []
    with scope(world.instansi_a.pk):
        for n in range(5):
            unit = UnitKerjaFactory(instansi=world.instansi_a, code=f"H{n}", name=f"Unit Peta {n}")
            if n % 2 == 0:
                RencanaAksi.objects.create(instansi=world.instansi_a, unit=unit, cycle=cycle)
            else:
                Penetapan.objects.create(instansi=world.instansi_a, unit=unit, cycle=cycle)
            names.append(unit.name)
    return names


def shown(body: str) -> list[str]:
    return re.findall(r"Unit Peta \d", body)


def link(body: str, name: str) -> str | None:
    found = re.search(rf'href="(\?tahun=\d+&amp;{name}=[0-9a-f-]+)"', body)
    return found.group(1).replace("&amp;", "&") if found else None


def test_pages_follow_the_tree_forwards_and_back(world: World, login, five_units, monkeypatch) -> None:
    monkeypatch.setattr(selectors, "HEATMAP_PAGE", 2)
    client = login(world.citra)
    url = reverse("rencana_aksi:heatmap")
    first = client.get(url).content.decode()
    assert shown(first) == ["Unit Peta 0", "Unit Peta 1"]
    assert link(first, "sebelum") is None
    second = client.get(url + link(first, "setelah")).content.decode()
    assert shown(second) == ["Unit Peta 2", "Unit Peta 3"]
    third = client.get(url + link(second, "setelah")).content.decode()
    assert shown(third) == ["Unit Peta 4"]
    assert link(third, "setelah") is None
    back = client.get(url + link(third, "sebelum")).content.decode()
    assert shown(back) == ["Unit Peta 2", "Unit Peta 3"]
    assert shown(client.get(url + link(back, "sebelum")).content.decode()) == ["Unit Peta 0", "Unit Peta 1"]


def test_the_export_still_has_every_unit(world: World, login, five_units, monkeypatch) -> None:
    monkeypatch.setattr(selectors, "HEATMAP_PAGE", 2)
    response = login(world.citra).get(reverse("rencana_aksi:heatmap-export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = " ".join(str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    assert all(name in cells for name in five_units)


def test_another_instansis_unit_as_anchor_is_not_found(world: World, login, five_units) -> None:
    client = login(world.citra)
    url = reverse("rencana_aksi:heatmap")
    assert client.get(f"{url}?setelah={world.unit_b1.public_id}").status_code == 404
    assert client.get(f"{url}?sebelum=not-a-uuid").status_code == 404
