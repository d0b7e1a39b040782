"""Roster pages: list, add, edit, leave, transfer, import."""

from __future__ import annotations

from collections.abc import Callable

from django.test import Client
from django.urls import reverse

from apps.accounts.models import User
from apps.tenancy.models import Membership
from apps.tenancy.roles import Role
from apps.unit_kerja import validators
from apps.unit_kerja.models import Pegawai
from apps.unit_kerja.services.roster import PEGAWAI_ALREADY_LEFT, PEGAWAI_NIP_TAKEN
from tests.conftest import World
from tests.factories import PegawaiFactory, UnitKerjaFactory
from tests.unit_kerja.conftest import NIP_1

Login = Callable[[User], Client]


def _url(name: str, pegawai: Pegawai) -> str:
    return reverse(f"unit_kerja:{name}", kwargs={"public_id": pegawai.public_id})


# -- list ------------------------------------------------------------------------------------------


def test_list_of_narrowed_member_shows_own_subtree_only(world: World, login: Login) -> None:
    own = PegawaiFactory(unit=world.unit_a1, name="Rina Milik A1")
    other = PegawaiFactory(unit=world.unit_a2, name="Sari Milik A2")
    page = login(world.ani).get(reverse("unit_kerja:pegawai-list")).content.decode()
    assert own.name in page
    assert other.name not in page


def test_list_filters_by_unit_search_and_status(world: World, login: Login) -> None:
    PegawaiFactory(unit=world.unit_a1, name="Rina Aktif")
    PegawaiFactory(unit=world.unit_a2, name="Sari Dua")
    PegawaiFactory(unit=world.unit_a1, name="Tono Pergi", is_active=False)
    client = login(world.evi)
    by_unit = client.get(reverse("unit_kerja:pegawai-list"), {"unit": str(world.unit_a2.public_id)}).content.decode()
    assert "Sari Dua" in by_unit
    assert "Rina Aktif" not in by_unit
    by_name = client.get(reverse("unit_kerja:pegawai-list"), {"q": "rina"}).content.decode()
    assert "Rina Aktif" in by_name
    assert "Sari Dua" not in by_name
    assert "Tono Pergi" not in client.get(reverse("unit_kerja:pegawai-list")).content.decode()
    assert "Tono Pergi" in client.get(reverse("unit_kerja:pegawai-list"), {"semua": "on"}).content.decode()


def test_list_pagination_keeps_filters(world: World, login: Login) -> None:
    for i in range(55):
        PegawaiFactory(unit=world.unit_a1, name=f"Pegawai {i:02d}")
    page = login(world.citra).get(reverse("unit_kerja:pegawai-list"), {"q": "Pegawai"}).content.decode()
    assert "?q=Pegawai&amp;halaman=2" in page


def test_list_with_foreign_unit_filter_shows_nothing_foreign(world: World, login: Login) -> None:
    PegawaiFactory(unit=world.unit_b1, name="Warga Beta")
    response = login(world.citra).get(reverse("unit_kerja:pegawai-list"), {"unit": str(world.unit_b1.public_id)})
    assert response.status_code == 200
    assert "Warga Beta" not in response.content.decode()


def test_list_rejects_post_and_role_without_capability(world: World, login: Login) -> None:
    assert login(world.citra).post(reverse("unit_kerja:pegawai-list")).status_code == 405
    Membership.objects.filter(user=world.evi).update(role=Role.PEGAWAI)  # pegawai role: units only
    assert login(world.evi).get(reverse("unit_kerja:pegawai-list")).status_code == 403


# -- create ----------------------------------------------------------------------------------------


def test_operator_adds_pegawai_to_own_unit(world: World, login: Login) -> None:
    response = login(world.ani).post(
        reverse("unit_kerja:pegawai-create"),
        {"unit": str(world.unit_a1.public_id), "nip": "19850101 201001 1 001", "name": "Dewi Sartika"},
    )
    assert response.status_code == 302
    assert Pegawai.unscoped.get(nip=NIP_1).unit_id == world.unit_a1.pk


