"""Accident rules, in one place, as pure functions of the figures and the settings (FACTS §4).

- ``grade_of``: the grade by deaths, serious injuries (incl. acute industrial poisoning) and direct loss
  (《生产安全事故报告和调查处理条例》第三条). "以上" includes the number, "以下" excludes it; any one
  criterion reaching a grade is enough and the highest grade reached wins. The thresholds are the
  setting ``ZHIBEN["ACCIDENT_THRESHOLDS"]`` (lower bounds of 较大, 重大, 特别重大 per criterion).
- ``is_late``: the first report came more than ``ACCIDENT_REPORT_LIMIT_MINUTES`` (60: the unit reports
  to the county within 1 hour, 第九条) after the accident.
- ``supplement_days`` / ``supplement_deadline``: casualty changes are reported again within 30 days of
  the accident, 7 days for road traffic and fire (第十三条); the short window applies to the sectors
  listed in ``ACCIDENT_SHORT_WINDOW_SECTORS``. Days are Beijing calendar days and the day of the accident
  is not counted (民法典第二百零一条), so an accident on 1 March may be supplemented up to 31 March.
"""

from __future__ import annotations

import datetime
from bisect import bisect_right
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from zhiben.common import dates

from .models import GRADE_ORDER
from .models import grade_rank as grade_rank  # the rank lives with Grade; callers read it here too

CRITERIA = ("deaths", "serious_injuries", "direct_loss")
# Sanity limits of input (not policy): larger figures are typing errors, refused naming the field.
MAX_PERSONS = 100_000
MAX_LOSS = Decimal("10000000000000")  # 1e13 yuan
EARLIEST = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)


@dataclass(frozen=True)
class Thresholds:
    """Per criterion, the lower bounds (inclusive) of 较大, 重大 and 特别重大, increasing."""

    deaths: tuple[int, int, int]
    serious_injuries: tuple[int, int, int]
    direct_loss: tuple[Decimal, Decimal, Decimal]


def thresholds() -> Thresholds:
    """The thresholds from settings, checked: three increasing, positive bounds per criterion."""
    raw = settings.ZHIBEN["ACCIDENT_THRESHOLDS"]
    try:
        deaths = tuple(int(v) for v in raw["deaths"])
        injuries = tuple(int(v) for v in raw["serious_injuries"])
        loss = tuple(Decimal(str(v)) for v in raw["direct_loss"])
    except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
        raise ImproperlyConfigured(f"ZHIBEN['ACCIDENT_THRESHOLDS'] is not valid: {exc}") from exc
    for name, bounds in (("deaths", deaths), ("serious_injuries", injuries), ("direct_loss", loss)):
        if len(bounds) != 3 or not 0 < bounds[0] < bounds[1] < bounds[2]:
            raise ImproperlyConfigured(f"ZHIBEN['ACCIDENT_THRESHOLDS'][{name!r}] needs 3 increasing positive bounds")
    return Thresholds(deaths=deaths, serious_injuries=injuries, direct_loss=loss)  # type: ignore[arg-type]


def criterion_grade(bounds: tuple[int, int, int] | tuple[Decimal, Decimal, Decimal], value: int | Decimal) -> str:
    """The grade one criterion reaches: how many lower bounds the value is at or above ("以上" inclusive)."""
    return GRADE_ORDER[bisect_right(bounds, value)]


def grade_of(*, deaths: int, serious_injuries: int, direct_loss: Decimal, limits: Thresholds | None = None) -> str:
    """The accident grade (FACTS §4): the highest grade any criterion reaches."""
    t = limits or thresholds()
    grades = (
        criterion_grade(t.deaths, deaths),
        criterion_grade(t.serious_injuries, serious_injuries),
        criterion_grade(t.direct_loss, Decimal(direct_loss)),
    )
    return max(grades, key=grade_rank)


def higher_grade(a: str, b: str) -> str:
    return a if grade_rank(a) >= grade_rank(b) else b


def report_limit() -> datetime.timedelta:
    return datetime.timedelta(minutes=int(settings.ZHIBEN["ACCIDENT_REPORT_LIMIT_MINUTES"]))


def is_late(*, occurred_at: datetime.datetime, reported_at: datetime.datetime) -> bool:
    """迟报: the first report came more than the limit (1 hour, 第九条) after the accident."""
    return reported_at - occurred_at > report_limit()


def supplement_days(sector: str) -> int:
    """The 补报 window in days: 7 for the short-window sectors (road traffic; fire), else 30 (第十三条)."""
    z = settings.ZHIBEN
    short = sector in set(z["ACCIDENT_SHORT_WINDOW_SECTORS"])
    return int(z["ACCIDENT_SHORT_SUPPLEMENT_DAYS"] if short else z["ACCIDENT_SUPPLEMENT_DAYS"])


def occurred_on(occurred_at: datetime.datetime) -> datetime.date:
    """The Beijing calendar day of the accident."""
    return timezone.localtime(occurred_at).date()


def supplement_deadline(*, occurred_at: datetime.datetime, sector: str) -> datetime.date:
    """The last day a 补报 may be dated (the day of the accident not counted)."""
    return occurred_on(occurred_at) + datetime.timedelta(days=supplement_days(sector))


# "Today" is the Beijing day, computed in one place for every register (zhiben/common/dates.py).
today = dates.today
