"""Writing the summary counts. The hazard services feed them through the ``tallies_changed`` hook
(zhiben/common/hooks.py) inside their transaction; ``AnalyticsConfig.ready`` connects ``tally_change_many``.
What one hazard contributes (its ``Shape``) is the hazard register's declaration (zhiben/hazards/tallies.py)."""

from __future__ import annotations

import datetime
import functools
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import Case, Count, F, Q, QuerySet, Value, When
from django.db.models.functions import Cast, Length, Substr

from zhiben.common import kit
from zhiben.common.bulk import bulk_insert
from zhiben.hazards import rules
from zhiben.hazards.models import Hazard, Status
from zhiben.hazards.rules import clock_expression, cohort_expression, q_active, q_closed_on_time, q_listed
from zhiben.hazards.tallies import Shape

from .models import (
    CURRENT,
    PAST,
    ActiveDeadline,
    ActiveDeadlineMonth,
    ClosedLoopTally,
    EnterpriseDeadline,
    HazardMonthTally,
    HazardTally,
    SummaryRebuild,
)


# What a shape adds to a key's value fields, in ``Spec.value_fields`` order; None when it adds nothing.
def _counters(s: Shape) -> tuple[int, ...]:
    return (1, int(s.active), int(s.closed), int(s.closed_on_time), int(s.listed))


def _deadline(s: Shape) -> tuple[int, ...] | None:
    return (1,) if s.active and s.deadline is not None else None


def _enterprise_deadline(s: Shape) -> tuple[int, ...] | None:
    return (1, int(s.level == "major")) if s.active and s.deadline is not None else None


REVIEW, REVIEW_LISTED, STOCK_CLOSED = "review", "review_listed", "stock_closed"


def _facts(s: Shape) -> list[tuple[str, datetime.date]]:
    """The closed loop's dated facts of one hazard (``ClosedLoopTally``): its pending review by submission
    day, its stock close-out by close-out day."""
    out = []
    if s.submitted_on is not None:
        out.append((REVIEW_LISTED if s.listed else REVIEW, s.submitted_on))
    if s.stock_closed_on is not None:
        out.append((STOCK_CLOSED, s.stock_closed_on))
    return out


DEPTHS = {2: 1, 4: 2, 6: 3, 9: 4}


def nodes(region: str) -> list[tuple[str, int]]:
    """The region and its ancestors, with their depth: where a hazard there is counted."""
    return [(region[:n], d) for n, d in DEPTHS.items() if n <= len(region)]


def _dims(s: Shape) -> list[tuple[str, str]]:
    return [("all", ""), ("sector", s.sector), ("source", s.source)]


@dataclass(frozen=True)
class Spec:
    model: type[models.Model]
    # A shape's keys, its region first when ``rollup``: the key is then counted at the region and each of
    # its ancestors (``nodes``), as ``(node, depth, *rest)`` in the table. Summing at the region first and
    # rolling up once per distinct key costs an import a quarter of the work of expanding every hazard.
    keys: Callable[[Shape], list[tuple[Any, ...]]]
    key_fields: tuple[str, ...]
    values: Callable[[Shape], tuple[int, ...] | None]  # in ``value_fields`` order
    value_fields: tuple[str, ...]
    history: bool = True  # a delta row per day beside the running totals (for ``as_of``)
    rollup: bool = True