def test_malformed_nip_shows_error_beside_field(world: World, login: Login) -> None:
    response = login(world.ani).post(
        reverse("unit_kerja:pegawai-create"),
        {"unit": str(world.unit_a1.public_id), "nip": "198501012010013001", "name": "Salah"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_nip_error"' in page
    assert str(validators.NIP_INVALID_SEX) in page
    assert not Pegawai.unscoped.exists()


def test_duplicate_nip_shows_error_beside_field(world: World, login: Login) -> None:
    PegawaiFactory(unit=world.unit_a1, nip=NIP_1)
    response = login(world.ani).post(
        reverse("unit_kerja:pegawai-create"), {"unit": str(world.unit_a1.public_id), "nip": NIP_1, "name": "Dua"}
    )
    assert str(PEGAWAI_NIP_TAKEN) in response.content.decode()
    assert Pegawai.unscoped.count() == 1


def test_operator_cannot_pick_a_unit_outside_subtree(world: World, login: Login) -> None:
    response = login(world.ani).post(
        reverse("unit_kerja:pegawai-create"), {"unit": str(world.unit_a2.public_id), "nip": NIP_1, "name": "Luar"}
    )
    assert response.status_code == 200
    assert 'id="id_unit_error"' in response.content.decode()
    assert not Pegawai.unscoped.exists()


def test_create_permissions_and_methods(world: World, login: Login) -> None:
    assert login(world.evi).get(reverse("unit_kerja:pegawai-create")).status_code == 403
    assert login(world.budi).get(reverse("unit_kerja:pegawai-create")).status_code == 403
    assert login(world.ani).put(reverse("unit_kerja:pegawai-create")).status_code == 405


# -- update ----------------------------------------------------------------------------------------


def test_update_pegawai(world: World, login: Login) -> None:
    pegawai = PegawaiFactory(unit=world.unit_a1, nip=NIP_1)
    response = login(world.ani).post(
        _url("pegawai-update", pegawai),
        {"version": "1", "nip": NIP_1, "name": "Nama Benar", "email": "benar@alfa.go.id"},
    )
    pegawai.refresh_from_db()
    assert response.status_code == 302
    assert (pegawai.name, pegawai.email) == ("Nama Benar", "benar@alfa.go.id")


def test_update_bad_email_is_a_form_error(world: World, login: Login) -> None:
    pegawai = PegawaiFactory(unit=world.unit_a1, nip=NIP_1, name="Tetap")
    response = login(world.ani).post(
        _url("pegawai-update", pegawai), {"version": "1", "nip": NIP_1, "name": "Baru", "email": "x@"}
    )
    assert 'id="id_email_error"' in response.content.decode()
    pegawai.refresh_from_db()
    assert pegawai.name == "Tetap"


def test_update_access(world: World, login: Login) -> None:
    pegawai = PegawaiFactory(unit=world.unit_a1)
    other_unit = PegawaiFactory(unit=world.unit_a2)
    assert login(world.dodi).get(_url("pegawai-update", pegawai)).status_code == 404
    assert login(world.ani).get(_url("pegawai-update", other_unit)).status_code == 404
    assert login(world.evi).get(_url("pegawai-update", pegawai)).status_code == 403
    assert login(world.ani).delete(_url("pegawai-update", pegawai)).status_code == 405


# -- deactivate ------------------------------------------------------------------------------------


def test_deactivate(world: World, login: Login) -> None:
    pegawai = PegawaiFactory(unit=world.unit_a1)
    response = login(world.ani).post(_url("pegawai-deactivate", pegawai))
    pegawai.refresh_from_db()
    assert response.status_code == 302
    assert pegawai.is_active is False


def test_deactivate_twice_shows_message(world: World, login: Login) -> None:
    pegawai = PegawaiFactory(unit=world.unit_a1, is_active=False)
    client = login(world.ani)
    response = client.post(_url("pegawai-deactivate", pegawai), follow=True)
    assert str(PEGAWAI_ALREADY_LEFT) in response.content.decode()


def test_deactivate_access_and_method(world: World, login: Login) -> None:
    pegawai = PegawaiFactory(unit=world.unit_a1)
    assert login(world.ani).get(_url("pegawai-deactivate", pegawai)).status_code == 405
    assert login(world.evi).post(_url("pegawai-deactivate", pegawai)).status_code == 403
    assert login(world.dodi).post(_url("pegawai-deactivate", pegawai)).status_code == 404
    pegawai.refresh_from_db()
    assert pegawai.is_active is True


# -- transfer --------------------------------------------------------------------------------------


def test_transfer_by_admin(world: World, login: Login) -> None:
    pegawai = PegawaiFactory(unit=world.unit_a1)
    response = login(world.citra).post(_url("pegawai-transfer", pegawai), {"unit": str(world.unit_a2.public_id)})
    pegawai.refresh_from_db()
    assert response.status_code == 302
    assert pegawai.unit_id == world.unit_a2.pk


def test_operator_transfers_within_subtree_only(world: World, login: Login) -> None:
    sub = UnitKerjaFactory(parent=world.unit_a1, code="A1-S")
    pegawai = PegawaiFactory(unit=world.unit_a1)
    client = login(world.ani)
    page = client.get(_url("pegawai-transfer", pegawai)).content.decode()
    assert str(sub.public_id) in page
    assert str(world.unit_a2.public_id) not in page
    refused = client.post(_url("pegawai-transfer", pegawai), {"unit": str(world.unit_a2.public_id)})
    assert 'id="id_unit_error"' in refused.content.decode()
    pegawai.refresh_from_db()
    assert pegawai.unit_id == world.unit_a1.pk
    assert client.post(_url("pegawai-transfer", pegawai), {"unit": str(sub.public_id)}).status_code == 302


def test_transfer_access_and_method(world: World, login: Login) -> None:
    pegawai = PegawaiFactory(unit=world.unit_a1)
    assert (
        login(world.dodi).post(_url("pegawai-transfer", pegawai), {"unit": str(world.unit_b1.public_id)}).status_code
        == 404
    )
    assert login(world.evi).get(_url("pegawai-transfer", pegawai)).status_code == 403
    assert login(world.citra).patch(_url("pegawai-transfer", pegawai)).status_code == 405


# -- import ----------------------------------------------------------------------------------------


# The import itself (upload → job page → task): tests/unit_kerja/test_import_jobs.py.


def test_a_stale_pegawai_form_keeps_the_input_and_saves_nothing(world: World, login: Login) -> None:
    pegawai = PegawaiFactory(unit=world.unit_a1, nip=NIP_1, name="Awal")
    client = login(world.ani)
    client.post(_url("pegawai-update", pegawai), {"version": "1", "nip": NIP_1, "name": "Disimpan lebih dulu"})
    stale = client.post(_url("pegawai-update", pegawai), {"version": "1", "nip": NIP_1, "name": "Ketikan saya"})
    body = stale.content.decode()
    assert "Pengguna lain telah menyimpan" in body
    assert 'value="Ketikan saya"' in body
    assert 'name="version" value="2"' in body
    pegawai.refresh_from_db()
    assert pegawai.name == "Disimpan lebih dulu"
