"""No input yields a 500: malformed ids, numbers and dates on every form and filter of the app."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import User
from apps.unit_kerja.models import Penetapan, UnitKerja
from tests.conftest import World
from tests.factories import CycleFactory, PegawaiFactory, PenetapanFactory

GARBAGE = {
    "code": "x" * 500,
    "name": "\x00",
    "kind": "planet",
    "parent": "not-a-uuid",
    "unit": "00000000-0000-0000-0000-000000000000",
    "cycle": "abc",
    "head": "'; DROP TABLE--",
    "nip": "١٩٨٥٠١٠١٢٠١٠٠١١٠٠١",  # Arabic-Indic digits: str.isdigit() is True for them
    "tahun": "99999999999999999999",
    "fill_start": "2026-02-30",
    "sk_date": "0000-00-00",
    "version": "-99999999999999999999",
    "afirmasi_type": "bogus",
    "is_core_service": "on",
}


@pytest.mark.parametrize(
    "name",
    [
        "unit_kerja:unit-create",
        "unit_kerja:pegawai-create",
        "unit_kerja:cycle-create",
        "unit_kerja:penetapan-create",
        "unit_kerja:unit-import",
        "unit_kerja:pegawai-import",
    ],
)
def test_garbage_post_to_list_forms(world: World, login: Callable[[User], Client], name: str) -> None:
    response = login(world.citra).post(reverse(name), GARBAGE)
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert UnitKerja.unscoped.filter(instansi=world.instansi_a).count() == 2
    assert not Penetapan.unscoped.exists()


def test_garbage_post_to_object_forms(world: World, login: Callable[[User], Client]) -> None:
    cycle = CycleFactory(instansi=world.instansi_a)
    pegawai = PegawaiFactory(unit=world.unit_a1)
    penetapan = PenetapanFactory(unit=world.unit_a2, cycle=cycle)
    client = login(world.citra)
    for name, obj in [
        ("unit-update", world.unit_a1),
        ("unit-head", world.unit_a1),
        ("pegawai-update", pegawai),
        ("pegawai-transfer", pegawai),
        ("cycle-update", cycle),
        ("penetapan-update", penetapan),
        ("penetapan-designate", penetapan),
    ]:
        response = client.post(reverse(f"unit_kerja:{name}", kwargs={"public_id": obj.public_id}), GARBAGE)
        assert response.status_code == 200, name
    penetapan.refresh_from_db()
    assert penetapan.version == 1


@pytest.mark.parametrize(
    "query",
    [
        {"tahun": "99999999999999999999"},
        {"tahun": "-1", "status": "designated"},
        {"unit": "nope", "tahun": "2026"},
        {"induk": "nope"},
        {"halaman": "last"},
        {"q": "%_\\", "semua": "maybe"},
    ],
)
def test_garbage_query_strings(world: World, login: Callable[[User], Client], query: dict[str, str]) -> None:
    client = login(world.citra)
    for name in [
        "unit_kerja:unit-list",
        "unit_kerja:unit-create",
        "unit_kerja:pegawai-list",
        "unit_kerja:pegawai-create",
        "unit_kerja:penetapan-list",
        "unit_kerja:penetapan-create",
        "unit_kerja:cycle-list",
        "unit_kerja:cycle-create",
    ]:
        assert client.get(reverse(name), query).status_code == 200, name


def test_malformed_object_ids_are_404(world: World, login: Callable[[User], Client]) -> None:
    client = login(world.citra)
    assert client.get("/unit-kerja/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert client.get("/unit-kerja/not-a-uuid/").status_code == 404
    assert client.get("/unit-kerja/penetapan/12/").status_code == 404