COUNTER_FIELDS = ("total", "active", "closed", "closed_on_time", "listed")
SPECS = (
    Spec(
        HazardTally,
        lambda s: [(s.region, dim, v, s.level, s.cohort) for dim, v in _dims(s)],
        ("node", "depth", "dim", "dim_value", "level", "cohort"),
        _counters,
        COUNTER_FIELDS,
    ),
    Spec(
        HazardMonthTally,
        lambda s: [(s.region, s.level, s.month)],
        ("node", "depth", "level", "month"),
        _counters,
        COUNTER_FIELDS,
    ),
    Spec(
        ActiveDeadline,
        lambda s: [(s.region, dim, v, s.level, s.cohort, s.deadline) for dim, v in _dims(s)],
        ("node", "depth", "dim", "dim_value", "level", "cohort", "deadline"),
        _deadline,
        ("n",),
    ),
    Spec(
        ActiveDeadlineMonth,
        lambda s: [(s.region, s.level, s.month, s.deadline)],
        ("node", "depth", "level", "month", "deadline"),
        _deadline,
        ("n",),
    ),
    Spec(
        ClosedLoopTally,
        lambda s: [
            (s.region, dim, v, s.level, kind, on)
            for dim, v in (("all", ""), ("sector", s.sector))
            for kind, on in _facts(s)
        ],
        ("node", "depth", "dim", "dim_value", "level", "kind", "fact_on"),
        lambda s: (1,) if _facts(s) else None,
        ("n",),
        history=False,
    ),
    Spec(
        EnterpriseDeadline,
        lambda s: [(s.enterprise, s.region, s.sector, s.deadline)],
        ("enterprise_id", "node", "sector", "deadline"),
        _enterprise_deadline,
        ("n", "major"),
        history=False,
        rollup=False,
    ),
)
HISTOGRAMS = (SPECS[2], SPECS[3], SPECS[5])


UPSERT_ROWS = 500  # rows per statement on SQLite (it binds at most 32,766 values)
TOGETHER = 50  # up to this many records' changes, all tables in one statement (PostgreSQL)


@functools.lru_cache(maxsize=256)
def _upsert_sql(spec: Spec, rows: int) -> str:
    """A statement adding deltas to ``spec``'s table, a row per key, stripe and day: on PostgreSQL from
    one JSON array of rows (a short text the driver parses once and caches, and one parameter serialised
    by the json module's C code, whatever the number of rows), on SQLite with ``rows`` rows of values."""
    table = connection.ops.quote_name(spec.model._meta.db_table)
    columns = [*spec.key_fields, "stripe", "day", *spec.value_fields]
    conflict = ", ".join([*(f for f in spec.key_fields if f != "depth"), "day", "stripe"])
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in spec.value_fields)
    if connection.vendor == "postgresql":
        types = {f.column: f.db_type(connection) for f in spec.model._meta.concrete_fields}
        cells = ", ".join(f"(r->>{i})::{types[c]}" for i, c in enumerate(columns))
        # A function scan yields the array's elements in order: rows are locked in the caller's (sorted) order.
        source = f"SELECT {cells} FROM json_array_elements(%s::json) AS a(r)"  # noqa: S608 - our columns and types
    else:
        source = "VALUES " + ", ".join([f"({', '.join(['%s'] * len(columns))})"] * rows)
    return f"INSERT INTO {table} ({', '.join(columns)}) {source} ON CONFLICT ({conflict}) DO UPDATE SET {updates}"


@functools.lru_cache(maxsize=64)
def _upsert_all_sql(specs: tuple[Spec, ...]) -> str:
    """PostgreSQL: one statement upserting into each of ``specs``' tables (a data-modifying CTE each)."""
    parts = [f"t{n} AS ({_upsert_sql(spec, 0)})" for n, spec in enumerate(specs)]
    return f"WITH {', '.join(parts)} SELECT 1"


def _upsert(cursor: Any, batches: list[tuple[Spec, list[tuple[Any, ...]]]]) -> None:
    """Add each batch's rows (key, stripe, day, values) to its spec's table, in their order (sorted by
    the caller). On PostgreSQL all of them in one statement (one round trip for a hazard's counts)."""
    if connection.vendor == "postgresql":
        params = [json.dumps(rows, default=str) for _, rows in batches]  # dates as YYYY-MM-DD
        cursor.execute(_upsert_all_sql(tuple(spec for spec, _ in batches)), params)
        return
    for spec, rows in batches:
        for at in range(0, len(rows), UPSERT_ROWS):
            part = rows[at : at + UPSERT_ROWS]
            cursor.execute(_upsert_sql(spec, len(part)), [v for row in part for v in row])


