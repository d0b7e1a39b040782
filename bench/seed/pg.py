"""PostgreSQL helpers of the seed: COPY in text format, the database re-created, constraints
dropped for the load and re-created after it."""

from __future__ import annotations

import io
import time
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from seed.config import BENCH_DATABASE, LOADED_TABLES, log


def esc(value: Any) -> str:
    """One value in COPY's text format."""
    if value is None:
        return r"\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def copy_rows(cursor: Any, table: str, columns: list[str], rows: Iterable[Iterable[Any]], chunk: int = 50_000) -> int:
    """COPY tuples of Python values into ``table``."""
    return copy_lines(cursor, table, columns, ("\t".join(esc(v) for v in row) for row in rows), chunk)


def copy_lines(cursor: Any, table: str, columns: list[str], lines: Iterable[str], chunk: int = 50_000) -> int:
    """COPY pre-formatted lines (tab-separated, already escaped) into ``table``, in chunks."""
    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    batch: list[str] = []
    count = 0
    for line in lines:
        batch.append(line)
        if len(batch) >= chunk:
            cursor.copy_expert(sql, io.StringIO("\n".join(batch) + "\n"))
            count += len(batch)
            batch = []
    if batch:
        cursor.copy_expert(sql, io.StringIO("\n".join(batch) + "\n"))
        count += len(batch)
    return count


def recreate_database(url: str) -> None:
    import psycopg2

    connection = psycopg2.connect(urlunsplit(urlsplit(url)._replace(path="/postgres")))
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [BENCH_DATABASE],
        )
        cursor.execute(f'DROP DATABASE IF EXISTS "{BENCH_DATABASE}"')
        cursor.execute(f'CREATE DATABASE "{BENCH_DATABASE}"')
    connection.close()


def drop_constraints(cursor: Any) -> dict[str, list[str]]:
    """Drop FKs, unique constraints and secondary indexes of the loaded tables; return the DDL to
    re-create them (indexes, then unique constraints, then foreign keys)."""
    tables = LOADED_TABLES
    cursor.execute(
        """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), contype
           FROM pg_constraint WHERE contype IN ('f', 'u') AND connamespace = 'public'::regnamespace
           AND (conrelid::regclass::text = ANY(%s) OR (contype = 'f' AND confrelid::regclass::text = ANY(%s)))""",
        [tables, tables],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        """SELECT i.tablename, i.indexname, i.indexdef FROM pg_indexes i
           WHERE i.schemaname = 'public' AND i.tablename = ANY(%s)
           AND i.indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u', 'x'))""",
        [tables],
    )
    indexes = cursor.fetchall()
    ddl: dict[str, list[str]] = {"index": [], "unique": [], "fk": []}
    for table, name, definition, kind in sorted(constraints, key=lambda c: c[3]):  # f before u
        cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        ddl["fk" if kind == "f" else "unique"].append(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
    for _table, name, definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
        ddl["index"].append(definition)
    return ddl


def restore_constraints(cursor: Any, ddl: dict[str, list[str]]) -> None:
    cursor.execute("SET maintenance_work_mem = '512MB'")
    cursor.execute("SET max_parallel_maintenance_workers = 2")
    for kind in ("index", "unique", "fk"):
        started = time.perf_counter()
        for statement in ddl[kind]:
            cursor.execute(statement)
        log(f"  {len(ddl[kind])} {kind} re-created and checked in {time.perf_counter() - started:.0f} s")
