"""Check cycles: when a check task is due, the day's generation of check records, and the missed-check sweep
(issue 15: "each control measure generates check tasks with a cycle (hours, days, months, years; working days or
every day, by the official calendar)").

A task's cycles, from ``starts_on`` (Beijing dates; a window is ``[opens_at, due_at)`` in Beijing time):

- ``n`` hours (n divides 24): every day, windows at 00:00, n:00, 2n:00 …;
- ``n`` days: the days ``starts_on + k·n``, each window n days long;
- ``n`` months (years: 12·n months): the same day of the month as ``starts_on`` every n months (the month's last day
  when it is shorter), each window up to the next cycle's day.

With ``working_days_only`` (the national interface's ``workDayType`` 法定工作日) the official calendar
(chinese-calendar, ``dates.is_working_day``) decides: hourly and daily tasks have no cycle on a day off; a longer cycle
that would open on a day off opens on the next working day instead, and still ends when it would have.

Generation is set-based (``INSERT … SELECT`` per distinct cycle, a few dozen statements for any number of tasks):
the tasks due on a day are found by the stored ``phase`` (``phase_of``) through an index, not by reading each task.
"""

from __future__ import annotations

import calendar
import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import DateField, DateTimeField, F, IntegerField, Q, Value
from django.utils import timezone

from zhiben.common.dates import is_working_day, zone

from . import tallies
from .models import CheckRecord, CheckTask, CycleUnit, RecordStatus

HOURLY_CYCLES = (1, 2, 3, 4, 6, 8, 12, 24)  # hours that divide a day
MAX_CYCLE: dict[str, int] = {CycleUnit.HOUR: 24, CycleUnit.DAY: 366, CycleUnit.MONTH: 120, CycleUnit.YEAR: 10}
DAY = datetime.timedelta(days=1)


def months_of(unit: str, value: int) -> int:
    """A month or year cycle in months (0 for hours and days)."""
    if unit == CycleUnit.MONTH:
        return value
    if unit == CycleUnit.YEAR:
        return 12 * value
    return 0


def month_index(day: datetime.date) -> int:
    return day.year * 12 + day.month - 1


def phase_of(unit: str, value: int, starts_on: datetime.date) -> tuple[int, int]:
    """``(phase, anchor_day)`` stored on a task: days — ``starts_on``'s ordinal mod n; months and years — its month
    index mod the cycle in months, and its day of the month; hours — 0."""
    if unit == CycleUnit.DAY:
        return starts_on.toordinal() % value, 1
    months = months_of(unit, value)
    if months:
        return month_index(starts_on) % months, starts_on.day
    return 0, 1


