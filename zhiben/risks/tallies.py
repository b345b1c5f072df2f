"""Summary counts of check records (``CheckTally`` per day, township and sector; ``CheckEnterpriseTally`` per month
and enterprise), kept in the same transaction as every change (DESIGN.md §5): the day's generation adds ``planned``,
a record moves one count from ``planned`` (or ``missed``, for a late upload) to ``on_time`` or ``late``, the sweep
to ``missed``; a failed check adds ``failed``. The compliance figures read these rows, never the records, so they
take the same time at 10,000 and at 1,000,000 records a day (issue 15).

``rebuild`` recounts both tables from the records (``manage.py rebuild_check_tallies``, and the tests' oracle).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.db.models import Count, Q

from .models import CheckEnterpriseTally, CheckRecord, CheckResult, CheckTally, RecordStatus

FIGURES = ("planned", "on_time", "late", "missed", "failed")
# which count a record's status is in (``planned`` counts every cycle, whatever became of it)
COUNTED: dict[str, str] = {RecordStatus.DONE: "on_time", RecordStatus.LATE: "late", RecordStatus.MISSED: "missed"}

# (day, region code, sector key, enterprise id)
Key = tuple[datetime.date, str, str, int]
# (key, status before, status after, whether the change records a failed check)
Change = tuple[Key, str, str, bool]


def _month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def add_generated(day: datetime.date, *, after_id: int) -> None:
    """Count the records just generated for ``day`` (those with an id above ``after_id``) as planned: one grouped
    upsert per table."""
    record = CheckRecord._meta.db_table
    tally = CheckTally._meta.db_table
    monthly = CheckEnterpriseTally._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {tally} (day, region_id, sector_id, planned, on_time, late, missed, failed) "  # noqa: S608 - our own tables; values only as %s
            f"SELECT day, region_id, sector_id, COUNT(*), 0, 0, 0, 0 FROM {record} WHERE id > %s "
            "GROUP BY day, region_id, sector_id "
            f"ON CONFLICT (day, region_id, sector_id) DO UPDATE SET planned = {tally}.planned + excluded.planned",
            [after_id],
        )
        cursor.execute(
            f"INSERT INTO {monthly} (month, enterprise_id, region_id, sector_id, planned, on_time, late, missed, "  # noqa: S608 - our own tables; values only as %s
            f"failed) SELECT %s, enterprise_id, MAX(region_id), MAX(sector_id), COUNT(*), 0, 0, 0, 0 FROM {record} "
            "WHERE id > %s GROUP BY enterprise_id "
            f"ON CONFLICT (month, enterprise_id) DO UPDATE SET planned = {monthly}.planned + excluded.planned",
            [_month(day), after_id],
        )


def add_planned(day: datetime.date, region: str, sector: str, enterprise: int, n: int) -> None:
    """Count ``n`` cycles of one enterprise opening on ``day`` as planned (a task's own generation)."""
    tally = CheckTally._meta.db_table
    monthly = CheckEnterpriseTally._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {tally} (day, region_id, sector_id, planned, on_time, late, missed, failed) "  # noqa: S608
            f"VALUES (%s, %s, %s, %s, 0, 0, 0, 0) ON CONFLICT (day, region_id, sector_id) "
            f"DO UPDATE SET planned = {tally}.planned + excluded.planned",
            [day, region, sector, n],
        )
        cursor.execute(
            f"INSERT INTO {monthly} (month, enterprise_id, region_id, sector_id, planned, on_time, late, missed, "  # noqa: S608
            f"failed) VALUES (%s, %s, %s, %s, %s, 0, 0, 0, 0) ON CONFLICT (month, enterprise_id) "
            f"DO UPDATE SET planned = {monthly}.planned + excluded.planned",
            [_month(day), enterprise, region, sector, n],
        )


