"""Query shapes: an ORM query compiled to SQL once per process, then run with new values (issue 22).

On this stack the ORM takes longer to build and compile a small query than PostgreSQL takes to run
it (about 1 ms against 0.3–0.6 ms on the bench machine), and the requests people make all day (an
autosave, a worksheet section) run the same few queries with different ids. A shape is written with
the ORM like any other query — the SQL stays the ORM's, follows the models, and runs through the
same database wrapper (the row-level-security state included) — but it is compiled once per process
and database alias; each later run binds its values and executes::

    _ASSIGNMENTS = QueryShape(
        lambda instansi_id, penilaian_id: AreaAssignment.objects.filter(
            instansi_id=instansi_id, penilaian_id=penilaian_id
        ).select_related("assignee")
    )
    rows = _ASSIGNMENTS.run(instansi_id=penilaian.instansi_id, penilaian_id=penilaian.pk)

The rules, each checked:

* Every parameter is an integer (an id) or a UUID (a public id), the type fixed by the parameter's
  name: ``public_id`` and names ending in ``_public_id`` are UUIDs. The shape is compiled twice, with
  two sets of distinct sentinels; the positions that hold each compile's own sentinel (a UUID may be
  compiled to its hex, as on SQLite) become the parameter's slots, bound in the same form, and every
  other position is a constant. A parameter that lands nowhere, or SQL that differs between the two
  compiles, is an error at the first run, never a wrong query.
* A shape that locks (``select_for_update``) runs only inside a transaction, as the ORM's would.
* A shape of tenant rows names ``instansi_id``. It is compiled inside a scope of the sentinel (so
  the scoped manager's own filter becomes a slot too), and a run refuses an ``instansi_id`` other
  than the open scope's: a shape cannot read another instansi's rows any more than ``objects`` can.
* Everything else in the queryset (strings, lists, ordering, limits, and the builder's parameters
  that have a default) is part of the shape.
* A model queryset (``select_related`` included) gives model instances with their annotations, a
  ``values_list`` gives tuples (values with ``flat=True``). ``prefetch_related`` is refused.

``tests/core/test_shapes.py`` holds the mechanism to the ORM; each shape in use is held to its plain
ORM reading by its own app's tests.
"""

from __future__ import annotations

import inspect
import itertools
import re
import threading
import uuid
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.query import (
    FlatValuesListIterable,
    ModelIterable,
    ValuesListIterable,
    get_related_populators,
)
from django.db.models.sql.compiler import SQLCompiler
from django.db.transaction import TransactionManagementError

from apps.tenancy.scope import ScopeMissing, current_scope, scope


@dataclass(frozen=True)
class _Compiled:
    name: str
    prepare: str | None  # PostgreSQL: "PREPARE <name> AS <sql with $n>"; None elsewhere
    execute: str  # "EXECUTE <name>(%s, …)"
    alias: str
    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[int, str, bool], ...]  # (position in params, parameter name, bound as hex)
    compiler: SQLCompiler
    kind: str  # "model", "tuples" or "flat"
    fetch_mode: Any
    locks: bool
    converters: dict[int, Any]  # the compiler's, for its selected columns (as ``results_iter`` gets them)