def check_cycle(unit: str, value: Any) -> int:
    """A cycle's length as a whole number within its unit's bounds; ValueError in Chinese otherwise (hours must
    divide a day: 1, 2, 3, 4, 6, 8, 12 or 24)."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError("排查周期应为正整数")
    text = str(value).strip()
    if not text.isdigit() or int(text) < 1:
        raise ValueError("排查周期应为正整数")
    number = int(text)
    if unit not in MAX_CYCLE:
        raise ValueError("周期单位应为 小时、天、月、年 之一")
    if unit == CycleUnit.HOUR and number not in HOURLY_CYCLES:
        raise ValueError("按小时排查的周期须能整除24小时：1、2、3、4、6、8、12、24")
    if number > MAX_CYCLE[unit]:
        raise ValueError(f"排查周期不能超过 {MAX_CYCLE[unit]} {CycleUnit(unit).label}")
    return number


ONE_CYCLE: dict[str, str] = {"hour": "每小时", "day": "每天", "month": "每月", "year": "每年"}
CYCLE_WORDS: dict[str, str] = {"hour": "小时", "day": "天", "month": "个月", "year": "年"}


def cycle_text(value: int, unit: str, working_days_only: bool = False) -> str:
    """A cycle in words, as the pages and printed cards show it: 每天, 每 8 小时, 每 3 个月, 每 10 年, with
    （仅工作日） when only working days count."""
    text = ONE_CYCLE.get(unit, "") if value == 1 else f"每 {value} {CYCLE_WORDS.get(unit, unit)}"
    return text + ("（仅工作日）" if working_days_only else "")


def _midnight(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(), tzinfo=zone())


def _add_months(day: datetime.date, months: int, anchor: int) -> datetime.date:
    index = month_index(day) + months
    year, month = divmod(index, 12)
    return datetime.date(year, month + 1, min(anchor, calendar.monthrange(year, month + 1)[1]))


def _cycle_day(day: datetime.date, anchor: int) -> bool:
    """Whether ``day`` is a monthly cycle's day for anchor day ``anchor`` (the month's last day for a longer one)."""
    last = calendar.monthrange(day.year, day.month)[1]
    return day.day == anchor or (day.day == last and anchor > last)


@dataclass(frozen=True)
class Window:
    """One cycle: the Beijing day it is counted on (the day it opens), its bounds, and whether it was moved to a
    working day (so only ``working_days_only`` tasks take it)."""

    day: datetime.date
    opens_at: datetime.datetime
    due_at: datetime.datetime


def windows(task: CheckTask, day: datetime.date) -> list[Window]:
    """The cycles of one task that open on Beijing ``day`` (for pages and tests; generation uses the same rules in
    SQL, ``generate``)."""
    if day < task.starts_on:
        return []
    n, unit = task.cycle_value, task.cycle_unit
    working = is_working_day(day)
    if unit == CycleUnit.HOUR:
        if task.working_days_only and not working:
            return []
        start = _midnight(day)
        return [
            Window(day, start + datetime.timedelta(hours=k * n), start + datetime.timedelta(hours=(k + 1) * n))
            for k in range(24 // n)
        ]
    if task.working_days_only and (unit != CycleUnit.DAY or n > 1):
        if not working:
            return []
        nominal = [day, *_days_off_before(day)]
    elif task.working_days_only:
        return [Window(day, _midnight(day), _midnight(day + DAY))] if working and _fires(task, day) else []
    else:
        nominal = [day]
    out = []
    for d in nominal:
        if d >= task.starts_on and _fires(task, d):
            out.append(Window(day, _midnight(day), _midnight(_cycle_end(task, d))))
    return out


def _days_off_before(day: datetime.date) -> list[datetime.date]:
    """The days off just before working ``day`` (a cycle due on one of them opens on ``day``)."""
    out: list[datetime.date] = []
    d = day - DAY
    while not is_working_day(d) and len(out) < 31:
        out.append(d)
        d -= DAY
    return out


def _fires(task: CheckTask, d: datetime.date) -> bool:
    if task.cycle_unit == CycleUnit.DAY:
        return d.toordinal() % task.cycle_value == task.phase
    months = months_of(task.cycle_unit, task.cycle_value)
    return month_index(d) % months == task.phase and _cycle_day(d, task.anchor_day)


def _cycle_end(task: CheckTask, d: datetime.date) -> datetime.date:
    if task.cycle_unit == CycleUnit.DAY:
        return d + datetime.timedelta(days=task.cycle_value)
    return _add_months(d, months_of(task.cycle_unit, task.cycle_value), task.anchor_day)


def _groups(day: datetime.date) -> list[tuple[Q, list[tuple[datetime.datetime, datetime.datetime]]]]:
    """For generation on ``day``: ``[(which tasks, [(opens_at, due_at)…])]`` — one entry per distinct cycle and
    nominal day among the active tasks (read from their distinct cycles: a few rows)."""
    cycles = CheckTask.objects.filter(active=True, deleted=False).values_list("cycle_unit", "cycle_value").distinct()
    working = is_working_day(day)
    off_before = _days_off_before(day) if working else []
    start, groups = _midnight(day), []
    live = Q(active=True, deleted=False, starts_on__lte=day)
    for unit, n in sorted(set(cycles)):
        base = live & Q(cycle_unit=unit, cycle_value=n)
        if unit == CycleUnit.HOUR:
            spans = [
                (start + datetime.timedelta(hours=k * n), start + datetime.timedelta(hours=(k + 1) * n))
                for k in range(24 // n)
            ]
            groups.append((base & (Q() if working else Q(working_days_only=False)), spans))
            continue
        for d in [day, *off_before]:
            if d == day:
                # every-day tasks take it; working-days-only ones only on a working day
                take = Q() if working else Q(working_days_only=False)
            else:
                # a cycle due on a day off before today opens today, for working-days-only tasks with longer cycles
                take = Q(working_days_only=True) & ~Q(cycle_unit=CycleUnit.DAY, cycle_value=1)
            if unit == CycleUnit.DAY:
                which = base & Q(phase=d.toordinal() % n, starts_on__lte=d)
                groups.append((which & take, [(start, _midnight(d + datetime.timedelta(days=n)))]))
                continue
            months = months_of(unit, n)
            last = calendar.monthrange(d.year, d.month)[1]
            # on a month's last day the cycles anchored on a later day (the 30th in February) fall due too; each
            # anchor ends its window on its own day of the next cycle's month
            for anchor in [d.day] if d.day < last else range(d.day, 32):
                which = base & Q(phase=month_index(d) % months, anchor_day=anchor, starts_on__lte=d)
                groups.append((which & take, [(start, _midnight(_add_months(d, months, anchor)))]))
    return groups


def generate(day: datetime.date) -> int:
    """Generate the check records of every active task due on Beijing ``day`` (status ``planned``), and count them
    in the tallies, in one transaction. Idempotent: a cycle already generated is left alone (one record per task and
    ``opens_at``). Answers the number of records made.

    One ``INSERT … SELECT`` per distinct cycle (``_groups``), then one grouped upsert per tally table over the new
    rows (found by id: the generation is the only writer that inserts records, and it holds a lock on the day)."""
    now = timezone.now()
    made = 0
    with transaction.atomic():
        _lock(day)
        before = CheckRecord.objects.order_by("-id").values_list("id", flat=True).first() or 0
        table = CheckRecord._meta.db_table
        columns = (
            "task_id, enterprise_id, region_id, sector_id, day, opens_at, due_at, status, result, note, "
            "external_id, updated_at"
        )
        for which, spans in _groups(day):
            for opens_at, due_at in spans:
                select = (
                    CheckTask.objects.filter(which)
                    .annotate(
                        r_task=F("id"),
                        r_enterprise=F("enterprise_id"),
                        r_region=F("region_id"),
                        r_sector=F("sector_id"),
                        r_day=Value(day, output_field=DateField()),
                        r_opens=Value(opens_at, output_field=DateTimeField()),
                        r_due=Value(due_at, output_field=DateTimeField()),
                        r_status=Value(RecordStatus.PLANNED),
                        r_blank=Value(""),
                        r_blank2=Value(""),
                        r_blank3=Value(""),
                        r_now=Value(now, output_field=DateTimeField()),
                    )
                    .values_list(
                        "r_task",
                        "r_enterprise",
                        "r_region",
                        "r_sector",
                        "r_day",
                        "r_opens",
                        "r_due",
                        "r_status",
                        "r_blank",
                        "r_blank2",
                        "r_blank3",
                        "r_now",
                    )
                    .order_by()
                )
                sql, params = select.query.sql_with_params()
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"INSERT INTO {table} ({columns}) {sql} ON CONFLICT (task_id, opens_at) DO NOTHING",
                        params,
                    )
                    made += max(cursor.rowcount, 0)
        if made:
            tallies.add_generated(day, after_id=before)
    return made


def generate_task(task: CheckTask, day: datetime.date) -> int:
    """Generate the cycles of one task opening on ``day`` that are not there yet (a task just made or changed: its
    people need not wait for the hourly run), counted in the tallies; in the caller's transaction, serialised with the
    day's generation (the same lock), so a cycle is counted once. Answers how many were made."""
    if not task.active or task.deleted:
        return 0
    spans = windows(task, day)
    if not spans:
        return 0
    _lock(day)
    have = set(
        CheckRecord.objects.filter(task=task, opens_at__in=[w.opens_at for w in spans]).values_list(
            "opens_at", flat=True
        )
    )
    fresh = [w for w in spans if w.opens_at not in have]
    CheckRecord.objects.bulk_create(
        [
            CheckRecord(
                task=task,
                enterprise_id=task.enterprise_id,
                region_id=task.region_id,
                sector_id=task.sector_id,
                day=w.day,
                opens_at=w.opens_at,
                due_at=w.due_at,
            )
            for w in fresh
        ]
    )
    if fresh:
        tallies.add_planned(day, task.region_id, task.sector_id, task.enterprise_id, len(fresh))
    return len(fresh)