def stripe() -> int:
    """The stripe this database session adds to: on PostgreSQL its backend's process id modulo
    ``ZHIBEN["TALLY_STRIPES"]`` (the server's sessions, each a thread's connection, then fall on
    different rows: hazards recorded at once in sixteen counties do not queue on their province's row);
    0 on SQLite, whose writers take turns anyway."""
    if connection.vendor != "postgresql":
        return 0
    connection.ensure_connection()
    return int(connection.connection.info.backend_pid) % max(1, int(settings.ZHIBEN["TALLY_STRIPES"]))


def _zeros(fields: tuple[str, ...]) -> Callable[[], dict[str, int]]:
    return lambda: dict.fromkeys(fields, 0)


def tally_change(before: Shape | None, after: Shape | None, *, day: datetime.date | None = None) -> None:
    """Move one hazard's contribution from ``before`` to ``after``: the running totals and the day's delta."""
    if before != after:
        tally_change_many([(before, after)], day=day)


def tally_change_many(
    changes: Iterable[tuple[Shape | None, Shape | None]], *, day: datetime.date | None = None
) -> None:
    """Several hazards' changes (an import) summed per key first: one upsert per key, not per hazard."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("summary counts must change in the same transaction as the hazard")
    when = day or rules.today()
    pairs = [(b, a) for b, a in changes if b != a]
    if not pairs:
        return
    lane = stripe()
    batches: list[tuple[Spec, list[tuple[Any, ...]]]] = []
    # A few records' changes (a service): every table in one statement. An import's: a table at a time,
    # its rows freed before the next table's are built.
    together = len(pairs) <= TOGETHER
    for spec in SPECS:
        # A deadline already past on the day of the change is stored folded (as the nightly fold would):
        # every figure asked for that day or later counts it overdue either way, and an import of an
        # old ledger then touches a row per key, not one per key and deadline day.
        at = spec.key_fields.index("deadline") - (1 if spec.rollup else 0) if spec in HISTOGRAMS else None
        summed: dict[tuple[Any, ...], list[int]] = {}
        for before, after in pairs:
            for shape, sign in ((before, -1), (after, 1)):
                if shape is None:
                    continue
                values = spec.values(shape)
                if not values:
                    continue
                vector = [sign * v for v in values]
                for key in spec.keys(shape):
                    if at is not None and key[at] < when:
                        key = (*key[:at], PAST, *key[at + 1 :])
                    _add(summed, key, vector)
        if spec.rollup:
            delta: dict[tuple[Any, ...], list[int]] = {}
            for (region, *rest), vector in summed.items():
                for node, depth in nodes(region):
                    _add(delta, (node, depth, *rest), vector)
        else:
            delta = summed
        rows = []
        for key, ordered in delta.items():
            if any(ordered):
                rows.append((*key, lane, CURRENT, *ordered))
                if spec.history:
                    rows.append((*key, lane, when, *ordered))
        # In key order, the tables in one order: two writers of one stripe lock its rows in the same
        # order (no deadlock); a statement per table (one in all on PostgreSQL), not one per row.
        rows.sort()
        if rows and together:
            batches.append((spec, rows))
        elif rows:
            with connection.cursor() as cursor:
                _upsert(cursor, [(spec, rows)])
        del summed, delta, rows
    if batches:
        with connection.cursor() as cursor:
            _upsert(cursor, batches)


def _add(sums: dict[tuple[Any, ...], list[int]], key: tuple[Any, ...], vector: list[int]) -> None:
    """Add ``vector`` to the sum kept for ``key`` (a copy of it for a new key)."""
    row = sums.get(key)
    if row is None:
        sums[key] = vector.copy()
    else:
        for i, v in enumerate(vector):
            row[i] += v


# The count tables this engine keeps, by the subject a register's ``kit.TallySource`` declares: a register
# declaring another subject fails the system checks (checks.py) rather than counting nowhere.
ENGINES: dict[str, Callable[..., None]] = {"hazard": tally_change_many}


def counted_hazards() -> QuerySet[Hazard]:
    """The hazards the counts must equal: the hazard register's declaration (``kit.TallySource.counted``)."""
    source = kit.get("hazard").tallies
    if source is None:
        raise RuntimeError("the hazard register declares no tallies")
    qs: QuerySet[Hazard] = source.counted()
    return qs


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
            # Histograms arrive folded (past deadlines in one row): as_of cannot reach before today anyway.
            rows = _fold(expected[spec.model.__name__], spec, when)
            fields = spec.key_fields
            days = (CURRENT, when) if spec.history else (CURRENT,)
            records = (
                {**dict(zip(fields, key, strict=True)), "day": day_value, **values}
                for key, values in rows.items()
                for day_value in days
            )
            out[spec.model.__name__] = bulk_insert(spec.model, records, 5000) // len(days)
        SummaryRebuild.objects.create(day=when)
    return out


