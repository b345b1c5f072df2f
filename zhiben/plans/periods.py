"""Reporting periods of a plan's tasks (进展报送周期) and the day each period's report is due.

A period key is how people write it and how the API takes it: ``2026-11`` (a month), ``2026Q3`` (a quarter),
``2026H2`` (a half year), ``2026`` (a year). A period's report is due ``ZHIBEN["PLAN_REPORT_GRACE_DAYS"]``
calendar days after it ends (a setting: plans write "每季度末后5日内报送" and the like; local rules differ).
All days are Beijing dates.
"""

from __future__ import annotations

import calendar
import datetime
import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings

KINDS = ("month", "quarter", "half_year", "year")
KIND_LABELS = {"month": "每月", "quarter": "每季度", "half_year": "每半年", "year": "每年"}
_PATTERNS = (
    (re.compile(r"(\d{4})(?:[-/.]|年)(\d{1,2})月?"), "month"),
    (re.compile(r"(\d{4})[-/ ]?[Qq]([1-4])"), "quarter"),
    (re.compile(r"(\d{4})年?第([1-4一二三四])季度?"), "quarter"),
    (re.compile(r"(\d{4})[-/ ]?[Hh]([12])"), "half_year"),
    (re.compile(r"(\d{4})年?([上下])半年"), "half_year"),
    (re.compile(r"(\d{4})年?(?:度|全年)?"), "year"),
)
# the ordinals people write for a quarter or a half year (第三季度, 下半年)
_ORDINALS = {"一": 1, "二": 2, "三": 3, "四": 4, "上": 1, "下": 2}
FIRST_YEAR, LAST_YEAR = 2000, 2100


class NotAPeriod(ValueError):
    """The text is not a period key; the message (Chinese) says what is expected."""


@dataclass(frozen=True, order=True)
class Period:
    """One period: ``kind`` (month | quarter | half_year | year), ``year`` and ``index`` (month 1–12, quarter
    1–4, half 1–2; 1 for a year)."""

    kind: str
    year: int
    index: int

    @property
    def key(self) -> str:
        """``2026-11``, ``2026Q3``, ``2026H2`` or ``2026``."""
        if self.kind == "month":
            return f"{self.year}-{self.index:02d}"
        if self.kind == "quarter":
            return f"{self.year}Q{self.index}"
        if self.kind == "half_year":
            return f"{self.year}H{self.index}"
        return str(self.year)

    @property
    def label(self) -> str:
        """``2026年11月``, ``2026年第3季度``, ``2026年下半年``, ``2026年``."""
        if self.kind == "month":
            return f"{self.year}年{self.index}月"
        if self.kind == "quarter":
            return f"{self.year}年第{self.index}季度"
        if self.kind == "half_year":
            return f"{self.year}年{'上' if self.index == 1 else '下'}半年"
        return f"{self.year}年"

    @property
    def months(self) -> int:
        return {"month": 1, "quarter": 3, "half_year": 6, "year": 12}[self.kind]

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, (self.index - 1) * self.months + 1, 1)

    @property
    def end(self) -> datetime.date:
        month = self.index * self.months
        return datetime.date(self.year, month, calendar.monthrange(self.year, month)[1])

    def next(self) -> Period:
        """The period after this one, of the same kind."""
        count = 12 // self.months
        if self.index < count:
            return Period(self.kind, self.year, self.index + 1)
        return Period(self.kind, self.year + 1, 1)

    def due(self, grace: int | None = None) -> datetime.date:
        """The day this period's report is due: its end plus ``grace`` days (default: the setting)."""
        return self.end + datetime.timedelta(days=grace_days() if grace is None else grace)


def grace_days() -> int:
    """``ZHIBEN["PLAN_REPORT_GRACE_DAYS"]``: days after a period ends for its progress report."""
    return max(0, int(settings.ZHIBEN["PLAN_REPORT_GRACE_DAYS"]))


def parse_period(raw: object) -> Period:
    """``"2026-11"`` → month, ``"2026Q3"`` → quarter, ``"2026H2"`` → half year, ``"2026"`` → year; also as
    written in Chinese or with a separator (``2026年11月``, ``2026-Q4``, ``2026年第三季度``, ``2026年下半年``,
    ``2026年``) and in full-width characters. Raises
    NotAPeriod (Chinese message) for anything else, a month outside 1–12 or a year outside 2000–2100."""
    text = str(raw) if isinstance(raw, str | int) and not isinstance(raw, bool) else ""
    text = unicodedata.normalize("NFKC", text).strip()  # full-width digits and letters, as typed with an IME
    for pattern, kind in _PATTERNS:
        found = pattern.fullmatch(text)
        if found is None:
            continue
        year = int(found.group(1))
        index = 1 if kind == "year" else _ORDINALS.get(found.group(2)) or int(found.group(2))
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise NotAPeriod(f"年份应在 {FIRST_YEAR}–{LAST_YEAR} 之间")
        if kind == "month" and not 1 <= index <= 12:
            raise NotAPeriod("月份应在 1–12 之间")
        return Period(kind, year, index)
    raise NotAPeriod("报送期应写作 2026-11（月）、2026Q3（季度）、2026H2（半年）或 2026（年）")


def period_of(day: datetime.date, kind: str) -> Period:
    """The period of ``kind`` that holds ``day``."""
    months = {"month": 1, "quarter": 3, "half_year": 6, "year": 12}[kind]
    return Period(kind, day.year, (day.month - 1) // months + 1)


def last_ended(day: datetime.date, kind: str) -> Period:
    """The latest period of ``kind`` that ended before ``day``."""
    current = period_of(day, kind)
    previous = period_of(current.start - datetime.timedelta(days=1), kind)
    return previous


def report_due(
    *,
    every: str,
    start: datetime.date,
    reported: set[str],
    years: tuple[int, ...] = (),
    month: int | None = None,
    day: int | None = None,
    grace: int | None = None,
) -> tuple[Period, datetime.date] | None:
    """The oldest period owed and its report's due day, for a task reporting ``every`` period from the period
    holding ``start``: the first period (from there on) whose key is not in ``reported``. ``years`` (the plan's
    years, e.g. 2024–2026) end the schedule: past them nothing is owed (None). A yearly report with ``month``
    (and ``day``: 每年11月底前 / 每年6月30日前) is due on that day of its year rather than after the year ends.

    Looks at most 1,200 periods ahead (a hundred years of months): enough for any plan."""
    if every not in KINDS:
        return None
    period = period_of(start, every)
    for _ in range(1200):
        if years and period.year > max(years):
            return None
        if period.key not in reported and (not years or period.year >= min(years)):
            return period, _due_of(period, month, day, grace)
        period = period.next()
    return None


def _due_of(period: Period, month: int | None, day: int | None, grace: int | None) -> datetime.date:
    if period.kind == "year" and month and 1 <= month <= 12:
        last = calendar.monthrange(period.year, month)[1]
        return datetime.date(period.year, month, min(day or last, last))
    return period.due(grace)
