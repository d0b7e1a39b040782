"""The unit state's query shapes (apps/penilaian/selectors.py, apps/penilaian/services/answers.py,
apps/penilaian/access.py) give exactly what their plain ORM querysets give: rows, objects, related
objects and annotations, for a filled LKE with evidence, a return and area assignments, and nothing
of another penilaian or another instansi."""

from __future__ import annotations

import pytest
from django.db import transaction

from apps.audit.guarded import lock
from apps.lke.models import Soal
from apps.penilaian import access, selectors
from apps.penilaian.models import AreaAssignment, Penilaian, Tier
from apps.penilaian.services import answers
from apps.tenancy.scope import scope
from tests.penilaian.conftest import LKEWorld, open_cycle_now
from tests.penilaian.test_worksheet_queries import fill

pytestmark = pytest.mark.usefixtures("a_scope")


def _fields(obj) -> dict:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def _ids(lke: LKEWorld) -> dict[str, int]:
    return {"instansi_id": lke.world.instansi_a.pk, "penilaian_id": lke.penilaian.pk}


@pytest.fixture
def filled(lke: LKEWorld) -> LKEWorld:
    fill(lke, 40)
    for area, user in ((1, lke.world.ani), (1, lke.world.citra), (3, lke.world.citra)):
        AreaAssignment.objects.create(instansi=lke.world.instansi_a, penilaian=lke.penilaian, area=area, assignee=user)
    return lke


def test_the_unit_state_shapes_read_what_the_orm_reads(filled: LKEWorld) -> None:
    ids = _ids(filled)
    rows = selectors._UNIT_ROWS.run(**ids)
    assert rows == list(selectors._unit_rows_query(**ids))
    assert len(rows) == 40
    soal_pk = rows[7][selectors._JAWABAN_FIELDS.index("soal_id")]
    assert selectors._UNIT_ROWS_OF_SOAL.run(**ids, soal_id=soal_pk) == [rows[7]]
    assert sorted(selectors._UNIT_ANSWERS.run(**ids)) == sorted(
        (row[selectors._JAWABAN_FIELDS.index("soal_id")], row[selectors._JAWABAN_FIELDS.index("answer")])
        for row in rows
    )
    # The one-item reading (an autosave) equals the whole reading's answers and row.
    number = selectors.template_soal_numbers(filled.template.pk)[soal_pk]
    one_answers, one_rows = selectors.unit_answers_and_rows(penilaian=filled.penilaian, soal_ids=[number])
    all_answers, all_rows = selectors.unit_answers_and_rows(penilaian=filled.penilaian, soal_ids=None)
    assert one_answers == all_answers
    assert list(one_rows) == [number]
    assert _fields(one_rows[number]) == _fields(all_rows[number])
    assert one_rows[number].updater_name == all_rows[number].updater_name

    links = selectors._UNIT_EVIDENCE.run(**ids)
    expected = list(selectors._unit_evidence_links(**ids))
    assert [(_fields(link), link.soal_pk, _fields(link.buktidukung)) for link in links] == [
        (_fields(link), link.soal_pk, _fields(link.buktidukung)) for link in expected
    ]
    assert len(links) == 8
    soal_pk = links[0].soal_pk
    one = selectors._UNIT_EVIDENCE_OF_SOAL.run(**ids, soal_id=soal_pk)
    assert [link.pk for link in one] == [link.pk for link in expected if link.soal_pk == soal_pk]

    returns = selectors._UNIT_RETURNS.run(**ids)
    assert [_fields(r) for r in returns] == [_fields(r) for r in selectors._unit_returns_query(**ids)]
    assert len(returns) == 1

    assignments = selectors._AREA_ASSIGNMENTS.run(**ids)
    assert [(_fields(a), _fields(a.assignee)) for a in assignments] == [
        (_fields(a), _fields(a.assignee)) for a in selectors._area_assignments_query(**ids)
    ]
    assert len(assignments) == 3
    assert sorted(answers._AREA_ASSIGNEES.run(**ids, area=1)) == sorted([filled.world.ani.pk, filled.world.citra.pk])


def test_the_shapes_read_nothing_of_another_penilaian(filled: LKEWorld) -> None:
    other = Penilaian.objects.create(
        instansi=filled.world.instansi_a,
        unit=filled.world.unit_a2,
        cycle=filled.cycle,
        template=filled.template,
    )
    ids = {"instansi_id": filled.world.instansi_a.pk, "penilaian_id": other.pk}
    for shape in (selectors._UNIT_ROWS, selectors._UNIT_EVIDENCE, selectors._UNIT_RETURNS, selectors._AREA_ASSIGNMENTS):
        assert shape.run(**ids) == []
    # Another instansi's penilaian, in its own scope: its rows only (none here), never A's.
    with scope(filled.world.instansi_b.pk):
        cycle_b = open_cycle_now(filled.world.instansi_b)
        theirs = Penilaian.objects.create(
            instansi=filled.world.instansi_b, unit=filled.world.unit_b1, cycle=cycle_b, template=filled.template
        )
        b_ids = {"instansi_id": filled.world.instansi_b.pk, "penilaian_id": theirs.pk}
        assert selectors._UNIT_ROWS.run(**b_ids) == []
        # A's penilaian id under B's instansi: nothing (the instansi is part of every shape).
        assert selectors._UNIT_ROWS.run(instansi_id=filled.world.instansi_b.pk, penilaian_id=filled.penilaian.pk) == []


def test_the_row_lock_and_the_penilaian_lookups_match_the_orm(filled: LKEWorld) -> None:
    soal = Soal.objects.filter(template=filled.template).order_by("order").first()
    with transaction.atomic():
        found = answers._ROW_FOR_UPDATE[Tier.UNIT].run(**_ids(filled), soal_id=soal.pk, level=0)
        expected = answers._row_for_update(**_ids(filled), soal_id=soal.pk, level=0, tier=Tier.UNIT)
        assert [_fields(r) for r in found] == [_fields(r) for r in expected]
        assert len(found) == 1
        assert answers._ROW_FOR_UPDATE[Tier.TPI].run(**_ids(filled), soal_id=soal.pk, level=0) == []
        locked = lock(filled.penilaian, related=("unit", "cycle", "template"))
        assert _fields(locked) == _fields(Penilaian.objects.get(pk=filled.penilaian.pk))
        assert locked.unit.name == filled.world.unit_a1.name
    actor = filled.actor(filled.world.ani)
    reached = access.access_penilaian(actor, filled.penilaian.public_id)
    assert _fields(reached) == _fields(filled.penilaian)
    assert (reached.unit.path, reached.cycle.tahun, reached.template.pk) == (
        filled.world.unit_a1.path,
        filled.cycle.tahun,
        filled.template.pk,
    )
