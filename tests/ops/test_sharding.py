"""The sharding plan of docs/scale.md stays true to the schema (Citus, distributed by ``instansi_id``).

Citus can distribute a table by a column only when every PRIMARY KEY and UNIQUE constraint of it
includes that column, and a foreign key between two distributed tables includes it on both sides
(co-location); a reference table (copied to every node) may not point at a distributed one. This
test reads the real schema from PostgreSQL's catalogue and lists every key that would block
distributing the tenant tables. It passes only when that list equals the allowlist documented in
docs/scale.md (between the ``citus-blockers`` markers): a new blocker must be either avoided (put
``instansi_id`` in the key) or written down there with the rest of the migration plan.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection

from apps.tenancy import rls
from tests.ops.helpers import ROOT

pytestmark = pytest.mark.django_db

DOC = ROOT / "docs" / "scale.md"
MARKERS = ("<!-- citus-blockers:start -->", "<!-- citus-blockers:end -->")
KEY = "instansi_id"


def _constraints() -> list[tuple[str, str, str, list[str], str | None, list[str]]]:
    """(table, constraint, kind p/u/f, columns, referenced table, referenced columns) in the schema."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT rel.relname, con.conname, con.contype,
                   ARRAY(SELECT att.attname FROM unnest(con.conkey) WITH ORDINALITY AS k(num, ord)
                         JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = k.num ORDER BY k.ord),
                   ref.relname,
                   ARRAY(SELECT att.attname FROM unnest(con.confkey) WITH ORDINALITY AS k(num, ord)
                         JOIN pg_attribute att ON att.attrelid = con.confrelid AND att.attnum = k.num ORDER BY k.ord)
            FROM pg_constraint con
            JOIN pg_class rel ON rel.oid = con.conrelid
            JOIN pg_namespace ns ON ns.oid = rel.relnamespace AND ns.nspname = current_schema()
            LEFT JOIN pg_class ref ON ref.oid = con.confrelid
            WHERE con.contype IN ('p', 'u', 'f')
            UNION ALL
            -- unique indexes that are not constraints (Django's UniqueConstraint with a condition)
            SELECT rel.relname, idx.relname, 'u',
                   ARRAY(SELECT att.attname FROM unnest(ind.indkey) AS k(num)
                         JOIN pg_attribute att ON att.attrelid = ind.indrelid AND att.attnum = k.num),
                   NULL, ARRAY[]::name[]
            FROM pg_index ind
            JOIN pg_class idx ON idx.oid = ind.indexrelid
            JOIN pg_class rel ON rel.oid = ind.indrelid
            JOIN pg_namespace ns ON ns.oid = rel.relnamespace AND ns.nspname = current_schema()
            WHERE ind.indisunique AND NOT ind.indisprimary
              AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = ind.indexrelid)
            """
        )
        return [(t, n, k, list(c), r, list(rc)) for t, n, k, c, r, rc in cursor.fetchall()]


def citus_blockers() -> list[str]:
    """Every key that would block ``create_distributed_table(<tenant table>, 'instansi_id')``, one
    line each, sorted. The primary key ``(id)`` every Django table has is one documented rule
    (``pk (id)``) listed per table too, so a table with any other primary key stands out."""
    tenant = set(rls.tenant_tables())
    lines: set[str] = set()
    for table, _name, kind, columns, ref_table, _ref_columns in _constraints():
        if table in tenant and kind == "p" and KEY not in columns:
            lines.add(f"{table}: pk ({', '.join(columns)})")
        elif table in tenant and kind == "u" and KEY not in columns:
            lines.add(f"{table}: unique ({', '.join(columns)})")
        elif table in tenant and kind == "f" and ref_table in tenant and KEY not in columns:
            lines.add(f"{table}: fk ({', '.join(columns)}) -> {ref_table}")
        elif table not in tenant and kind == "f" and ref_table in tenant:
            # A shared (reference) table may not point at a distributed one.
            lines.add(f"{table} (shared): fk ({', '.join(columns)}) -> {ref_table}")
    return sorted(lines)


def documented_blockers() -> list[str]:
    text = DOC.read_text(encoding="utf-8")
    start, end = (text.index(marker) for marker in MARKERS)
    block = text[start + len(MARKERS[0]) : end]
    return sorted(line.strip() for line in re.findall(r"^\s{0,3}(\S.*)$", block, flags=re.MULTILINE) if ":" in line)


def test_the_keys_that_block_distribution_are_the_documented_ones() -> None:
    found = citus_blockers()
    documented = documented_blockers()
    new = sorted(set(found) - set(documented))
    gone = sorted(set(documented) - set(found))
    assert not new, (
        "keys that would block distributing by instansi_id, not in docs/scale.md (include instansi_id, "
        f"or document them): {new}"
    )
    assert not gone, f"docs/scale.md lists blockers the schema no longer has (remove them): {gone}"


def test_the_check_sees_a_new_blocking_key() -> None:
    """The check really checks: a UNIQUE constraint without instansi_id on a tenant table shows up."""
    table = "unit_kerja_unitkerja"
    with connection.cursor() as cursor:  # DDL inside the test's transaction: rolled back afterwards
        cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT zi_probe_unique_name UNIQUE (name)")
    assert f"{table}: unique (name)" in citus_blockers()
    assert f"{table}: unique (name)" not in documented_blockers()


def test_every_tenant_table_has_the_distribution_column() -> None:
    tenant = rls.tenant_tables()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND column_name = %s AND table_name = ANY(%s)",
            [KEY, tenant],
        )
        with_key: set[Any] = {row[0] for row in cursor.fetchall()}
    assert sorted(set(tenant) - with_key) == []
