"""Fast bulk inserts for generated and recomputed rows."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import connection, models, transaction
from django.db.models import Model
from django.utils import timezone


def bulk_insert(model: type[Model], rows: Iterable[dict[str, Any]], batch_size: int) -> int:
    """Insert field dicts in batches with ``executemany``, in one transaction; returns how many.

    Generated rows skip model instances (a million ``Model.__init__`` calls are most of the cost).
    Every concrete column is written: the row's value, else the field's default, each prepared once
    per column type for the database at hand."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    defaults: dict[str, Any] = {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults[f.attname] = now
        elif f.has_default():
            defaults[f.attname] = f.get_default()
        elif f.null:
            defaults[f.attname] = None
        else:
            defaults[f.attname] = ""
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({columns}) VALUES ({marks})"  # noqa: S608
    prepare = [_preparer(f) for f in fields]
    names = [f.attname for f in fields]
    made = 0
    with transaction.atomic(), connection.cursor() as cursor:
        batch: list[tuple[Any, ...]] = []
        for row in rows:
            batch.append(tuple(p(row.get(n, defaults[n])) for p, n in zip(prepare, names, strict=True)))
            if len(batch) >= batch_size:
                cursor.executemany(sql, batch)
                made += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            made += len(batch)
    return made


def _preparer(field: Any) -> Any:
    """A converter for one column: the identity where the driver takes the value as it is."""
    if isinstance(field, (models.DateTimeField, models.DecimalField, models.JSONField)):
        return lambda v: None if v is None else field.get_db_prep_value(v, connection)
    if isinstance(field, models.DateField) and connection.vendor == "sqlite":
        return lambda v: None if v is None else v.isoformat()
    return lambda v: v
