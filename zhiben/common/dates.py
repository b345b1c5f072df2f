""" "Today" and "overdue", in one place for every register (DESIGN.md §3, §5).

zhiben's calendar is Beijing's (TIME_ZONE = Asia/Shanghai): a deadline is a Beijing date, and a thing is
overdue from the day after its deadline. Every register and engine asks here, never ``date.today()``.
"""

from __future__ import annotations

import datetime
import functools
import re
import zoneinfo
from collections.abc import Callable
from typing import Any

import chinese_calendar
from django.conf import settings
from django.utils import timezone


def today() -> datetime.date:
    """The Beijing calendar day now (``TIME_ZONE = Asia/Shanghai``).

    Read straight from the configured zone rather than Django's per-request current zone (``localdate``):
    a ledger import asks once per row, and zhiben never activates another zone."""
    return timezone.now().astimezone(_zone(settings.TIME_ZONE)).date()


def zone() -> zoneinfo.ZoneInfo:
    """zhiben's zone (``TIME_ZONE``, Asia/Shanghai), e.g. for a Beijing day in SQL (``TruncDate(tzinfo=…)``)."""
    return _zone(settings.TIME_ZONE)


@functools.cache
def _zone(name: str) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(name)


def days_overdue(due: datetime.date | None, *, on: datetime.date | None = None) -> int:
    """Whole days past ``due`` on ``on`` (default today): 0 on the due day itself or before it, and for no due date."""
    if due is None:
        return 0
    return max(0, ((on or today()) - due).days)


def is_past(due: datetime.date | None, *, on: datetime.date | None = None) -> bool:
    """True when ``due`` is set and ``on`` (default today, Beijing) is after it: the day itself is still on time."""
    return due is not None and (on or today()) > due


# ----------------------------------------------------------------------------------------- working days
# The official calendar (国务院办公厅 holiday notices: 法定节假日 and the 调休 weekends worked in their
# place), as chinese-calendar keeps it. Its data ends with the last year announced (a notice comes out
# each November); for a year beyond it (or before 2004) a working day is Monday to Friday.
_DAY_ONE = datetime.timedelta(days=1)