def _lock(day: datetime.date) -> None:
    """Serialise generations (PostgreSQL: an advisory lock for the transaction; SQLite serialises writers)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [1_500_000 + day.toordinal() % 100_000])


def sweep_missed(now: datetime.datetime | None = None) -> int:
    """Mark the planned records whose window has closed ``missed``, count them in the tallies, add one to each such
    task's missed-in-a-row count, and climb the ladder (``ladder.climb``) — one transaction. Answers how many."""
    from . import ladder  # the ladder tells people through the platform's hook; imported late to keep this light

    now = now or timezone.now()
    with transaction.atomic():
        closing = list(
            CheckRecord.objects.select_for_update()
            .filter(status=RecordStatus.PLANNED, due_at__lte=now)
            .values_list("id", "task_id", "day", "region_id", "sector_id", "enterprise_id")
        )
        if not closing:
            return 0
        ids = [row[0] for row in closing]
        for chunk in _chunks(ids, 5000):
            CheckRecord.objects.filter(id__in=chunk).update(status=RecordStatus.MISSED, updated_at=now)
        tallies.add_changes(
            [
                ((day, region, sector, enterprise), RecordStatus.PLANNED, RecordStatus.MISSED, False)
                for _, _, day, region, sector, enterprise in closing
            ]
        )
        per_task: dict[int, int] = defaultdict(int)
        for _, task_id, *_ in closing:
            per_task[task_id] += 1
        for n, task_ids in _by_count(per_task).items():
            for chunk in _chunks(task_ids, 5000):
                CheckTask.objects.filter(id__in=chunk).update(
                    consecutive_missed=F("consecutive_missed") + Value(n, output_field=IntegerField())
                )
        ladder.climb(ids)
    return len(ids)


def _by_count(per: dict[int, int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = defaultdict(list)
    for key, n in per.items():
        out[n].append(key)
    return out


def _chunks(items: list[Any], size: int) -> Iterable[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]
