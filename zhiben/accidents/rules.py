"""Accident rules, in one place, as pure functions of the figures and the settings (FACTS §4), each citing
the article of 《生产安全事故报告和调查处理条例》 (国务院令第493号) it applies.

- ``grade_of``: the grade by deaths (with the missing, 下落不明: 第十二条(四) has them reported with the
  casualties, and FACTS §4 counts them with the deaths), serious injuries (incl. acute industrial poisoning)
  and direct loss (第三条). "以上" includes the number, "以下" excludes it; any one criterion reaching a grade
  is enough and the highest grade reached wins. The thresholds are ``ZHIBEN["ACCIDENT_THRESHOLDS"]``.
- ``is_late``: 第九条 — the unit's head, once told, reports within 1 hour
  (``ACCIDENT_REPORT_LIMIT_MINUTES``); the clock runs from ``head_notified_at``, not from the accident.
- ``relay_chain`` / ``relay_due``: 第十条 — 一般 up to the city (设区的市级), 较大 to the province, 重大 and
  特别重大 to the State Council's department; 第十一条 — each level relays within 2 hours.
- ``supplement_days`` / ``supplement_deadline``: 第十三条 — casualty changes are reported again within
  30 days of the accident, 7 days for road traffic accidents and fires, whatever the sector (by ``type``).
  Days are Beijing calendar days and the day of the accident is not counted (民法典第二百零一条), so an
  accident on 1 March may be supplemented up to 31 March (8 March for a fire).
- ``investigation_due``: 第二十九条 — the report within 60 days of the accident; the government may extend
  it, by at most 60 days.
- ``reply_days``: 第三十二条 — the government answers (批复) within 15 days of receiving the report for 重大,
  较大 and 一般, 30 days for 特别重大, which may be extended by at most 30 days.
"""

from __future__ import annotations

import datetime
from bisect import bisect_right
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Q
from django.utils import timezone

from zhiben.common import dates

from .models import GRADE_ORDER, RELAY_ORDER, AccidentType, Grade
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


def grade_of(
    *,
    deaths: int,
    serious_injuries: int,
    direct_loss: Decimal,
    missing: int = 0,
    limits: Thresholds | None = None,
) -> str:
    """The accident grade (第三条, FACTS §4): the highest grade any criterion reaches; the missing (下落不明,
    第十二条(四)) count with the deaths."""
    t = limits or thresholds()
    grades = (
        criterion_grade(t.deaths, deaths + missing),
        criterion_grade(t.serious_injuries, serious_injuries),
        criterion_grade(t.direct_loss, Decimal(direct_loss)),
    )
    return max(grades, key=grade_rank)


def higher_grade(a: str, b: str) -> str:
    return a if grade_rank(a) >= grade_rank(b) else b


def report_limit() -> datetime.timedelta:
    return datetime.timedelta(minutes=int(settings.ZHIBEN["ACCIDENT_REPORT_LIMIT_MINUTES"]))


def is_late(*, head_notified_at: datetime.datetime, reported_at: datetime.datetime) -> bool:
    """迟报 (第九条: "单位负责人接到报告后，应当于1小时内…报告"): the first report came more than the limit
    (60 minutes) after the unit's head was told. Exactly 60 minutes is on time."""
    return reported_at - head_notified_at > report_limit()


# 第十一条: "每级上报的时间不得超过2小时".
RELAY_HOURS = 2

# 第十条: how far up each grade goes (一般 → 设区的市级; 较大 → 省级; 重大, 特别重大 → 国务院安全生产监督管理部门).
RELAY_CHAINS: dict[str, tuple[str, ...]] = {
    Grade.GENERAL: RELAY_ORDER[:1],
    Grade.RELATIVELY_MAJOR: RELAY_ORDER[:2],
    Grade.MAJOR: RELAY_ORDER,
    Grade.ESPECIALLY_MAJOR: RELAY_ORDER,
}


def relay_chain(grade: str) -> tuple[str, ...]:
    """The levels (``RelayLevel`` keys, lowest first) an accident of ``grade`` is relayed to (第十条)."""
    return RELAY_CHAINS[grade]