@functools.lru_cache(maxsize=8192)
def is_working_day(day: datetime.date) -> bool:
    """True for a working day (工作日) of the official calendar: Monday to Friday except the holidays, plus
    the weekend days worked in exchange (调休上班); Monday to Friday for a year the calendar has no data for."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:  # a year not announced yet
        return day.weekday() < 5


def add_working_days(day: datetime.date, n: int) -> datetime.date:
    """The ``n``-th working day after ``day`` (``day`` itself not counted; ``day`` for ``n <= 0``):
    2026-09-30 plus 1 is 2026-10-08, after 国庆."""
    while n > 0:
        if day == datetime.date.max:  # the calendar's end: a due day there is never reached anyway
            return day
        day += _DAY_ONE
        if is_working_day(day):
            n -= 1
    return day


def working_day_back(day: datetime.date, n: int) -> datetime.date:
    """The ``n``-th working day counting back from ``day`` (``day`` counts if it is one; ``n >= 1``)."""
    if n < 1:
        raise ValueError("n must be at least 1")
    while True:
        if is_working_day(day):
            n -= 1
            if n == 0:
                return day
        if day == datetime.date.min:  # a deadline typed as year 1: nothing lies before it
            return day
        day -= _DAY_ONE


def last_day_before(deadline: datetime.date, n: int) -> datetime.date:
    """The last day on which something is still ``n`` working days before ``deadline``: the latest ``a``
    with ``add_working_days(a, n) <= deadline`` (every earlier day qualifies too). May be a rest day."""
    if n <= 0:
        return deadline
    back = working_day_back(deadline, n)
    return back - _DAY_ONE if back > datetime.date.min else back


def first_day_not_past(on: datetime.date, n: int) -> datetime.date:
    """The earliest start ``a`` whose ``add_working_days(a, n)`` is not yet past on ``on``: a thing started
    before it, with ``n`` working days to run, is late on ``on`` (for a set-based filter)."""
    if n <= 0:
        return on
    return working_day_back(on - _DAY_ONE if on > datetime.date.min else on, n)


# ----------------------------------------------------------------------------------------- reading a day
_EXCEL_EPOCH = datetime.date(1899, 12, 30)  # serial 1 = 1900-01-01 (with Lotus's leap-day bug)
_EXCEL_LAST = 2958466  # serial of 9999-12-31, plus one
# 2024-03-01, 2024/3/1, 2024.3.1, 2024年3月1日, each optionally followed by a time of day
_DAY = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?:\s*日)?")
_DAY_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
# what may follow the day: a time (T or spaces, then 19:30, 19:30:05.123, 19时30分), then an offset or Z
_TIME = re.compile(
    r"(?:[Tt]|\s+)(\d{1,2})\s*[:时]\s*(\d{1,2})?\s*分?(?:\s*[:]\s*(\d{1,2})(?:[.,](\d{1,9}))?)?\s*秒?"
    r"\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?"
)


class NotADay(ValueError):
    """Text (or a value) that is not a calendar day; the message names the field, in Chinese."""


def beijing_day(value: datetime.datetime) -> datetime.date:
    """The Beijing calendar day of an instant; a naive datetime is already Beijing wall time."""
    if value.utcoffset() is None:
        return value.date()
    return value.astimezone(_zone(settings.TIME_ZONE)).date()


def parse_day(raw: Any, *, label: str = "日期", serials: bool = False) -> datetime.date | None:
    """A Beijing calendar day from what people, spreadsheets and web systems write, or None for blank.

    Takes a ``date``; a ``datetime`` (aware: its Beijing day; naive: Beijing wall time already); with
    ``serials`` (a spreadsheet's cell), an Excel serial number (1 = 1900-01-01); or text: ``2024-03-01``,
    ``2024/3/1``, ``2024.3.1``, ``2024年3月1日``, ``20240301``, each optionally with a time of day
    (``2024-03-01 19:30``, ``2024-03-01T08:00:00``) and an offset or ``Z``
    (``2026-11-19T16:00:00.000Z`` is the instant 2026-11-20 00:00 in Beijing, so 2026-11-20).
    The offset is never dropped: a text with one is read as the instant it names.
    Raises ``NotADay`` (a ValueError) naming ``label`` for anything else, or a day that does not exist."""
    if raw is None:
        return None
    if isinstance(raw, NotADay):  # already refused, by Input's reading of every date field
        raise raw
    if isinstance(raw, datetime.datetime):
        return _within_calendar(lambda: beijing_day(raw), label, raw)
    if isinstance(raw, datetime.date):
        return raw
    if serials and isinstance(raw, int | float) and not isinstance(raw, bool) and 1 <= raw < _EXCEL_LAST:
        return _EXCEL_EPOCH + datetime.timedelta(days=int(raw))  # the day of a serial with a time of day
    if not isinstance(raw, str):
        raise NotADay(f"{label}应为日期（如 2024-03-01）")
    text = raw.translate(_FULLWIDTH).strip()
    if not text:
        return None
    return _day_from_text(text, label)


def _day_from_text(text: str, label: str) -> datetime.date:
    wrong = NotADay(f"{label}应为日期（如 2024-03-01），现为“{text[:40]}”")
    m = _DAY.match(text) or _DAY_COMPACT.match(text)
    if m is None:
        raise wrong
    try:
        day = datetime.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise NotADay(f"{label}不是有效的日期：“{text[:40]}”") from None
    rest = text[m.end() :]
    if not rest.strip():
        return day
    t = _TIME.fullmatch(rest)
    if t is None:
        raise wrong
    hour, minute, second = int(t.group(1)), int(t.group(2) or 0), int(t.group(3) or 0)
    fraction = int((t.group(4) or "0")[:6].ljust(6, "0"))
    if hour > 24 or minute > 59 or second > 60 or (hour == 24 and (minute or second or fraction)):
        raise wrong
    offset = t.group(5)
    if offset is None:
        return day  # Beijing wall time: the day as written
    if offset in ("Z", "z"):
        zone = datetime.UTC
    else:
        sign = -1 if offset[0] == "-" else 1
        digits = offset[1:].replace(":", "")
        hours, minutes = int(digits[:2]), int(digits[2:] or 0)
        if hours > 23 or minutes > 59:
            raise wrong
        zone = datetime.timezone(sign * datetime.timedelta(hours=hours, minutes=minutes))
    return _within_calendar(
        lambda: beijing_day(
            datetime.datetime.combine(day, datetime.time(0), zone)
            + datetime.timedelta(hours=hour, minutes=minute, seconds=min(second, 59), microseconds=fraction)
        ),
        label,
        text,
    )


def _within_calendar(day: Callable[[], datetime.date], label: str, shown: object) -> datetime.date:
    """``day()``, or ``NotADay`` when the instant's Beijing day falls outside years 1–9999
    (``9999-12-31T23:59:59-12:00`` is already 10000-01-01 in Beijing): Python's dates end there."""
    try:
        return day()
    except OverflowError:
        raise NotADay(f"{label}超出可用的日期范围（公元 1–9999 年）：“{str(shown)[:40]}”") from None


# Full-width digits and signs (as typed with a Chinese IME) to ASCII, for reading dates.
_FULLWIDTH = {c: c - 0xFEE0 for c in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
