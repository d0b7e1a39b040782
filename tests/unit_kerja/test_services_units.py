"""Unit kerja register: create, update, tree paths, moves, head of unit, and who may do what."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from apps.audit.models import AuditEvent
from apps.core.errors import PermissionDeniedError
from apps.tenancy.models import Membership
from apps.unit_kerja.models import UnitKerja, UnitKind
from apps.unit_kerja.services.units import (
    MAX_UNIT_DEPTH,
    UNIT_CODE_REQUIRED,
    UNIT_CODE_TAKEN,
    UNIT_HEAD_NOT_MEMBER,
    UNIT_PARENT_CYCLE,
    UNIT_TOO_DEEP,
    unit_kerja_create,
    unit_kerja_set_head,
    unit_kerja_update,
)
from tests.conftest import World
from tests.factories import PegawaiFactory, UnitKerjaFactory


def test_create_sets_path_and_depth_and_audits(world: World, in_scope, citra_m: Membership) -> None:
    with in_scope(world.instansi_a):
        child = unit_kerja_create(
            actor=citra_m, code=" A1-1 ", name="Subdit Layanan", kind=UnitKind.UPT, parent=world.unit_a1
        )
        grandchild = unit_kerja_create(actor=citra_m, code="A1-1-1", name="Seksi", parent=child)
        event = AuditEvent.objects.get(verb="unit_kerja.create", object_id=child.public_id)
    assert child.code == "A1-1"
    assert child.path == f"{world.unit_a1.path}{child.pk}/"
    assert child.depth == 1
    assert grandchild.path == f"/{world.unit_a1.pk}/{child.pk}/{grandchild.pk}/"
    assert grandchild.depth == 2
    assert event.after["code"] == "A1-1"
    assert event.after["parent"] == str(world.unit_a1.public_id)


def test_create_at_top_level(world: World, in_scope, citra_m: Membership) -> None:
    with in_scope(world.instansi_a):
        unit = unit_kerja_create(actor=citra_m, code="ROOT", name="Sekretariat Jenderal")
    assert unit.path == f"/{unit.pk}/"
    assert unit.depth == 0
    assert unit.parent is None


def test_duplicate_code_is_refused_beside_the_field(world: World, in_scope, citra_m: Membership) -> None:
    with in_scope(world.instansi_a), pytest.raises(ValidationError) as excinfo:
        unit_kerja_create(actor=citra_m, code="A1", name="Kembar")
    assert excinfo.value.message_dict["code"] == [str(UNIT_CODE_TAKEN)]
    assert UnitKerja.unscoped.filter(name="Kembar").count() == 0


def test_same_code_in_another_instansi_is_fine(world: World, in_scope, citra_m: Membership) -> None:
    # B1 exists in instansi B only; codes are unique per instansi.
    with in_scope(world.instansi_a):
        unit = unit_kerja_create(actor=citra_m, code="B1", name="Unit dengan kode sama")
    assert unit.instansi_id == world.instansi_a.pk


def test_blank_code_is_refused(world: World, in_scope, citra_m: Membership) -> None:
    with in_scope(world.instansi_a), pytest.raises(ValidationError) as excinfo:
        unit_kerja_create(actor=citra_m, code="  ", name="Tanpa kode")
    assert excinfo.value.message_dict["code"] == [str(UNIT_CODE_REQUIRED)]


def test_create_needs_unit_manage(world: World, in_scope, evi_m: Membership, ani_m: Membership) -> None:
    for actor in (evi_m, ani_m):
        with in_scope(world.instansi_a), pytest.raises(PermissionDeniedError):
            unit_kerja_create(actor=actor, code="X", name="X", parent=world.unit_a1)
    assert not UnitKerja.unscoped.filter(code="X").exists()


def test_move_rewrites_the_whole_subtree(world: World, in_scope, citra_m: Membership) -> None:
    a1 = world.unit_a1
    child = UnitKerjaFactory(parent=a1, code="C")
    grandchild = UnitKerjaFactory(parent=child, code="G")
    with in_scope(world.instansi_a):
        unit_kerja_update(actor=citra_m, unit=child, data={"parent": world.unit_a2})
        child.refresh_from_db()
        grandchild.refresh_from_db()
        event = AuditEvent.objects.get(verb="unit_kerja.update", object_id=child.public_id)
    assert child.parent_id == world.unit_a2.pk
    assert child.path == f"/{world.unit_a2.pk}/{child.pk}/"
    assert grandchild.path == f"/{world.unit_a2.pk}/{child.pk}/{grandchild.pk}/"
    assert (child.depth, grandchild.depth) == (1, 2)
    assert event.before["parent"] == str(a1.public_id)
    assert event.after["parent"] == str(world.unit_a2.public_id)


def test_move_to_top_level(world: World, in_scope, citra_m: Membership) -> None:
    child = UnitKerjaFactory(parent=world.unit_a1, code="C")
    grandchild = UnitKerjaFactory(parent=child, code="G")
    with in_scope(world.instansi_a):
        unit_kerja_update(actor=citra_m, unit=child, data={"parent": None})
    grandchild.refresh_from_db()
    assert grandchild.path == f"/{child.pk}/{grandchild.pk}/"
    assert grandchild.depth == 1


@pytest.mark.parametrize("target", ["self", "grandchild"])
def test_move_under_own_subtree_is_refused(world: World, in_scope, citra_m: Membership, target: str) -> None:
    child = UnitKerjaFactory(parent=world.unit_a1, code="C")
    grandchild = UnitKerjaFactory(parent=child, code="G")
    new_parent = child if target == "self" else grandchild
    with in_scope(world.instansi_a), pytest.raises(ValidationError) as excinfo:
        unit_kerja_update(actor=citra_m, unit=child, data={"parent": new_parent, "name": "Diubah"})
    assert excinfo.value.message_dict["parent"] == [str(UNIT_PARENT_CYCLE)]
    child.refresh_from_db()
    assert child.parent_id == world.unit_a1.pk
    assert child.name != "Diubah"


def test_update_fields_and_code_uniqueness(world: World, in_scope, citra_m: Membership) -> None:
    with in_scope(world.instansi_a):
        unit_kerja_update(
            actor=citra_m, unit=world.unit_a1, data={"name": "Direktorat Baru", "address": " Jl. Merdeka 1 "}
        )
        with pytest.raises(ValidationError) as excinfo:
            unit_kerja_update(actor=citra_m, unit=world.unit_a1, data={"code": "A2"})
    world.unit_a1.refresh_from_db()
    assert world.unit_a1.name == "Direktorat Baru"
    assert world.unit_a1.address == "Jl. Merdeka 1"
    assert world.unit_a1.code == "A1"
    assert excinfo.value.message_dict["code"] == [str(UNIT_CODE_TAKEN)]


def test_update_without_change_writes_no_audit(world: World, in_scope, citra_m: Membership) -> None:
    with in_scope(world.instansi_a):
        unit_kerja_update(actor=citra_m, unit=world.unit_a1, data={"name": world.unit_a1.name})
        assert not AuditEvent.objects.filter(verb="unit_kerja.update").exists()


def test_tree_too_deep_is_refused(world: World, in_scope, citra_m: Membership) -> None:
    parent = world.unit_a1
    for level in range(MAX_UNIT_DEPTH):
        parent = UnitKerjaFactory(parent=parent, code=f"L{level}")
    with in_scope(world.instansi_a), pytest.raises(ValidationError) as excinfo:
        unit_kerja_create(actor=citra_m, code="TOO-DEEP", name="Terlalu dalam", parent=parent)
    assert excinfo.value.message_dict["parent"] == [str(UNIT_TOO_DEEP)]
    assert not UnitKerja.unscoped.filter(code="TOO-DEEP").exists()


def test_set_head_must_be_active_pegawai_of_the_unit(world: World, in_scope, citra_m: Membership) -> None:
    own = PegawaiFactory(unit=world.unit_a1)
    other = PegawaiFactory(unit=world.unit_a2)
    with in_scope(world.instansi_a):
        unit_kerja_set_head(actor=citra_m, unit=world.unit_a1, pegawai=own)
        with pytest.raises(ValidationError) as excinfo:
            unit_kerja_set_head(actor=citra_m, unit=world.unit_a1, pegawai=other)
        event = AuditEvent.objects.get(verb="unit_kerja.set_head")
    world.unit_a1.refresh_from_db()
    assert world.unit_a1.head_id == own.pk
    assert excinfo.value.message_dict["head"] == [str(UNIT_HEAD_NOT_MEMBER)]
    assert event.after == {"head": str(own.public_id)}


def test_clear_head(world: World, in_scope, citra_m: Membership) -> None:
    own = PegawaiFactory(unit=world.unit_a1)
    with in_scope(world.instansi_a):
        unit_kerja_set_head(actor=citra_m, unit=world.unit_a1, pegawai=own)
        unit_kerja_set_head(actor=citra_m, unit=world.unit_a1, pegawai=None)
    world.unit_a1.refresh_from_db()
    assert world.unit_a1.head_id is None
