"""The diagnosis and the tim kerja moved out of pendampingan (issue 20) by state alone: their tables,
constraints and indexes in the database are the ones the models describe, under their old names,
and the row-level security still covers every one of them."""

from __future__ import annotations

import pytest
from django.db import connection

from apps.diagnosis.models import Diagnosis, IsuStrategis, LayananUtama, Risiko
from apps.tenancy.rls import tenant_tables
from apps.timkerja.models import AgenPerubahan, AnggotaTim, Perubahan, TimKerja

MOVED = [Diagnosis, LayananUtama, IsuStrategis, Risiko, TimKerja, AnggotaTim, AgenPerubahan, Perubahan]


@pytest.mark.django_db
@pytest.mark.parametrize("model", MOVED, ids=lambda m: m._meta.label)
def test_a_moved_model_keeps_its_table_constraints_and_indexes(model):
    table = model._meta.db_table
    assert table == f"pendampingan_{model._meta.model_name}"
    with connection.cursor() as cursor:
        in_database = connection.introspection.get_constraints(cursor, table)
    for name in [c.name for c in model._meta.constraints] + [i.name for i in model._meta.indexes]:
        assert name in in_database, f"{table}: {name} is in the model, not in the database"
    assert table in tenant_tables()
