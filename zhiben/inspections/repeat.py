"""Repeat offenders: 安全生产法 第一百一十三条第（一）项 (FACTS.md §1) — an enterprise penalised for a major accident
hazard (因存在重大事故隐患) three times within 180 days, or four times within one year, is proposed for closure
(提请关闭; its principal is barred for five years). Pure functions over sorted penalty dates, no database.

The rules come from ``ZHIBEN["REPEAT_OFFENCE_RULES"]``: ``(count, window)`` pairs, the window either a number of
days (``180``: 期间按日计算) or a number of calendar years or months written ``"1y"`` / ``"12m"`` (期间按年、月计算).
The law writes "一百八十日内" and "一年内", so the defaults are ``((3, 180), (4, "1y"))``: "one year" is the
calendar year from the first penalty, not 365 days (民法典 第二百零二条: 按照年、月计算期间的，到期月的对应日为期间的
最后一日；没有对应日的，月末日为期间的最后一日) — 2025-03-01 → 2026-03-01, 2023-03-01 → 2024-03-01 (366 days, a
leap day inside), 2024-02-29 → 2025-02-28.

The boundary (is the day of the first penalty counted?), ``ZHIBEN["REPEAT_OFFENCE_FIRST_DAY_COUNTED"]``:

- ``False`` (the default): 民法典 第二百零一条 — 按照年、月、日计算期间的，开始的当日不计入，自下一日开始计算. The
  window opened by a penalty on ``d1`` runs from the next day for the whole period, so its last day is
  ``d1 + 180 days`` (or the corresponding day a year on): penalties ``d1 … dk`` (k = the rule's count) qualify
  when ``dk − d1 ≤ 180`` days (``dk`` on or before the corresponding day of the next year).
- ``True``: the first penalty's day is day 1 of the window, whose last day is one earlier:
  ``dk − d1 ≤ 179`` (``dk`` before the corresponding day of the next year).

What counts (decided here, stated in the API's answer): one penalty per decision day. Two decisions of one
day come from one enforcement action (行政处罚法 第二十九条: one unlawful act is not fined twice), and closure
is the heaviest outcome, so the count never goes up twice in a day: ``k`` penalties means ``k`` distinct days.
"""

from __future__ import annotations

import calendar
import datetime
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

ONE_DAY = datetime.timedelta(days=1)
_CALENDAR = re.compile(r"^(\d{1,3})([ym])$")
_NUMBERS = "零一二三四五六七八九十"

CONVENTION_NOT_COUNTED = (
    "首日不计入（民法典第二百零一条：期间开始的当日不计入，自下一日开始计算）：首次处罚日为 d1，第 k 次处罚日 dk "
    "不晚于 d1 加 180 日（一年：次年对应日，无对应日的为月末日，民法典第二百零二条）即构成；同一日的多个处罚决定计一次"
)
CONVENTION_COUNTED = (
    "首日计入（首次处罚当日为期间第一日）：第 k 次处罚日 dk 不晚于 d1 加 179 日（一年：次年对应日的前一日）即构成；"
    "同一日的多个处罚决定计一次"
)


@dataclass(frozen=True)
class Rule:
    """``count`` penalties within ``window``: a number of days (int) or ``"Ny"``/``"Nm"`` calendar years/months."""

    count: int
    window: int | str

    @functools.cached_property
    def span(self) -> tuple[int, int]:
        """``(days, months)``: the window as days (0 months) or as calendar months (0 days), parsed once."""
        if isinstance(self.window, int):
            return self.window, 0
        n, unit = _calendar(self.window)
        return 0, 12 * n if unit == "y" else n

    @functools.cached_property
    def key(self) -> str:
        """A stable name: ``3/180d``, ``4/1y``."""
        return f"{self.count}/{self.window}d" if isinstance(self.window, int) else f"{self.count}/{self.window}"

    @functools.cached_property
    def label(self) -> str:
        """The law's words: ``180日内3次``, ``1年内4次``."""
        if isinstance(self.window, int):
            return f"{self.window}日内{self.count}次"
        n, unit = _calendar(self.window)
        return f"{n}{'年' if unit == 'y' else '个月'}内{self.count}次"

    def longest(self) -> datetime.timedelta:
        """At least the longest span a window can have (for how far back to read the penalties)."""
        if isinstance(self.window, int):
            return datetime.timedelta(days=self.window)
        n, unit = _calendar(self.window)
        return datetime.timedelta(days=(366 * n if unit == "y" else 31 * n) + 1)


def _calendar(window: str) -> tuple[int, str]:
    found = _CALENDAR.match(window)
    if found is None:
        raise ImproperlyConfigured(f"REPEAT_OFFENCE_RULES: window {window!r} is not N days, 'Ny' or 'Nm'")
    return int(found.group(1)), found.group(2)


