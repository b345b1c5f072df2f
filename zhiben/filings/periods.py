"""Reporting periods of the hazard statistics (16号令 第十四条) and their due days.

《安全生产事故隐患排查治理暂行规定》(原国家安全监管总局令第16号) 第十四条: 生产经营单位应当每季、每年对本单位事故
隐患排查治理情况进行统计分析，并分别于下一季度15日前和下一年1月31日前向安全监管监察部门和有关部门报送书面统计分析表。
统计分析表应当由生产经营单位主要负责人签字。 (FACTS §1; the article's own text could not be read here — one
company rule built on it was found, with the quarterly and yearly duty and the principal's signature but not the
days: the days are encoded from FACTS.md and are settings.)

A period is written ``2026Q3`` (a quarter) or ``2026`` (a year). All days are Beijing dates.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.conf import settings

_PERIOD = re.compile(r"(\d{4})(?:\s*[Qq]\s*([1-4]))?")
_QUARTER_NAMES = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}


class NotAPeriod(ValueError):
    """Text that is not a period; the message says so in Chinese."""


@dataclass(frozen=True, order=True)
class Period:
    """A quarter (``quarter`` 1–4) or a whole year (``quarter`` None) of a calendar year."""

    year: int
    quarter: int | None = None

    @property
    def key(self) -> str:
        """``2026Q3`` or ``2026``."""
        return f"{self.year}Q{self.quarter}" if self.quarter else str(self.year)

    @property
    def kind(self) -> str:
        """``quarter`` or ``year``."""
        return "quarter" if self.quarter else "year"

    @property
    def label(self) -> str:
        """``2026年第三季度`` or ``2026年度``."""
        return f"{self.year}年{_QUARTER_NAMES[self.quarter]}" if self.quarter else f"{self.year}年度"

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 3 * (self.quarter - 1) + 1 if self.quarter else 1, 1)

    @property
    def end(self) -> datetime.date:
        """The period's last day (inclusive)."""
        if self.quarter is None or self.quarter == 4:
            return datetime.date(self.year, 12, 31)
        return datetime.date(self.year, 3 * self.quarter + 1, 1) - datetime.timedelta(days=1)

    @property
    def due(self) -> datetime.date:
        """The last day to file (16号令 第十四条): a quarter's by the 15th (``STATISTICS_QUARTER_DUE_DAY``) of the
        next quarter's first month — Q4's in January of the next year; a year's by 31 January
        (``STATISTICS_YEAR_DUE_DAY``) of the next year."""
        z = settings.ZHIBEN
        if self.quarter is None:
            return datetime.date(self.year + 1, 1, int(z["STATISTICS_YEAR_DUE_DAY"]))
        after = self.end + datetime.timedelta(days=1)
        return datetime.date(after.year, after.month, int(z["STATISTICS_QUARTER_DUE_DAY"]))

    def ended(self, today: datetime.date) -> bool:
        """Whether the period is over on ``today`` (only then can it be filed)."""
        return today > self.end

    def __str__(self) -> str:
        return self.key


def parse_period(raw: object) -> Period:
    """``2026Q3`` (also ``2026q3``, ``2026 Q3``) or ``2026``; raises NotAPeriod (a ValueError) naming the
    expected form for anything else, and for a year outside 2000–9998 (a due day must exist)."""
    text = str(raw if raw is not None else "").strip()
    m = _PERIOD.fullmatch(text)
    if not m:
        raise NotAPeriod(f"统计期应为季度（如 2026Q3）或年度（如 2026），现为“{text[:20]}”")
    year = int(m.group(1))
    if not 2000 <= year <= 9998:
        raise NotAPeriod("统计期的年份应在 2000–9998 之间")
    return Period(year, int(m.group(2)) if m.group(2) else None)


def last_ended(today: datetime.date, kind: str = "quarter") -> Period:
    """The latest period of ``kind`` (``quarter`` or ``year``) that is over on ``today``."""
    if kind == "year":
        return Period(today.year - 1)
    quarter = (today.month - 1) // 3  # the quarter before today's
    return Period(today.year - 1, 4) if quarter == 0 else Period(today.year, quarter)
