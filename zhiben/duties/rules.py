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
import re
from collections.abc import Iterable
from dataclasses import dataclass

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


_FULL = re.compile(r"(\d{4})\s*[年\-./]\s*(\d{1,2})\s*[月\-./]\s*(\d{1,2})\s*日?")
_MONTH = re.compile(r"(?:(\d{4})\s*年\s*)?(\d{1,2})\s*月(?:底|末)?(?:前|以前|之前)?$")
_YEAR_END = re.compile(r"(?:(\d{4})\s*年)?\s*(?:年底|年末|底)(?:前|以前|之前)?$")
_QUARTER = re.compile(r"(?:(\d{4})\s*年\s*)?第?([一二三四1-4])\s*季度(?:末|底)?(?:前|以前|之前)?$")
_EVERY_YEAR = re.compile(r"每年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?(?:前|以前|之前)?")
_QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def due_from_text(text: str, year: int) -> Due:
    """A due rule read from a plan's deadline text, the list's ``year`` filling what the text leaves out:
    ``2024年12月31日`` / ``2024-12-31`` → that date; ``2024年12月`` / ``12月底前`` → the month's last day;
    ``第三季度`` → the quarter's last day; ``年底前`` → 12-31; ``每年3月31日前`` → annual; ``每月`` / ``每季度``
    / ``每年`` / ``长期坚持`` → ongoing (reported monthly, quarterly, yearly; ``长期`` alone: no period).
    Anything else (or a day that does not exist) → ``unknown``."""
    raw = re.sub(r"\s+", "", text or "").replace("完成时限", "").strip("：:（）()")
    try:
        if m := _EVERY_YEAR.search(raw):
            month, day = int(m[1]), int(m[2])
            datetime.date(2000, month, day)  # a month and day that exist in some year (2-29 in a leap one)
            return Due(DueKind.ANNUAL, month=month, day=day)
        if m := _FULL.fullmatch(raw.rstrip("前")) or _FULL.match(raw):
            return Due(DueKind.DATE, on=datetime.date(int(m[1]), int(m[2]), int(m[3])))
        if m := _QUARTER.match(raw):
            q = _QUARTERS[m[2]]
            return Due(DueKind.QUARTER_END, on=month_end(int(m[1] or year), q * 3))
        if m := _YEAR_END.match(raw):
            return Due(DueKind.YEAR_END, on=datetime.date(int(m[1] or year), 12, 31))
        if m := _MONTH.match(raw):
            return Due(DueKind.MONTH_END, on=month_end(int(m[1] or year), int(m[2])))
    except ValueError:
        return Due(DueKind.UNKNOWN)
    if "每月" in raw:
        return Due(DueKind.ONGOING, period=ReportPeriod.MONTH)
    if "每季" in raw:
        return Due(DueKind.ONGOING, period=ReportPeriod.QUARTER)
    if "每年" in raw:
        return Due(DueKind.ONGOING, period=ReportPeriod.YEAR)
    if "长期" in raw or "持续" in raw or "常态" in raw:
        return Due(DueKind.ONGOING)
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
