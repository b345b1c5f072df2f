"""Due rules of duty items and the completion rate (完成率) of duty lists: plain functions of dates, no queries.

The completion rule, as of a Beijing day ``as_of`` (by default the earlier of today and the list's year end):

- An item with a due day ``d`` (a date; the end of a month, quarter or year; “every year by M-D”, taken in the
  list's year) is **due** when ``d <= as_of``. It is **on time** when it has a ledger entry dated on or before
  ``d``; **done** when it has an entry dated on or before ``as_of`` (on time, or late); **missing** otherwise.
  An entry on the due day itself is on time; one the day after is late.
- A 长期 item reported each month, quarter or year counts once per period of the list's year that has ended
  by ``as_of`` (the period's last day ``<= as_of``). An entry counts for the period its date falls in, so a
  period is on time (and done) when an entry is dated within it, missing otherwise: an entry after a period
  has ended is the next period's.
- An item without a due rule (未定) is not counted.

``rate`` = on time / due, ``done_rate`` = done / due (None when nothing is due yet).
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from zhiben.plans.parsing import parse_due

from .models import DueKind, ReportPeriod


@dataclass(frozen=True)
class Due:
    """A due rule as stored on an item: ``kind`` (DueKind), ``on`` (the day, for the dated kinds), ``month``
    and ``day`` (for ``annual``), ``period`` (ReportPeriod, for ``ongoing``)."""

    kind: str
    on: datetime.date | None = None
    month: int | None = None
    day: int | None = None
    period: str = ""


def month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def annual_day(year: int, month: int, day: int) -> datetime.date:
    """“Every year by M-D” in ``year``; 2-29 in a common year is 2-28."""
    return datetime.date(year, month, min(day, calendar.monthrange(year, month)[1]))


# The plans' reporting periods that a duty item may be reported on (ReportPeriod); 每半年 is not one of them.
_PERIODS = {"month": ReportPeriod.MONTH, "quarter": ReportPeriod.QUARTER, "year": ReportPeriod.YEAR}


def due_from_text(text: str, year: int) -> Due:
    """A due rule read from a deadline's text by the plans' reader (``zhiben.plans.parsing.parse_due``, the one
    due-text reader of the project), the list's ``year`` filling what the text leaves out:
    ``2024年12月31日`` / ``2024-12-31`` → that date; ``2024年12月`` / ``12月底前`` → the month's last day;
    ``第三季度`` / ``上半年`` → the quarter's last day; ``年底前`` → 12-31 (a list of years ``2025 2026`` → the
    list's year among them, else the first); ``每年3月31日前`` / ``每年`` → annual (by 3-31, by 12-31);
    ``每月`` / ``每季度`` → ongoing, reported each month or quarter; ``长期坚持`` → ongoing, reported each quarter
    (the plans' default period). ``每半年`` → ongoing without a period (no duty item is reported half-yearly:
    the caller asks for one). Anything else → ``unknown``."""
    rule = parse_due(text or "", reference_year=year)
    if rule.kind == "annual":
        return Due(DueKind.ANNUAL, month=rule.month or 12, day=rule.day or 31)
    if rule.kind == "ongoing":
        return Due(DueKind.ONGOING, period=_PERIODS.get(rule.every or "", ""))
    if rule.kind in ("date", "month_end", "quarter_end", "year_end"):
        day = rule.due_in(year) or rule.due
        if day is not None:
            return Due(DueKind(rule.kind), on=day)
    return Due(DueKind.UNKNOWN)


def due_day(due: Due, year: int) -> datetime.date | None:
    """The day an item is due in the list's ``year`` (None: ongoing or unknown)."""
    if due.kind == DueKind.ANNUAL and due.month and due.day:
        return annual_day(year, due.month, due.day)
    if due.kind in (DueKind.ONGOING, DueKind.UNKNOWN):
        return None
    return due.on


def periods(period: str, year: int) -> list[tuple[datetime.date, datetime.date]]:
    """The reporting periods of ``year``: ``[(first day, last day)]``, in order."""
    if period == ReportPeriod.MONTH:
        return [(datetime.date(year, m, 1), month_end(year, m)) for m in range(1, 13)]
    if period == ReportPeriod.QUARTER:
        return [(datetime.date(year, q * 3 - 2, 1), month_end(year, q * 3)) for q in range(1, 5)]
    if period == ReportPeriod.YEAR:
        return [(datetime.date(year, 1, 1), datetime.date(year, 12, 31))]
    return []


@dataclass
class Tally:
    """Counts of a list, a person or a unit: ``due`` (items and periods due by the as-of day), ``on_time``,
    ``done`` (on time or late), and the derived ``late``, ``missing``, ``rate`` and ``done_rate``."""

    due: int = 0
    on_time: int = 0
    done: int = 0

    @property
    def late(self) -> int:
        return self.done - self.on_time

    @property
    def missing(self) -> int:
        return self.due - self.done

    @property
    def rate(self) -> float | None:
        return round(self.on_time / self.due, 4) if self.due else None

    @property
    def done_rate(self) -> float | None:
        return round(self.done / self.due, 4) if self.due else None

    def add(self, other: Tally) -> Tally:
        self.due += other.due
        self.on_time += other.on_time
        self.done += other.done
        return self

    def as_dict(self) -> dict[str, int | float | None]:
        return {
            "due": self.due,
            "on_time": self.on_time,
            "done": self.done,
            "late": self.late,
            "missing": self.missing,
            "rate": self.rate,
            "done_rate": self.done_rate,
        }


def item_tally(due: Due, year: int, entries: Iterable[datetime.date], as_of: datetime.date) -> Tally:
    """One item's counts as of ``as_of`` by the rule in the module's docstring; ``entries`` are the days of
    its ledger entries."""
    days = sorted(entries)
    if due.kind == DueKind.ONGOING:
        out = Tally()
        for start, end in periods(due.period, year):
            if end > as_of:
                break
            out.due += 1
            hit = any(start <= d <= end for d in days)
            out.on_time += int(hit)
            out.done += int(hit)
        return out
    day = due_day(due, year)
    if day is None or day > as_of:
        return Tally()
    return Tally(due=1, on_time=int(any(d <= day for d in days)), done=int(any(d <= as_of for d in days)))


def default_as_of(year: int, today: datetime.date) -> datetime.date:
    """The as-of day of a year's figures: today, or the year's last day once it is over."""
    return min(today, datetime.date(year, 12, 31))
