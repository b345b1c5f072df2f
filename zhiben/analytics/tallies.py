"""Writing the summary counts. Only the hazard services call ``tally_change``, inside their transaction."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection, models, transaction
from django.db.models.functions import Cast, Substr

from zhiben.hazards import rules
from zhiben.hazards.models import ACTIVE_STATUSES, Hazard, Status

from .models import CURRENT, ActiveDeadline, ActiveDeadlineMonth, HazardMonthTally, HazardTally


@dataclass(frozen=True)
class Shape:
    """What one hazard contributes to the counts."""

    region: str
    sector: str
    source: str
    level: str
    cohort: str
    month: str
    active: bool
    closed: bool
    closed_on_time: bool
    listed: bool
    deadline: datetime.date | None


def shape_of(h: Hazard) -> Shape | None:
    if h.status == Status.CANCELLED:
        return None
    return Shape(
        region=h.region_id,
        sector=h.sector_id,
        source=h.source,
        level=h.level,
        cohort=rules.cohort(h),
        month=h.discovered_on.strftime("%Y-%m"),
        active=h.status in ACTIVE_STATUSES,
        closed=h.status == Status.CLOSED,
        closed_on_time=rules.closed_on_time(h),
        listed=h.listed,
        deadline=h.deadline,
    )


def _counters(s: Shape) -> dict[str, int]:
    return {
        "total": 1,
        "active": int(s.active),
        "closed": int(s.closed),
        "closed_on_time": int(s.closed_on_time),
        "listed": int(s.listed),
    }


def _deadline(s: Shape) -> dict[str, int]:
    return {"n": 1} if s.active and s.deadline is not None else {}


@dataclass(frozen=True)
class Spec:
    model: type[models.Model]
    key: Callable[[Shape], tuple[Any, ...]]
    key_fields: tuple[str, ...]
    values: Callable[[Shape], dict[str, int]]
    value_fields: tuple[str, ...]


COUNTER_FIELDS = ("total", "active", "closed", "closed_on_time", "listed")
SPECS = (
    Spec(
        HazardTally,
        lambda s: (s.region, s.sector, s.source, s.level, s.cohort),
        ("region_id", "sector_id", "source", "level", "cohort"),
        _counters,
        COUNTER_FIELDS,
    ),
    Spec(
        HazardMonthTally,
        lambda s: (s.region, s.level, s.month),
        ("region_id", "level", "month"),
        _counters,
        COUNTER_FIELDS,
    ),
    Spec(
        ActiveDeadline,
        lambda s: (s.region, s.sector, s.source, s.level, s.cohort, s.deadline),
        ("region_id", "sector_id", "source", "level", "cohort", "deadline"),
        _deadline,
        ("n",),
    ),
    Spec(
        ActiveDeadlineMonth,
        lambda s: (s.region, s.level, s.month, s.deadline),
        ("region_id", "level", "month", "deadline"),
        _deadline,
        ("n",),
    ),
)


def _upsert_sql(spec: Spec) -> str:
    table = connection.ops.quote_name(spec.model._meta.db_table)
    columns = [*spec.key_fields, "day", *spec.value_fields]
    conflict = ", ".join([*spec.key_fields, "day"])
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in spec.value_fields)
    marks = ", ".join(["%s"] * len(columns))
    return (
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks}) ON CONFLICT ({conflict}) DO UPDATE SET {updates}"  # noqa: S608
    )


def _zeros(fields: tuple[str, ...]) -> Callable[[], dict[str, int]]:
    return lambda: dict.fromkeys(fields, 0)


def tally_change(before: Shape | None, after: Shape | None, *, day: datetime.date | None = None) -> None:
    """Move one hazard's contribution from ``before`` to ``after``: the running totals and the day's delta."""
    if before == after:
        return
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("summary counts must change in the same transaction as the hazard")
    when = day or rules.today()
    with connection.cursor() as cursor:
        for spec in SPECS:
            delta: dict[tuple[Any, ...], dict[str, int]] = defaultdict(_zeros(spec.value_fields))
            for shape, sign in ((before, -1), (after, 1)):
                if shape is None:
                    continue
                values = spec.values(shape)
                if not values:
                    continue
                row = delta[spec.key(shape)]
                for name, value in values.items():
                    row[name] += sign * value
            rows = []
            for key, values in delta.items():
                if any(values.values()):
                    ordered = [values[f] for f in spec.value_fields]
                    rows.append((*key, CURRENT, *ordered))
                    rows.append((*key, when, *ordered))
            if rows:
                cursor.executemany(_upsert_sql(spec), rows)


def rebuild_tallies(*, day: datetime.date | None = None) -> dict[str, int]:
    """Recompute every count from the hazard rows (after a bulk load, or a changed cohort cut-off).

    History before the rebuild is not known to the counts: the rebuild records everything as that
    day's delta, so ``as_of`` reaches back to the day of the last rebuild."""
    when = day or rules.today()
    expected = expected_tallies()
    out: dict[str, int] = {}
    with transaction.atomic():
        for spec in SPECS:
            spec.model._default_manager.all().delete()
            rows = []
            for key, values in expected[spec.model.__name__].items():
                for day_value in (CURRENT, when):
                    rows.append(spec.model(**dict(zip(spec.key_fields, key, strict=True)), day=day_value, **values))
            spec.model._default_manager.bulk_create(rows, batch_size=5000)
            out[spec.model.__name__] = len(rows) // 2
    return out