def expected_tallies() -> dict[str, dict[tuple[Any, ...], dict[str, int]]]:
    """What the running totals should be, computed from the hazard rows with GROUP BY at every depth."""
    counters = {
        "c_total": Count("id"),
        "c_active": Count("id", filter=q_active()),
        "c_closed": Count("id", filter=Q(status=Status.CLOSED)),
        "c_closed_on_time": Count("id", filter=q_closed_on_time()),
        "c_listed": Count("id", filter=q_listed()),
    }
    month = Substr(Cast("discovered_on", models.CharField()), 1, 7)
    out: dict[str, dict[tuple[Any, ...], dict[str, int]]] = {spec.model.__name__: {} for spec in SPECS}
    for length, depth in DEPTHS.items():
        base = (
            counted_hazards()
            .order_by()
            .annotate(region_length=Length("region_id"))
            .filter(region_length__gte=length)
            .annotate(node_key=Substr("region_id", 1, length), cohort_key=cohort_expression(), month_key=month)
        )
        # the due day each active hazard's overdue runs against (rules.clock), as the services count it
        active = base.filter(q_active()).annotate(clock=clock_expression()).filter(clock__isnull=False)
        for dim, column in (("all", None), ("sector", "sector_id"), ("source", "source")):
            dim_value: Any = F(column) if column else Value("")
            rows = base.annotate(dv=dim_value).values("node_key", "dv", "level", "cohort_key").annotate(**counters)
            for r in rows:
                key = (r["node_key"], depth, dim, r["dv"], r["level"], r["cohort_key"])
                out["HazardTally"][key] = {f: r[f"c_{f}"] for f in COUNTER_FIELDS}
            rows = (
                active.annotate(dv=dim_value)
                .values("node_key", "dv", "level", "cohort_key", "clock")
                .annotate(c_n=Count("id"))
            )
            for r in rows:
                hkey = (r["node_key"], depth, dim, r["dv"], r["level"], r["cohort_key"], r["clock"])
                out["ActiveDeadline"][hkey] = {"n": r["c_n"]}
        for r in base.values("node_key", "level", "month_key").annotate(**counters):
            out["HazardMonthTally"][(r["node_key"], depth, r["level"], r["month_key"])] = {
                f: r[f"c_{f}"] for f in COUNTER_FIELDS
            }
        for r in active.values("node_key", "level", "month_key", "clock").annotate(c_n=Count("id")):
            out["ActiveDeadlineMonth"][(r["node_key"], depth, r["level"], r["month_key"], r["clock"])] = {"n": r["c_n"]}
    per_enterprise = (
        Hazard.objects.filter(q_active())
        .annotate(clock=clock_expression())
        .filter(clock__isnull=False)
        .order_by()
        .values_list("enterprise_id", "region_id", "sector_id", "clock")
        .annotate(c_n=Count("id"), c_major=Count("id", filter=Q(level="major")))
    )
    out["EnterpriseDeadline"] = {(e, r, s, d): {"n": n, "major": m} for e, r, s, d, n, m in per_enterprise}
    out["ClosedLoopTally"] = _expected_facts()
    return out