def add_changes(changes: Iterable[Change]) -> None:
    """Apply records' status changes to both tables: grouped per key, then one statement per batch and table. Must
    run in the caller's transaction (RuntimeError otherwise)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("check tallies must change in the same transaction as the records")
    daily: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    monthly: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    places: dict[int, tuple[str, str]] = {}
    for (day, region, sector, enterprise), before, after, failed in changes:
        delta = [0, 0, 0, 0]  # on_time, late, missed, failed
        order = ("on_time", "late", "missed")
        if before in COUNTED:
            delta[order.index(COUNTED[before])] -= 1
        if after in COUNTED:
            delta[order.index(COUNTED[after])] += 1
        if failed:
            delta[3] += 1
        for target, key in ((daily, (day, region, sector)), (monthly, (_month(day), enterprise))):
            row = target[key]
            for i in range(4):
                row[i] += delta[i]
        places[enterprise] = (region, sector)
    _apply(CheckTally._meta.db_table, ("day", "region_id", "sector_id"), daily, {})
    _apply(CheckEnterpriseTally._meta.db_table, ("month", "enterprise_id"), monthly, places)


def _apply(table: str, keys: tuple[str, ...], deltas: dict[tuple[Any, ...], list[int]], places: dict[int, Any]) -> None:
    rows = [(key, d) for key, d in deltas.items() if any(d)]
    if not rows:
        return
    pg = connection.vendor == "postgresql"
    with connection.cursor() as cursor:
        # the row exists when generation made the cycle; a record imported from elsewhere may be the first
        if len(keys) == 3:
            cursor.executemany(
                f"INSERT INTO {table} (day, region_id, sector_id, planned, on_time, late, missed, failed) "  # noqa: S608 - our own tables; values only as %s
                "VALUES (%s, %s, %s, 0, 0, 0, 0, 0) ON CONFLICT (day, region_id, sector_id) DO NOTHING",
                [key for key, _ in rows],
            )
        else:
            cursor.executemany(
                f"INSERT INTO {table} (month, enterprise_id, region_id, sector_id, planned, on_time, late, missed, "  # noqa: S608 - our own tables; values only as %s
                "failed) VALUES (%s, %s, %s, %s, 0, 0, 0, 0, 0) ON CONFLICT (month, enterprise_id) DO NOTHING",
                [(*key, *places[key[1]]) for key, _ in rows],
            )
        casts = ("::date", "", "") if len(keys) == 3 else ("::date", "::bigint")
        cast = [c if pg else "" for c in casts]
        number = "::integer" if pg else ""
        for i in range(0, len(rows), 500):
            batch = rows[i : i + 500]
            one = "(" + ", ".join([f"%s{c}" for c in cast] + [f"%s{number}"] * 4) + ")"
            values = ", ".join([one] * len(batch))
            names = ", ".join([*(f"k{j}" for j in range(len(keys))), "d_on_time", "d_late", "d_missed", "d_failed"])
            match = " AND ".join(f"{table}.{k} = v.k{j}" for j, k in enumerate(keys))
            params: list[Any] = []
            for key, d in batch:
                params.extend(key)
                params.extend(d)
            cursor.execute(
                f"WITH v({names}) AS (VALUES {values}) "  # noqa: S608 - our own tables; values only as %s
                f"UPDATE {table} SET on_time = {table}.on_time + v.d_on_time, late = {table}.late + v.d_late, "
                f"missed = {table}.missed + v.d_missed, failed = {table}.failed + v.d_failed "
                f"FROM v WHERE {match}",
                params,
            )


def rebuild(*, check: bool = False) -> list[str]:
    """Recount both tables from the records. With ``check`` nothing is written and the answer lists the rows that
    differ (in Chinese; empty when the counts are right); otherwise the tables are replaced in one transaction."""
    counted = {
        "planned": Count("id"),
        "on_time": Count("id", filter=Q(status=RecordStatus.DONE)),
        "late": Count("id", filter=Q(status=RecordStatus.LATE)),
        "missed": Count("id", filter=Q(status=RecordStatus.MISSED)),
        "failed": Count("id", filter=Q(result=CheckResult.FAIL)),
    }
    daily = {
        (r["day"], r["region_id"], r["sector_id"]): tuple(r[f] for f in FIGURES)
        for r in CheckRecord.objects.order_by().values("day", "region_id", "sector_id").annotate(**counted)
    }
    monthly: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0] * 5)
    where: dict[int, tuple[str, str]] = {}
    for r in (
        CheckRecord.objects.order_by().values("day", "enterprise_id", "region_id", "sector_id").annotate(**counted)
    ):
        row = monthly[(_month(r["day"]), r["enterprise_id"])]
        for i, f in enumerate(FIGURES):
            row[i] += r[f]
        where[r["enterprise_id"]] = (r["region_id"], r["sector_id"])
    if check:
        problems = []
        have: dict[tuple[Any, ...], tuple[int, ...]] = {
            (t.day, t.region_id, t.sector_id): tuple(getattr(t, f) for f in FIGURES) for t in CheckTally.objects.all()
        }
        for key in sorted(set(have) | set(daily), key=str):
            if have.get(key, (0,) * 5) != daily.get(key, (0,) * 5):
                problems.append(f"排查统计 {key[0]} {key[1]} {key[2]}：记为 {have.get(key)}，应为 {daily.get(key)}")
        have_m: dict[tuple[Any, ...], tuple[int, ...]] = {
            (t.month, t.enterprise_id): tuple(getattr(t, f) for f in FIGURES)
            for t in CheckEnterpriseTally.objects.all()
        }
        for key in sorted(set(have_m) | set(monthly), key=str):
            if have_m.get(key, (0,) * 5) != tuple(monthly.get(key, [0] * 5)):
                problems.append(
                    f"企业排查统计 {key[0]:%Y-%m} 企业{key[1]}：记为 {have_m.get(key)}，应为 {tuple(monthly[key])}"
                )
        return problems
    with transaction.atomic():
        CheckTally.objects.all().delete()
        CheckEnterpriseTally.objects.all().delete()
        CheckTally.objects.bulk_create(
            [
                CheckTally(day=k[0], region_id=k[1], sector_id=k[2], **dict(zip(FIGURES, v, strict=True)))
                for k, v in daily.items()
            ],
            batch_size=2000,
        )
        CheckEnterpriseTally.objects.bulk_create(
            [
                CheckEnterpriseTally(
                    month=k[0],
                    enterprise_id=k[1],
                    region_id=where[k[1]][0],
                    sector_id=where[k[1]][1],
                    **dict(zip(FIGURES, v, strict=True)),
                )
                for k, v in monthly.items()
            ],
            batch_size=2000,
        )
    return []