def expected_tallies() -> dict[str, dict[tuple[Any, ...], dict[str, int]]]:
    """What the running totals should be, computed from the hazard rows with GROUP BY."""
    from django.db.models import Count, Q

    from zhiben.hazards.rules import cohort_expression, q_active, q_closed_on_time

    base = Hazard.objects.exclude(status=Status.CANCELLED).order_by()
    counters = {
        "total": Count("id"),
        "active": Count("id", filter=q_active()),
        "closed": Count("id", filter=Q(status=Status.CLOSED)),
        "closed_on_time": Count("id", filter=q_closed_on_time()),
        "listed": Count("id", filter=~Q(supervision_level="")),
    }
    month = Substr(Cast("discovered_on", models.CharField()), 1, 7)
    annotated = base.annotate(cohort_key=cohort_expression(), month_key=month)
    out: dict[str, dict[tuple[Any, ...], dict[str, int]]] = {}
    rows = annotated.values("region_id", "sector_id", "source", "level", "cohort_key").annotate(**counters)
    out["HazardTally"] = {
        (r["region_id"], r["sector_id"], r["source"], r["level"], r["cohort_key"]): {f: r[f] for f in COUNTER_FIELDS}
        for r in rows
    }
    rows = annotated.values("region_id", "level", "month_key").annotate(**counters)
    out["HazardMonthTally"] = {
        (r["region_id"], r["level"], r["month_key"]): {f: r[f] for f in COUNTER_FIELDS} for r in rows
    }
    active = annotated.filter(q_active(), deadline__isnull=False)
    rows = active.values("region_id", "sector_id", "source", "level", "cohort_key", "deadline").annotate(n=Count("id"))
    out["ActiveDeadline"] = {
        (r["region_id"], r["sector_id"], r["source"], r["level"], r["cohort_key"], r["deadline"]): {"n": r["n"]}
        for r in rows
    }
    rows = active.values("region_id", "level", "month_key", "deadline").annotate(n=Count("id"))
    out["ActiveDeadlineMonth"] = {
        (r["region_id"], r["level"], r["month_key"], r["deadline"]): {"n": r["n"]} for r in rows
    }
    return out


def tally_drift() -> list[str]:
    """Every difference between the running totals and the rows, and between totals and their deltas."""
    expected = expected_tallies()
    problems: list[str] = []
    for spec in SPECS:
        name = spec.model.__name__
        manager = spec.model._default_manager
        fields = [*spec.key_fields, *spec.value_fields]
        current: dict[tuple[Any, ...], dict[str, int]] = {}
        for row in manager.filter(day=CURRENT).values(*fields):
            values = {f: row[f] for f in spec.value_fields}
            if any(values.values()):
                current[tuple(row[k] for k in spec.key_fields)] = values
        want = expected[name]
        for key in sorted(set(current) | set(want), key=str):
            zero = dict.fromkeys(spec.value_fields, 0)
            if current.get(key, zero) != want.get(key, zero):
                problems.append(f"{name} {key}: 汇总 {current.get(key, zero)}，实际 {want.get(key, zero)}")
        sums: dict[tuple[Any, ...], dict[str, int]] = defaultdict(_zeros(spec.value_fields))
        for row in manager.exclude(day=CURRENT).values(*fields):
            acc = sums[tuple(row[k] for k in spec.key_fields)]
            for f in spec.value_fields:
                acc[f] += row[f]
        for key in sorted(set(sums) | set(current), key=str):
            zero = dict.fromkeys(spec.value_fields, 0)
            if dict(sums.get(key, zero)) != current.get(key, zero):
                problems.append(
                    f"{name} {key}: 各日增量之和 {sums.get(key, zero)} 与当前汇总 {current.get(key, zero)} 不符"
                )
    return problems
