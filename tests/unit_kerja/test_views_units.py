"""Unit kerja pages: tree, detail, create/edit, head of unit, import. Owner, outsider, read-only,
wrong method and bad input for each."""

from __future__ import annotations

from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from apps.accounts.models import User
from apps.audit.models import AuditEvent
from apps.unit_kerja import tabular
from apps.unit_kerja.models import ImportJob, UnitKerja
from apps.unit_kerja.services.imports import IMPORT_UNKNOWN_PARENT
from apps.unit_kerja.services.units import UNIT_CODE_TAKEN
from apps.unit_kerja.tasks import run_import_job
from tests.conftest import World
from tests.factories import PegawaiFactory, UnitKerjaFactory
from tests.unit_kerja.conftest import PDF, csv_file

Login = Callable[[User], Client]


def _detail(unit: UnitKerja) -> str:
    return reverse("unit_kerja:unit-detail", kwargs={"public_id": unit.public_id})


# -- list ------------------------------------------------------------------------------------------


def test_tree_lists_units_indented(world: World, login: Login) -> None:
    child = UnitKerjaFactory(parent=world.unit_a1, code="A1-1", name="Subdit Anak")
    response = login(world.citra).get(reverse("unit_kerja:unit-list"))
    page = response.content.decode()
    assert response.status_code == 200
    assert world.unit_a1.name in page
    assert f'class="zi-tree-depth-1"><a href="{_detail(child)}">Subdit Anak' in page
    assert world.unit_b1.name not in page


def test_tree_of_narrowed_member_is_their_subtree(world: World, login: Login) -> None:
    page = login(world.ani).get(reverse("unit_kerja:unit-list")).content.decode()
    assert world.unit_a1.name in page
    assert world.unit_a2.name not in page


def test_tree_rejects_post(world: World, login: Login) -> None:
    assert login(world.citra).post(reverse("unit_kerja:unit-list")).status_code == 405


def test_tree_needs_login(db: None) -> None:
    response = Client().get(reverse("unit_kerja:unit-list"))
    assert response.status_code == 302


# -- create ----------------------------------------------------------------------------------------


def test_create_unit(world: World, login: Login) -> None:
    response = login(world.citra).post(
        reverse("unit_kerja:unit-create"),
        {
            "code": "A3",
            "name": "Biro Hukum",
            "kind": "eselon_ii",
            "parent": str(world.unit_a1.public_id),
            "address": "",
        },
    )
    unit = UnitKerja.unscoped.get(code="A3", instansi=world.instansi_a)
    assert response.status_code == 302
    assert response["Location"] == _detail(unit)
    assert unit.parent_id == world.unit_a1.pk


def test_create_form_prefills_parent_and_offers_only_own_units(world: World, login: Login) -> None:
    url = reverse("unit_kerja:unit-create") + f"?induk={world.unit_a1.public_id}"
    page = login(world.citra).get(url).content.decode()
    assert f'value="{world.unit_a1.public_id}" selected' in page
    assert str(world.unit_b1.public_id) not in page
    assert 'for="id_code"' in page