def _expected_facts() -> dict[tuple[Any, ...], dict[str, int]]:
    """``ClosedLoopTally`` as the rows say: pending reviews by submission day (listed or not), closed
    stock major hazards by close-out day, at every depth, along all and sector."""
    review = Case(When(q_listed(), then=Value(REVIEW_LISTED)), default=Value(REVIEW), output_field=models.CharField())
    facts = (
        counted_hazards()
        .filter(status=Status.PENDING_REVIEW, submitted_on__isnull=False)
        .annotate(kind=review, fact=F("submitted_on")),
        counted_hazards()
        .filter(rules.q_cohort(rules.STOCK), status=Status.CLOSED, level="major", closed_on__isnull=False)
        .annotate(kind=Value(STOCK_CLOSED, output_field=models.CharField()), fact=F("closed_on")),
    )
    out: dict[tuple[Any, ...], dict[str, int]] = defaultdict(_zeros(("n",)))
    for qs in facts:
        for length, depth in DEPTHS.items():
            base = (
                qs.order_by()
                .annotate(region_length=Length("region_id"))
                .filter(region_length__gte=length)
                .annotate(node_key=Substr("region_id", 1, length))
            )
            for dim, column in (("all", None), ("sector", "sector_id")):
                dim_value: Any = F(column) if column else Value("")
                rows = (
                    base.annotate(dv=dim_value)
                    .values("node_key", "dv", "level", "kind", "fact")
                    .annotate(c=Count("id"))
                )
                for r in rows:
                    out[(r["node_key"], depth, dim, r["dv"], r["level"], r["kind"], r["fact"])]["n"] += r["c"]
    return dict(out)


def _fold(
    rows: dict[tuple[Any, ...], dict[str, int]], spec: Spec, today: datetime.date
) -> dict[tuple[Any, ...], dict[str, int]]:
    """Histogram keys with a deadline before ``today`` folded into PAST (as the nightly fold does)."""
    if spec not in HISTOGRAMS:
        return rows
    out: dict[tuple[Any, ...], dict[str, int]] = defaultdict(_zeros(spec.value_fields))
    at = spec.key_fields.index("deadline")
    for key, values in rows.items():
        if key[at] < today:
            key = (*key[:at], PAST, *key[at + 1 :])
        for f, v in values.items():
            out[key][f] += v
    return {k: v for k, v in out.items() if any(v.values())}


def fold_past_deadlines(*, today: datetime.date | None = None) -> int:
    """Compact the summary rows (set-based; the nightly sweep runs it); returns how many rows went.

    Two passes per table: the running totals' past deadlines folded into one PAST row per key (the
    histograms; by the ``day`` index, as before stripes), then every other stripe merged into stripe 0
    (by a partial index of the rows in stripes: none at all on SQLite). On PostgreSQL rows are deleted and
    re-added in one statement (``DELETE … RETURNING`` feeding the ``INSERT``): a writer adding to a row
    being merged waits for it and then adds to a new row, so no count is lost while the server keeps
    taking hazards. SQLite's writers take turns, so two statements do there."""
    when = today or rules.today()
    folded = 0
    with transaction.atomic(), connection.cursor() as cursor:
        for spec in SPECS:
            keys = [*spec.key_fields, "day"]
            if spec in HISTOGRAMS:
                past = ["%s" if k == "deadline" else k for k in keys]
                where = "day = %s AND deadline < %s AND deadline > %s"
                folded += _move(cursor, spec, where, [CURRENT, when, PAST], past, [PAST])
            folded += _move(cursor, spec, "stripe > 0", [], keys, [])
    return folded