class QueryShape:
    def __init__(self, build: Callable[..., QuerySet[Any]]) -> None:
        self._build = build
        # Parameters with a default are constants of the shape (``tier=Tier.UNIT``), not slots.
        parameters = inspect.signature(build).parameters.values()
        self._names = tuple(p.name for p in parameters if p.default is inspect.Parameter.empty)
        self._model: type[Model] | None = None
        self._compiled: dict[str, _Compiled] = {}
        self._lock = threading.Lock()

    def run(self, **values: int | uuid.UUID) -> list[Any]:
        if set(values) != set(self._names):
            raise TypeError(f"this shape takes {', '.join(self._names)}; got {', '.join(sorted(values))}")
        for name, value in values.items():
            expected = _type_of(name)
            if type(value) is not expected:
                raise TypeError(f"{name} must be {expected.__name__}, not {type(value).__name__}")
        if "instansi_id" in values:
            active = current_scope()
            if active is None or active.instansi_id != values["instansi_id"]:
                raise ScopeMissing("a shape of tenant rows runs only inside the scope of its instansi_id")
        compiled = self._compiled.get(router.db_for_read(self._model)) if self._model is not None else None
        if compiled is None:
            compiled = self._compile()
        alias = compiled.alias
        params = list(compiled.params)
        for position, name, as_hex in compiled.slots:
            value = values[name]
            params[position] = value.hex if as_hex else value  # type: ignore[union-attr]  # hex: a UUID slot
        connection = connections[alias]
        if compiled.locks and connection.get_autocommit():
            raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
        with connection.cursor() as cursor:
            if compiled.prepare is not None and _may_prepare(connection):
                prepared = _prepared_on(connection)
                if compiled.name not in prepared:
                    cursor.execute(compiled.prepare)  # once per database session
                    prepared.add(compiled.name)
                cursor.execute(compiled.execute, params)
            else:
                cursor.execute(compiled.sql, params)
            rows = cursor.fetchall()
        return _materialise(compiled, rows, alias)

    def _compile(self) -> _Compiled:
        with self._lock:
            # Compiled twice, with two sets of sentinels: a slot is a position holding each run's own
            # sentinel; a constant of the query holds the same value in both, whatever it equals.
            first, first_params = self._compile_with(_sentinels(self._names, 0))
            _second, second_params = self._compile_with(_sentinels(self._names, 1))
            queryset, compiler, sql = first
            if len(first_params) != len(second_params) or sql != _second[2]:
                raise ValueError("the shape's SQL depends on its parameters' values")
            slots = []
            a, b = _sentinels(self._names, 0), _sentinels(self._names, 1)
            for position, (param, other) in enumerate(zip(first_params, second_params, strict=True)):
                for name in self._names:
                    if type(param) is type(a[name]) and param == a[name] and other == b[name]:
                        slots.append((position, name, False))
                    elif isinstance(a[name], uuid.UUID) and param == a[name].hex and other == b[name].hex:
                        slots.append((position, name, True))
            landed = {name for _position, name, _hex in slots}
            if landed != set(self._names):
                missing = ", ".join(sorted(set(self._names) - landed))
                raise ValueError(f"shape parameter(s) {missing} are not parameters of the compiled query")
            locks = bool(queryset.query.select_for_update)
            alias = compiler.using
            if compiler.has_composite_fields([s[0] for s in compiler.select[: compiler.col_count]]):
                raise ValueError("a shape does not select composite fields")
            converters = compiler.get_converters([s[0] for s in compiler.select[: compiler.col_count]])
            name = f"zi_shape_{next(_NAMES)}"
            prepare, execute = _prepared_forms(name, sql, len(first_params), compiler.connection.vendor)
            compiled = _Compiled(
                name,
                prepare,
                execute,
                alias,
                sql,
                tuple(first_params),
                tuple(slots),
                compiler,
                _kind(queryset),
                queryset._fetch_mode,
                locks,
                converters,
            )
            self._model = queryset.model
            self._compiled[alias] = compiled
            return compiled

    def _compile_with(self, sentinels: dict[str, Any]) -> tuple[tuple[QuerySet[Any], SQLCompiler, str], list[Any]]:
        if "instansi_id" in sentinels:
            with scope(sentinels["instansi_id"]):
                queryset = self._build(**sentinels)
        else:
            queryset = self._build(**sentinels)
        if getattr(queryset, "_zi_guarded", False):
            raise ScopeMissing("a shape of tenant rows (Model.objects) must name instansi_id")
        if queryset._prefetch_related_lookups:
            raise ValueError("a shape cannot prefetch: run the related shape itself")
        _kind(queryset)
        compiler = queryset.query.get_compiler(using=router.db_for_read(queryset.model))
        sql, params = compiler.as_sql()
        return (queryset, compiler, sql), list(params)


def _sentinels(names: tuple[str, ...], run: int) -> dict[str, Any]:
    """Sentinels within every integer column's range (a value out of a field's range compiles to an
    empty result), distinct between parameters and between the two compiles."""
    return {
        name: uuid.UUID(int=2**120 + 2 * i + run) if _type_of(name) is uuid.UUID else 32000 - 2 * i - run
        for i, name in enumerate(names)
    }


def _kind(queryset: QuerySet[Any]) -> str:
    kind = {ModelIterable: "model", ValuesListIterable: "tuples", FlatValuesListIterable: "flat"}.get(
        queryset._iterable_class
    )
    if kind is None:
        raise ValueError(f"a shape gives models or values_list rows, not {queryset._iterable_class.__name__}")
    return kind