def test_create_duplicate_code_shows_error_beside_field(world: World, login: Login) -> None:
    response = login(world.citra).post(
        reverse("unit_kerja:unit-create"), {"code": "A1", "name": "Kembar", "kind": "upt"}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_code_error"' in page
    assert str(UNIT_CODE_TAKEN) in page
    assert 'aria-invalid="true"' in page
    assert not UnitKerja.unscoped.filter(name="Kembar").exists()


def test_create_with_foreign_parent_is_a_form_error(world: World, login: Login) -> None:
    response = login(world.citra).post(
        reverse("unit_kerja:unit-create"),
        {"code": "A9", "name": "Aneh", "kind": "upt", "parent": str(world.unit_b1.public_id)},
    )
    assert response.status_code == 200
    assert 'id="id_parent_error"' in response.content.decode()
    assert not UnitKerja.unscoped.filter(code="A9").exists()


def test_create_is_forbidden_to_viewer_and_operator(world: World, login: Login) -> None:
    assert login(world.evi).get(reverse("unit_kerja:unit-create")).status_code == 403
    assert login(world.ani).post(reverse("unit_kerja:unit-create"), {"code": "Q", "name": "Q"}).status_code == 403
    assert not UnitKerja.unscoped.filter(code="Q").exists()


def test_create_rejects_put(world: World, login: Login) -> None:
    assert login(world.citra).put(reverse("unit_kerja:unit-create")).status_code == 405


# -- detail ----------------------------------------------------------------------------------------


def test_detail_shows_children_roster_penetapan_and_history_link(world: World, login: Login) -> None:
    child = UnitKerjaFactory(parent=world.unit_a1, code="A1-1", name="Seksi Anak")
    pegawai = PegawaiFactory(unit=world.unit_a1, name="Rina Kartika")
    response = login(world.citra).get(_detail(world.unit_a1))
    page = response.content.decode()
    assert response.status_code == 200
    assert child.name in page
    assert pegawai.name in page
    assert reverse("audit:object-history", args=["unit_kerja.unitkerja", world.unit_a1.public_id]) in page
    assert reverse("unit_kerja:unit-head", kwargs={"public_id": world.unit_a1.public_id}) in page


def test_detail_for_viewer_has_no_edit_controls(world: World, login: Login) -> None:
    page = login(world.evi).get(_detail(world.unit_a1)).content.decode()
    assert world.unit_a1.name in page
    assert reverse("unit_kerja:unit-update", kwargs={"public_id": world.unit_a1.public_id}) not in page


def test_detail_is_404_for_outsider_and_outside_subtree(world: World, login: Login) -> None:
    assert login(world.dodi).get(_detail(world.unit_a1)).status_code == 404
    assert login(world.ani).get(_detail(world.unit_a2)).status_code == 404
    assert login(world.citra).get(_detail(world.unit_b1)).status_code == 404


def test_detail_rejects_post(world: World, login: Login) -> None:
    assert login(world.citra).post(_detail(world.unit_a1)).status_code == 405


# -- update ----------------------------------------------------------------------------------------


def _update_url(unit: UnitKerja) -> str:
    return reverse("unit_kerja:unit-update", kwargs={"public_id": unit.public_id})


def test_update_moves_unit(world: World, login: Login) -> None:
    response = login(world.citra).post(
        _update_url(world.unit_a2),
        {
            "version": "1",
            "code": "A2",
            "name": "Biro Umum",
            "kind": "eselon_ii",
            "parent": str(world.unit_a1.public_id),
            "is_active": "on",
        },
    )
    world.unit_a2.refresh_from_db()
    assert response.status_code == 302
    assert world.unit_a2.path == f"/{world.unit_a1.pk}/{world.unit_a2.pk}/"


def test_update_form_does_not_offer_own_subtree(world: World, login: Login) -> None:
    child = UnitKerjaFactory(parent=world.unit_a1, code="A1-1")
    page = login(world.citra).get(_update_url(world.unit_a1)).content.decode()
    assert f'<option value="{child.public_id}"' not in page
    assert f'<option value="{world.unit_a2.public_id}"' in page


def test_update_into_own_child_is_refused(world: World, login: Login) -> None:
    child = UnitKerjaFactory(parent=world.unit_a1, code="A1-1")
    response = login(world.citra).post(
        _update_url(world.unit_a1),
        {"version": "1", "code": "A1", "name": "X", "kind": "upt", "parent": str(child.public_id)},
    )
    assert response.status_code == 200
    assert 'id="id_parent_error"' in response.content.decode()
    world.unit_a1.refresh_from_db()
    assert world.unit_a1.parent_id is None
    assert world.unit_a1.name != "X"


def test_update_permissions_and_methods(world: World, login: Login) -> None:
    assert login(world.evi).get(_update_url(world.unit_a1)).status_code == 403
    assert login(world.ani).post(_update_url(world.unit_a1), {"code": "A1", "name": "Z"}).status_code == 403
    assert login(world.dodi).post(_update_url(world.unit_a1), {"code": "A1", "name": "Z"}).status_code == 404
    assert login(world.citra).delete(_update_url(world.unit_a1)).status_code == 405
    world.unit_a1.refresh_from_db()
    assert world.unit_a1.name != "Z"


# -- head ------------------------------------------------------------------------------------------


def _head_url(unit: UnitKerja) -> str:
    return reverse("unit_kerja:unit-head", kwargs={"public_id": unit.public_id})


def test_set_head(world: World, login: Login) -> None:
    pegawai = PegawaiFactory(unit=world.unit_a1, name="Kepala Baru")
    response = login(world.citra).post(_head_url(world.unit_a1), {"head": str(pegawai.public_id)})
    world.unit_a1.refresh_from_db()
    assert response.status_code == 302
    assert world.unit_a1.head_id == pegawai.pk


def test_set_head_with_pegawai_of_other_unit_is_a_form_error(world: World, login: Login) -> None:
    other = PegawaiFactory(unit=world.unit_a2)
    response = login(world.citra).post(_head_url(world.unit_a1), {"head": str(other.public_id)})
    assert response.status_code == 200
    assert 'id="id_head_error"' in response.content.decode()
    world.unit_a1.refresh_from_db()
    assert world.unit_a1.head_id is None


def test_set_head_permissions_and_methods(world: World, login: Login) -> None:
    pegawai = PegawaiFactory(unit=world.unit_a1)
    assert login(world.citra).get(_head_url(world.unit_a1)).status_code == 405
    assert login(world.evi).post(_head_url(world.unit_a1), {"head": str(pegawai.public_id)}).status_code == 403
    assert login(world.dodi).post(_head_url(world.unit_a1), {"head": str(pegawai.public_id)}).status_code == 404
    world.unit_a1.refresh_from_db()
    assert world.unit_a1.head_id is None


# -- import ----------------------------------------------------------------------------------------


def _run_last_import(world: World):
    """What the worker does with the upload's message (the task opens the job's instansi scope)."""
    job = ImportJob.unscoped.filter(instansi=world.instansi_a).latest("created_at")
    run_import_job(instansi_id=job.instansi_id, job_id=job.pk)
    job.refresh_from_db()
    return job


def test_import_units_success(world: World, login: Login) -> None:
    upload = csv_file([["kode", "nama", "kode_induk"], ["A1-7", "Seksi Tujuh", "A1"]])
    client = login(world.citra)
    response = client.post(reverse("unit_kerja:unit-import"), {"file": upload})
    assert response.status_code == 302
    assert not UnitKerja.unscoped.filter(code="A1-7").exists()  # the worker imports it
    job = _run_last_import(world)
    assert response["Location"] == reverse("unit_kerja:import-job", kwargs={"public_id": job.public_id})
    assert (job.kind, job.status, job.created) == ("unit", "done", 1)
    assert UnitKerja.unscoped.filter(code="A1-7", parent=world.unit_a1).exists()
    page = client.get(response["Location"]).content.decode()
    assert 'data-status="done"' in page
    assert reverse("unit_kerja:unit-list") in page
    assert "Seksi Tujuh" in client.get(reverse("unit_kerja:unit-list")).content.decode()
    assert AuditEvent.unscoped.filter(verb="unit_kerja.import").count() == 1


def test_import_units_lists_row_errors_and_saves_nothing(world: World, login: Login) -> None:
    upload = csv_file([["kode", "nama", "kode_induk"], ["OK", "Baik", "A1"], ["BAD", "Buruk", "NOPE"]])
    client = login(world.citra)
    response = client.post(reverse("unit_kerja:unit-import"), {"file": upload})
    job = _run_last_import(world)
    assert job.status == "failed"
    page = client.get(response["Location"]).content.decode()
    assert "<td>3</td>" in page
    assert str(IMPORT_UNKNOWN_PARENT) % {"code": "NOPE"} in page.replace("&ldquo;", "“").replace("&rdquo;", "”")
    assert not UnitKerja.unscoped.filter(code="OK").exists()
    assert not AuditEvent.unscoped.filter(verb="unit_kerja.import").exists()


def test_import_wrong_file_type_fails_on_the_job_page(world: World, login: Login) -> None:
    client = login(world.citra)
    response = client.post(reverse("unit_kerja:unit-import"), {"file": SimpleUploadedFile("u.csv", PDF)})
    job = _run_last_import(world)
    assert job.status == "failed"
    assert job.message == str(tabular.IMPORT_FILE_TYPE)
    assert str(tabular.IMPORT_FILE_TYPE) in client.get(response["Location"]).content.decode()
    assert UnitKerja.unscoped.filter(instansi=world.instansi_a).count() == 2


def test_a_unit_import_job_is_seen_by_who_may_import_units(world: World, login: Login) -> None:
    client = login(world.citra)
    response = client.post(reverse("unit_kerja:unit-import"), {"file": csv_file([["kode", "nama"], ["X", "X"]])})
    url = response["Location"]
    assert client.get(url).status_code == 200
    assert login(world.ani).get(url).status_code == 404  # a unit operator: an instansi-wide job
    assert login(world.evi).get(url).status_code == 403
    assert login(world.dodi).get(url).status_code == 404


def test_import_without_file_is_a_form_error(world: World, login: Login) -> None:
    response = login(world.citra).post(reverse("unit_kerja:unit-import"), {})
    assert response.status_code == 200
    assert 'id="id_file_error"' in response.content.decode()


def test_import_permissions_and_methods(world: World, login: Login) -> None:
    assert login(world.evi).get(reverse("unit_kerja:unit-import")).status_code == 403
    assert login(world.ani).get(reverse("unit_kerja:unit-import")).status_code == 403
    assert login(world.citra).get(reverse("unit_kerja:unit-import")).status_code == 200
    assert login(world.citra).delete(reverse("unit_kerja:unit-import")).status_code == 405