def _move(
    cursor: Any, spec: Spec, where: str, where_params: list[Any], target: list[str], target_params: list[Any]
) -> int:
    """Delete ``spec``'s rows matching ``where`` and add their sums to stripe 0 of the keys ``target``
    makes of them (columns, or ``%s`` for a fixed value); returns how many rows were moved."""
    table = connection.ops.quote_name(spec.model._meta.db_table)
    keys, values = list(spec.key_fields), list(spec.value_fields)
    group = ", ".join(target)
    ordinals = ", ".join(str(i + 1) for i in range(len(target)))  # GROUP BY 1, 2, …: each value once
    sums = ", ".join(f"SUM({v})" for v in values)
    conflict = ", ".join([*(k for k in keys if k != "depth"), "day", "stripe"])
    updates = ", ".join(f"{v} = {table}.{v} + excluded.{v}" for v in values)
    into = f"INSERT INTO {table} ({', '.join(keys)}, day, stripe, {', '.join(values)}) "
    upsert = f"GROUP BY {ordinals} ON CONFLICT ({conflict}) DO UPDATE SET {updates}"
    if connection.vendor == "postgresql":
        cursor.execute(
            f"WITH moved AS (DELETE FROM {table} WHERE {where} RETURNING *), "  # noqa: S608 - our own table
            f"added AS ({into}SELECT {group}, 0, {sums} FROM moved {upsert}) SELECT COUNT(*) FROM moved",
            [*where_params, *target_params],
        )
        return int(cursor.fetchone()[0])
    cursor.execute(f"SELECT COUNT(*) FROM {table} WHERE {where}", where_params)  # noqa: S608
    moved = int(cursor.fetchone()[0])
    if moved:
        cursor.execute(
            f"{into}SELECT {group}, 0, {sums} FROM {table} WHERE {where} {upsert}",  # noqa: S608
            [*target_params, *where_params],
        )
        cursor.execute(f"DELETE FROM {table} WHERE {where}", where_params)  # noqa: S608
    return moved


def tally_drift() -> list[str]:
    """Every difference between the running totals and the rows, and between totals and their deltas."""
    expected = expected_tallies()
    problems: list[str] = []
    for spec in SPECS:
        name = spec.model.__name__
        manager = spec.model._default_manager
        fields = [*spec.key_fields, *spec.value_fields]
        current: dict[tuple[Any, ...], dict[str, int]] = defaultdict(_zeros(spec.value_fields))
        for row in manager.filter(day=CURRENT).values(*fields):  # a key's stripes summed
            acc = current[tuple(row[k] for k in spec.key_fields)]
            for f in spec.value_fields:
                acc[f] += row[f]
        current = {k: v for k, v in current.items() if any(v.values())}
        today = rules.today()
        current = _fold(current, spec, today)
        want = _fold(expected[name], spec, today)
        for key in sorted(set(current) | set(want), key=str):
            zero = dict.fromkeys(spec.value_fields, 0)
            if current.get(key, zero) != want.get(key, zero):
                problems.append(f"{name} {key}: 汇总 {current.get(key, zero)}，实际 {want.get(key, zero)}")
        if not spec.history:
            continue
        sums: dict[tuple[Any, ...], dict[str, int]] = defaultdict(_zeros(spec.value_fields))
        for row in manager.exclude(day=CURRENT).values(*fields):
            acc = sums[tuple(row[k] for k in spec.key_fields)]
            for f in spec.value_fields:
                acc[f] += row[f]
        sums = _fold(dict(sums), spec, today)
        for key in sorted(set(sums) | set(current), key=str):
            zero = dict.fromkeys(spec.value_fields, 0)
            if dict(sums.get(key, zero)) != current.get(key, zero):
                problems.append(
                    f"{name} {key}: 各日增量之和 {sums.get(key, zero)} 与当前汇总 {current.get(key, zero)} 不符"
                )
    return problems
