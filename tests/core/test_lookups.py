"""``path__under`` (apps/core/lookups.py): the rows ``startswith`` gives, found by index under
row-level security (issue 22)."""

from __future__ import annotations

import pytest
from django.db import connection, transaction

from apps.accounts.models import User
from apps.core.lookups import successor
from apps.tenancy.models import Membership
from apps.tenancy.roles import Role
from apps.tenancy.scope import scope
from apps.unit_kerja.models import UnitKerja
from apps.unit_kerja.selectors import unit_kerja_visible
from tests.conftest import World
from tests.factories import UnitKerjaFactory, UserFactory

MAX = chr(0x10FFFF)


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [("/1/7/", "/1/70"), ("a", "b"), ("/1/9", "/1/:"), ("é", "ê"), (f"ab{MAX}", "ac"), (MAX, None), ("", None)],
)
def test_successor_is_the_first_string_after_every_extension(prefix: str, expected: str | None) -> None:
    assert successor(prefix) == expected


def test_under_finds_exactly_the_rows_startswith_finds(db: None) -> None:
    # Emails the way paths and codes nest: shared prefixes, a digit after the prefix's last character,
    # the character right after it, non-ASCII and the last code point.
    local_parts = ["ab", "ab1", "ab/", "ab0", "ab9", "ab:", "abé", "ac", "a", "aB", "b", f"ab{MAX}", f"ab{MAX}x", "é1"]
    for local in local_parts:
        UserFactory(email=f"{local}@under.test")
    for prefix in ["a", "ab", "ab/", "ab9", "abé", "é", f"ab{MAX}", "", "zzz"]:
        under = set(User.objects.filter(email__under=prefix).values_list("email", flat=True))
        starts = set(User.objects.filter(email__startswith=prefix).values_list("email", flat=True))
        assert under == starts, prefix


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the plan is PostgreSQL's")
def test_a_narrowed_members_subtree_is_an_index_range_under_rls(world: World) -> None:
    """Under the tenant policy a LIKE is only a filter (not leakproof); ``under`` is an index condition."""
    child = UnitKerjaFactory(instansi=world.instansi_a, parent=world.unit_a1, code="A1-1", name="Seksi A1-1")
    # The rest of a large instansi beside the member's subtree, so that the planner weighs the index.
    UnitKerja.objects.bulk_create(
        UnitKerja(
            instansi=world.instansi_a,
            parent=world.unit_a2,
            code=f"A2-{i}",
            name=f"Seksi {i}",
            path=f"{world.unit_a2.path}{10_000 + i}/",
            depth=world.unit_a2.depth + 1,
        )
        for i in range(400)
    )
    actor = Membership.objects.get(user=world.ani, instansi=world.instansi_a, role=Role.TIM_KERJA)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {UnitKerja._meta.db_table}")  # as the owner: the app role may not
    with scope(world.instansi_a.pk), transaction.atomic():
        visible = unit_kerja_visible(actor=actor).order_by()
        assert set(visible.values_list("pk", flat=True)) == {world.unit_a1.pk, child.pk}
        plan = visible.explain()
    assert "unit_kerja_inst_path_like" in plan
    assert "~>=~" in plan.split("Index Cond", 1)[1].split("\n", 1)[0]