def relay_steps(
    *, grade: str, county_at: datetime.datetime, relayed: dict[str, datetime.datetime]
) -> list[dict[str, Any]]:
    """The relay chain expected for ``grade`` (第十条), each level with its due moment and state (第十一条):
    ``[{"level", "due", "reported_at", "late"}]``. A level is due 2 hours after the level below got the
    report (the county: the unit's ``reported_at``), or 2 hours after that level's due moment while it is
    not recorded. ``late``: recorded after its due moment. Levels recorded beyond the chain (the grade fell,
    or 越级上报) are listed after it."""
    steps: list[dict[str, Any]] = []
    below = county_at
    levels = list(relay_chain(grade)) + [lv for lv in RELAY_ORDER if lv in relayed and lv not in relay_chain(grade)]
    for level in levels:
        due = below + datetime.timedelta(hours=RELAY_HOURS)
        at = relayed.get(level)
        steps.append({"level": level, "due": due, "reported_at": at, "late": at is not None and at > due})
        below = at if at is not None else due
    return steps


# 第十三条: "道路交通事故、火灾事故自发生之日起7日内" — by the accident's type, not the unit's sector.
SHORT_WINDOW_TYPES = frozenset({AccidentType.ROAD_TRAFFIC, AccidentType.FIRE})


def supplement_days(accident_type: str) -> int:
    """The 补报 window in days (第十三条): 7 for road traffic accidents and fires, else 30."""
    z = settings.ZHIBEN
    short = accident_type in SHORT_WINDOW_TYPES
    return int(z["ACCIDENT_SHORT_SUPPLEMENT_DAYS"] if short else z["ACCIDENT_SUPPLEMENT_DAYS"])


def occurred_on(occurred_at: datetime.datetime) -> datetime.date:
    """The Beijing calendar day of the accident."""
    return timezone.localtime(occurred_at).date()


def supplement_deadline(*, occurred_at: datetime.datetime, accident_type: str) -> datetime.date:
    """The last Beijing day a 补报 counts (第十三条; the day of the accident not counted)."""
    return occurred_on(occurred_at) + datetime.timedelta(days=supplement_days(accident_type))


# 第二十九条: "自事故发生之日起60日内提交事故调查报告…延长的期限最长不超过60日".
INVESTIGATION_DAYS = 60
INVESTIGATION_MAX_EXTENSION = 60


def investigation_due(*, occurred_at: datetime.datetime, extension_days: int = 0) -> datetime.date:
    """The last Beijing day for the investigation report (第二十九条): 60 days after the accident's day,
    plus the extension granted (0–60 days)."""
    return occurred_on(occurred_at) + datetime.timedelta(days=INVESTIGATION_DAYS + extension_days)


# 第三十二条: "重大事故、较大事故、一般事故…自收到事故调查报告之日起15日内做出批复；特别重大事故，30日内做出批复，
# 特殊情况下，批复时间可以适当延长，但延长的时间最长不超过30日". The text gives 重大 15 days (FACTS §4 says 30):
# the text is applied.
REPLY_DAYS = 15
LONG_REPLY_DAYS = 30
REPLY_MAX_EXTENSION = 30
LONG_REPLY_GRADES = frozenset({Grade.ESPECIALLY_MAJOR})


def reply_days(grade: str) -> int:
    """Days for the 批复 after the report is received (第三十二条): 30 for 特别重大, else 15."""
    return LONG_REPLY_DAYS if grade in LONG_REPLY_GRADES else REPLY_DAYS


def reply_extendable(grade: str) -> bool:
    """Only the 30-day 批复 of 特别重大 accidents may be extended (第三十二条)."""
    return grade in LONG_REPLY_GRADES


def reply_due(*, received_on: datetime.date, grade: str, extension_days: int = 0) -> datetime.date:
    """The last day for the 批复: the report's day not counted, plus the extension granted (0–30 days)."""
    return received_on + datetime.timedelta(days=reply_days(grade) + extension_days)


def q_investigation_overdue(day: datetime.date | None = None) -> Q:
    """Accidents whose investigation report is not in and whose due day has passed (第二十九条)."""
    return Q(investigation_submitted_on__isnull=True, investigation_due__lt=day or today())


def q_reply_overdue(day: datetime.date | None = None) -> Q:
    """Accidents whose report is in, with no 批复 yet, past the 批复's due day (第三十二条)."""
    return Q(replied_on__isnull=True, reply_due__isnull=False, reply_due__lt=day or today())


# "Today" is the Beijing day, computed in one place for every register (zhiben/common/dates.py).
today = dates.today