def rules_from_settings() -> tuple[Rule, ...]:
    """``ZHIBEN["REPEAT_OFFENCE_RULES"]`` as rules; ImproperlyConfigured for a count under 2 or a bad window."""
    rules = []
    for pair in settings.ZHIBEN["REPEAT_OFFENCE_RULES"]:
        count, window = pair
        if not isinstance(count, int) or count < 2:
            raise ImproperlyConfigured(f"REPEAT_OFFENCE_RULES: count {count!r} must be a whole number of 2 or more")
        if isinstance(window, bool) or not isinstance(window, int | str):
            raise ImproperlyConfigured(f"REPEAT_OFFENCE_RULES: window {window!r} is not N days, 'Ny' or 'Nm'")
        if isinstance(window, int) and window < 1:
            raise ImproperlyConfigured(f"REPEAT_OFFENCE_RULES: window {window!r} must be at least one day")
        if isinstance(window, str):
            _calendar(window)
        rules.append(Rule(count, window))
    return tuple(rules)


def first_day_counted() -> bool:
    """``ZHIBEN["REPEAT_OFFENCE_FIRST_DAY_COUNTED"]`` (default False: 民法典 第二百零一条)."""
    return bool(settings.ZHIBEN["REPEAT_OFFENCE_FIRST_DAY_COUNTED"])


def convention(counted: bool) -> str:
    """The boundary convention in words, as the API states it (``window_convention``)."""
    return CONVENTION_COUNTED if counted else CONVENTION_NOT_COUNTED


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The corresponding day ``months`` later; the month's last day where there is none (民法典 第二百零二条):
    2024-02-29 + 12 months = 2025-02-28, 2025-01-31 + 1 month = 2025-02-28."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def window_end(start: datetime.date, rule: Rule, *, counted: bool) -> datetime.date:
    """The last day of ``rule``'s window opened by a penalty on ``start`` (Beijing dates): with the first day not
    counted, ``start`` + the window (days, or the corresponding day N years/months on); counted, one day earlier."""
    days, months = rule.span
    end = add_months(start, months) if months else start + datetime.timedelta(days=days)
    return end - ONE_DAY if counted else end


def decision_days(dates: Iterable[datetime.date]) -> list[datetime.date]:
    """The distinct days, ascending: one count per decision day (see the module's docstring)."""
    return sorted(set(dates))


@dataclass(frozen=True)
class Hit:
    """``rule`` reached: ``dates`` (``rule.count`` distinct days, ascending) all within the window that the first
    opens, ``window_start`` (= the first date) to ``window_end``. ``reached_on``: the day the rule was reached."""

    rule: Rule
    dates: tuple[datetime.date, ...]
    window_start: datetime.date
    window_end: datetime.date

    @property
    def reached_on(self) -> datetime.date:
        return self.dates[-1]


@dataclass(frozen=True)
class Approach:
    """One penalty short of ``rule``: ``dates`` (``rule.count − 1`` days) fit a window; one more penalty decided
    after the last of them and on or before ``until`` (the window's last day) reaches the rule."""

    rule: Rule
    dates: tuple[datetime.date, ...]
    window_start: datetime.date
    until: datetime.date


def hits(dates: Sequence[datetime.date], rules: Sequence[Rule], *, counted: bool) -> list[Hit]:
    """Every run of ``rule.count`` consecutive decision days (of ``dates``, any order, repeats counted once) that fits
    the window its first day opens, for each rule in order, earliest first. Empty when none does."""
    days = decision_days(dates)
    found = []
    for rule in rules:
        k = rule.count
        for i in range(len(days) - k + 1):
            end = window_end(days[i], rule, counted=counted)
            if days[i + k - 1] <= end:
                found.append(Hit(rule, tuple(days[i : i + k]), days[i], end))
    return found


def first_hits(
    dates: Sequence[datetime.date],
    rules: Sequence[Rule],
    *,
    counted: bool,
    start: datetime.date,
    end: datetime.date,
) -> list[Hit]:
    """For each rule, the earliest hit reached within ``start`` … ``end`` (both included): the day a closure
    proposal became due in that period."""
    chosen: dict[Rule, Hit] = {}
    for hit in hits(dates, rules, counted=counted):
        if start <= hit.reached_on <= end and hit.rule not in chosen:
            chosen[hit.rule] = hit
    return [chosen[r] for r in rules if r in chosen]


def approaching(
    dates: Sequence[datetime.date], rules: Sequence[Rule], *, counted: bool, on: datetime.date
) -> list[Approach]:
    """For each rule, whether one more penalty after ``on`` could still reach it: ``count − 1`` consecutive
    decision days (on or before ``on``) fitting a window that is still open after ``on`` (its last day later than
    ``on``). Answers the run whose window stays open longest (its ``until`` is the last day a further penalty
    reaches the rule). The caller leaves out enterprises that already reached a rule."""
    days = [d for d in decision_days(dates) if d <= on]
    found = []
    for rule in rules:
        k = rule.count - 1
        best, until = -1, on
        for i in range(len(days) - k + 1):
            end = window_end(days[i], rule, counted=counted)
            if end > until and days[i + k - 1] <= end:
                best, until = i, end
        if best >= 0:
            found.append(Approach(rule, tuple(days[best : best + k]), days[best], until))
    return found
