"""The fail-closed tenant manager and the scope: the base every isolation guarantee stands on."""

from __future__ import annotations

import pytest

from apps.tenancy.models import CrossTenantWrite
from apps.tenancy.scope import ScopeMissing, scope
from apps.unit_kerja.models import UnitKerja
from tests.conftest import World
from tests.factories import UnitKerjaFactory


def test_objects_refuses_to_run_without_scope(world: World) -> None:
    with pytest.raises(ScopeMissing):
        list(UnitKerja.objects.all())
    with pytest.raises(ScopeMissing):
        UnitKerja.objects.count()
    with pytest.raises(ScopeMissing):
        UnitKerja.objects.filter(code="A1").exists()
    with pytest.raises(ScopeMissing):
        UnitKerja.objects.values_list("code", flat=True).first()
    with pytest.raises(ScopeMissing):
        UnitKerja.objects.filter(code="A1").update(name="x")


def test_national_scope_sees_no_tenant_rows_through_objects(world: World) -> None:
    with scope(national=True), pytest.raises(ScopeMissing):
        list(UnitKerja.objects.all())


def test_scope_filters_to_one_instansi(world: World) -> None:
    with scope(world.instansi_a.pk):
        codes = set(UnitKerja.objects.values_list("code", flat=True))
    assert codes == {"A1", "A2"}
    with scope(world.instansi_b.pk):
        codes = set(UnitKerja.objects.values_list("code", flat=True))
    assert codes == {"B1"}


def test_unscoped_is_the_explicit_escape_hatch(world: World) -> None:
    assert UnitKerja.unscoped.count() == 3


def test_saving_a_row_of_another_instansi_inside_a_scope_is_a_bug(world: World) -> None:
    with scope(world.instansi_b.pk), pytest.raises(CrossTenantWrite):
        UnitKerjaFactory.build(instansi=world.instansi_a, code="X").save()


def test_scope_is_reset_after_the_block(world: World) -> None:
    with scope(world.instansi_a.pk):
        pass
    with pytest.raises(ScopeMissing):
        UnitKerja.objects.count()


def test_reverse_relations_follow_the_scope(world: World) -> None:
    UnitKerjaFactory(parent=world.unit_a1, code="A1-1")
    with scope(world.instansi_a.pk):
        assert [c.code for c in world.unit_a1.children.all()] == ["A1-1"]
