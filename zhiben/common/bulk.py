"""Fast bulk inserts for generated and recomputed rows."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Model
from django.utils import timezone


class JSONText(str):
    """A JSON column's value already serialised by the caller (``json.dumps`` of it): ``bulk_insert``
    writes it as it is, not serialised again."""


def bulk_insert(model: type[Model], rows: Iterable[dict[str, Any]], batch_size: int, *, with_ids: bool = False) -> int:
    """Insert field dicts in batches with ``executemany``, in one transaction; returns how many.

    Generated rows skip model instances (a million ``Model.__init__`` calls are most of the cost).
    Every concrete column is written: the row's value, else the field's default, each prepared once
    per column type for the database at hand. ``with_ids``: rows carry their primary key (from
    ``allocate_ids``)."""
    fields = [f for f in model._meta.concrete_fields if with_ids or not f.primary_key]
    now = timezone.now()
    defaults: dict[str, Any] = {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults[f.attname] = now
        elif f.has_default():
            defaults[f.attname] = f.get_default()
        elif f.null or f.primary_key:
            defaults[f.attname] = None
        else:
            defaults[f.attname] = ""
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
    names = [f.attname for f in fields]
    # only the columns whose values need converting pay for a call per cell
    convert = [(i, p) for i, p in enumerate(_preparer(f) for f in fields) if p is not None]
    made = 0
    if connection.vendor == "postgresql":
        return _copy(model, fields, names, defaults, convert, rows)
    with transaction.atomic(), connection.cursor() as cursor:
        batch: list[tuple[Any, ...] | list[Any]] = []
        for row in rows:
            values = [row.get(n, defaults[n]) for n in names]
            for i, p in convert:
                if values[i] is not None:
                    values[i] = p(values[i])
            batch.append(values)
            if len(batch) >= batch_size:
                cursor.executemany(sql, batch)
                made += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            made += len(batch)
    return made


def insert_one(model: type[Model], row: dict[str, Any]) -> int:
    """Insert one row (a field dict, as ``bulk_insert`` takes) and return its new primary key.

    ``INSERT … RETURNING`` from a statement built once per model: the hot write paths (a hazard, its
    event) insert one row per request, and the ORM's building of that statement cost more than running it.
    A field the row does not give takes its default (called, if callable)."""
    sql, names, defaults, made, convert = _insert_plan(model, connection.vendor)
    values = [row[n] if n in row else made[n]() if n in made else defaults[n] for n in names]
    for i, p in convert:
        if values[i] is not None:
            values[i] = p(values[i])
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        return int(cursor.fetchone()[0])


@functools.lru_cache(maxsize=32)
def _insert_plan(
    model: type[Model], vendor: str
) -> tuple[str, list[str], dict[str, Any], dict[str, Any], list[tuple[int, Any]]]:
    """``insert_one``'s statement, column names, constant and callable defaults and converters for
    ``model`` on ``vendor`` (shared by threads: the converters keep no state)."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults: dict[str, Any] = {}
    made: dict[str, Any] = {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            made[f.attname] = timezone.now
        elif f.has_default() and callable(f.default):
            made[f.attname] = f.default
        elif f.has_default():
            defaults[f.attname] = f.get_default()
        else:
            defaults[f.attname] = None if f.null else ""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    pk = connection.ops.quote_name(model._meta.pk.column)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({marks}) RETURNING {pk}"  # noqa: S608 - our own table
    convert = [(i, p) for i, p in enumerate(_preparer(f, memo=False) for f in fields) if p is not None]
    return sql, [f.attname for f in fields], defaults, made, convert


def _copy(
    model: type[Model],
    fields: list[Any],
    names: list[str],
    defaults: dict[str, Any],
    convert: list[tuple[int, Any]],
    rows: Iterable[dict[str, Any]],
) -> int:
    """PostgreSQL: the rows through ``COPY … FROM STDIN`` (psycopg 3), several times faster than
    ``executemany`` for a million rows, in the caller's transaction."""
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
    made = 0
    with transaction.atomic(), connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            values = [row.get(n, defaults[n]) for n in names]
            for i, p in convert:
                if values[i] is not None:
                    values[i] = p(values[i])
            copy.write_row(values)
            made += 1
    return made


def _preparer(field: Any, *, memo: bool = True) -> Any:
    """A converter for one column's non-null values, or None where the driver takes them as they are.
    ``memo``: a timestamp converted once while it repeats (one insert's rows; not thread-safe)."""
    if isinstance(field, models.DateTimeField) and not memo:
        return lambda v: field.get_db_prep_value(v, connection)
    if isinstance(field, models.DateTimeField):
        # rows of one insert share their timestamps (``now``, an event's ``at``): convert each once
        last: list[Any] = [object(), None]

        def prepare(v: Any) -> Any:
            if v is not last[0]:
                last[0], last[1] = v, field.get_db_prep_value(v, connection)
            return last[1]

        return prepare
    if isinstance(field, models.JSONField):
        return lambda v: v if isinstance(v, JSONText) else field.get_db_prep_value(v, connection)
    if isinstance(field, models.DecimalField):
        return lambda v: field.get_db_prep_value(v, connection)
    if isinstance(field, models.DateField) and connection.vendor == "sqlite":
        return lambda v: v.isoformat()
    return None


def allocate_ids(model: type[Model], count: int) -> list[int]:
    """``count`` new primary keys for rows the caller inserts with ``bulk_insert(..., with_ids=True)``,
    so that events can name the rows without reading them back.

    PostgreSQL draws them from the table's sequence. SQLite has one writer at a time: the caller's
    transaction must already have written (holding the write lock), then the keys after the largest
    ever used (AUTOINCREMENT's ``sqlite_sequence``) are free."""
    if count <= 0:
        return []
    table = model._meta.db_table
    pk = model._meta.pk
    assert pk is not None
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, pk.column, count]
            )
            return [int(r[0]) for r in cursor.fetchall()]
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError("allocate ids inside the transaction that inserts the rows")
        quoted = connection.ops.quote_name(table)
        cursor.execute(f"SELECT COALESCE(MAX({connection.ops.quote_name(pk.column)}), 0) FROM {quoted}")  # noqa: S608
        largest = int(cursor.fetchone()[0])
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
        start = max(largest, int(row[0]) if row else 0) + 1
        return list(range(start, start + count))