_NAMES = itertools.count(1)
_PLACEHOLDER = re.compile(r"%%|%s")


def _prepared_forms(name: str, sql: str, count: int, vendor: str) -> tuple[str | None, str]:
    """The shape as a server-side prepared statement (PostgreSQL): Django's ``%s`` placeholders
    become ``$1…$n`` (a literal ``%`` is written ``%%`` in Django's SQL), and a run executes it by
    name with the same parameters, so the database plans it once per session instead of on every
    run (most of a small query's time on the server)."""
    if vendor != "postgresql":
        return None, ""
    numbers = itertools.count(1)
    body = _PLACEHOLDER.sub(lambda m: "%" if m.group(0) == "%%" else f"${next(numbers)}", sql)
    if next(numbers) != count + 1:
        return None, ""
    arguments = ", ".join(["%s"] * count)
    return f"PREPARE {name} AS {body}", (f"EXECUTE {name}({arguments})" if count else f"EXECUTE {name}")


def _may_prepare(connection: Any) -> bool:
    """Not behind a transaction-pooling pgbouncer (``ZI_DB_TRANSACTION_POOLING``, which also turns
    server-side cursors off): there, the next transaction may run on another server session."""
    return not connection.settings_dict.get("DISABLE_SERVER_SIDE_CURSORS")


def _prepared_on(connection: Any) -> set[str]:
    """The shapes prepared on the connection's current database session (a new session, after a
    reconnect, starts empty)."""
    raw = connection.connection
    registry = getattr(connection, "_zi_prepared", None)
    if registry is None or registry[0] is not raw:
        registry = (raw, set())
        connection._zi_prepared = registry
    return registry[1]  # type: ignore[no-any-return]


def forget_prepared(connection: Any) -> None:
    """After a schema change on this connection (migrations): prepare every shape again."""
    if connection.vendor == "postgresql" and getattr(connection, "_zi_prepared", None) is not None:
        connection._zi_prepared = None
        if connection.connection is not None:
            with connection.cursor() as cursor:
                cursor.execute("DEALLOCATE ALL")


def _type_of(name: str) -> type:
    return uuid.UUID if name == "public_id" or name.endswith("_public_id") else int


def _materialise(compiled: _Compiled, rows: list[tuple[Any, ...]], alias: str) -> list[Any]:
    """What the queryset's own iterable would give for these rows (Django's ModelIterable and
    ValuesListIterable, from the compiler kept since the first run)."""
    compiler = compiled.compiler
    if compiler.has_extra_select:
        rows = [row[: compiler.col_count] for row in rows]
    converted: list[Any] = list(compiler.apply_converters(rows, compiled.converters)) if compiled.converters else rows
    if compiled.kind != "model":
        converted = [tuple(row) for row in converted]
    if compiled.kind == "flat":
        return [row[0] for row in converted]
    if compiled.kind == "tuples":
        return converted
    klass_info = compiler.klass_info
    select = compiler.select
    model_cls = klass_info["model"]
    start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    init_list = [column[0].target.attname for column in select[start:end]]
    populators = get_related_populators(klass_info, select, alias, compiled.fetch_mode)
    annotations = compiler.annotation_col_map
    objects: list[Any] = []
    peers: list[Any] = []
    for row in converted:
        obj = model_cls.from_db(alias, init_list, row[start:end], fetch_mode=compiled.fetch_mode)
        if compiled.fetch_mode.track_peers:
            peers.append(weakref.ref(obj))
            obj._state.peers = peers
        for populator in populators:
            populator.populate(row, obj)
        for name, position in (annotations or {}).items():
            setattr(obj, name, row[position])
        objects.append(obj)
    return objects


_EXECUTE = re.compile(r"EXECUTE (zi_shape_\d+)\b", re.IGNORECASE)


def statement_text(sql: str, using: str = "default") -> str:
    """The SQL that a logged ``EXECUTE zi_shape_N(…)`` ran (as prepared on this connection's
    session), for tests and debugging; any other statement as it is."""
    found = _EXECUTE.search(sql)
    if found is None:
        return sql
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements WHERE name = %s", [found.group(1).lower()])
        row = cursor.fetchone()
    return str(row[0]) if row else sql
