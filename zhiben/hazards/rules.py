"""Derived figures of a hazard, in one place, as Python (for one row) and as SQL (for filters and counts).

- cohort: ``stock`` (存量) if discovered on or before the stock cut-off (a setting: plans differ), else
  ``increment`` (增量) — FACTS §1 programme targets.
- due: the deadline that governs — the earlier of the hazard's deadline and the listing's 督办期限.
- overdue: not closed or cancelled, and today (Beijing calendar day) is past the due day; a hazard with
  no deadline is never overdue. Overdue is the enterprise's: a hazard submitted for close-out on or before
  its due day is not overdue while it waits for review (DESIGN.md §3).
- closed_on_time: closed, and submitted (``submitted_on``, the enterprise's completion) on or before its
  due day; a historical row without a submission day is judged on its close-out day.
- review_due: the day the regulator's review of a pending close-out falls due (submission + the review
  clock: ``REVIEW_DAYS_LISTED`` for a listed hazard, 16号令; ``REVIEW_DAYS`` otherwise).
- extension_ask_by / extension_decide_by / extension_overdue: an extension (延期) is asked at least
  ``EXTENSION_NOTICE_WORKING_DAYS`` working days before the deadline and decided within
  ``EXTENSION_DECISION_WORKING_DAYS`` working days of the request (FACTS §1, escalation practice; working
  days by the official calendar, ``dates.is_working_day``).
- plan_due / without_plan: a major hazard still open (no plan, so no 五落实 deadline) ``PLAN_DAYS`` after
  its discovery.
- deadline_owner: ``regulator`` for a deadline a regulator ordered (an inspection's or a tip's finding),
  ``enterprise`` for the enterprise's own (self-check and other sources); a listing's 督办期限 is always
  the regulator's.
- regulator_report_due / report_late: a major hazard a power enterprise found itself is reported to the
  regulator within 3 working days (国家发展改革委令第41号 第十八条; sectors and days are settings); reported
  means registered here or ``reported_to_regulator_on``, whichever is earlier.
- self_check_missed: a major hazard found by ``inspection`` or a ``tip`` — "有问题查不出" is treated like an
  accident (参照事故调查处理) and flagged for accountability.
"""

from __future__ import annotations

import calendar
import datetime
from typing import Any, Protocol

from django.conf import settings
from django.db.models import Case, DateField, F, Func, Q, Value, When
from django.db.models.expressions import Expression
from django.db.models.functions import Coalesce, TruncDate

from zhiben.common import dates

from .models import ACTIVE_STATUSES, ExtensionStatus, Level, Source, Status, SupervisionLevel

STOCK = "stock"
INCREMENT = "increment"
MISSED_SOURCES = (Source.INSPECTION, Source.TIP)


class HazardLike(Protocol):
    level: str
    source: str
    status: str
    discovered_on: datetime.date
    deadline: datetime.date | None
    closed_on: datetime.date | None
    submitted_on: datetime.date | None
    supervision_level: str
    supervision_deadline: datetime.date | None
    delisted_on: datetime.date | None


# "Today" is the Beijing day, computed in one place for every register (zhiben/common/dates.py).
today = dates.today


def stock_cutoff() -> datetime.date:
    return datetime.date.fromisoformat(str(settings.ZHIBEN["STOCK_CUTOFF"]))


def stock_deadline() -> datetime.date:
    """The day by which the stock of major hazards was to be cleared (存量清零期限, a setting)."""
    return datetime.date.fromisoformat(str(settings.ZHIBEN["STOCK_DEADLINE"]))


def cohort(h: HazardLike, *, cutoff: datetime.date | None = None) -> str:
    return STOCK if h.discovered_on <= (cutoff or stock_cutoff()) else INCREMENT


REGULATOR, ENTERPRISE = "regulator", "enterprise"
REGULATOR_SOURCES = (Source.INSPECTION, Source.TIP)


def deadline_owner(h: HazardLike) -> str | None:
    """Whose the hazard's deadline is: ``regulator`` (责令限期整改 after an inspection or a tip) or
    ``enterprise`` (its own, for what it found itself); None without a deadline (DESIGN.md §3)."""
    if h.deadline is None:
        return None
    return REGULATOR if h.source in REGULATOR_SOURCES else ENTERPRISE


def due(h: HazardLike) -> datetime.date | None:
    """The deadline that governs: the earlier of the hazard's deadline and the listing's 督办期限."""
    days = [d for d in (h.deadline, h.supervision_deadline) if d is not None]
    return min(days) if days else None


def waiting_on_time(h: HazardLike) -> bool:
    """Submitted for close-out on or before its due day and waiting for the regulator's review."""
    if h.status != Status.PENDING_REVIEW or h.submitted_on is None:
        return False
    day = due(h)
    return day is None or h.submitted_on <= day


def clock(h: HazardLike) -> datetime.date | None:
    """The due day that the overdue count and the ladder run against: None when closed, cancelled or
    waiting for review after an on-time submission (review is the regulator's time)."""
    if h.status not in ACTIVE_STATUSES or waiting_on_time(h):
        return None
    return due(h)


def is_overdue(h: HazardLike, *, on: datetime.date | None = None) -> bool:
    return dates.is_past(clock(h), on=on or today())


def completed_on(h: HazardLike) -> datetime.date | None:
    """The enterprise's completion: its submission day, else (an old ledger's row) its close-out day."""
    return h.submitted_on or h.closed_on


def closed_on_time(h: HazardLike) -> bool:
    day, done = due(h), completed_on(h)
    return h.status == Status.CLOSED and day is not None and done is not None and done <= day


def is_listed(h: HazardLike) -> bool:
    return bool(h.supervision_level) and h.delisted_on is None


def review_days(h: HazardLike) -> int:
    """Calendar days the regulator has to review a close-out: ``REVIEW_DAYS_LISTED`` for a listed hazard
    (16号令: 10 days), ``REVIEW_DAYS`` otherwise (settings)."""
    key = "REVIEW_DAYS_LISTED" if is_listed(h) else "REVIEW_DAYS"
    return int(settings.ZHIBEN[key])


def review_due(h: HazardLike) -> datetime.date | None:
    """The day the review of a pending close-out falls due; None when nothing waits for review."""
    if h.status != Status.PENDING_REVIEW or h.submitted_on is None:
        return None
    return h.submitted_on + datetime.timedelta(days=review_days(h))


def review_overdue(h: HazardLike, *, on: datetime.date | None = None) -> bool:
    return dates.is_past(review_due(h), on=on or today())


def latest_deadline(discovered_on: datetime.date, *, on: datetime.date | None = None) -> datetime.date:
    """The latest deadline that may be set on ``on`` (today) for a hazard found on ``discovered_on``:
    ``RECTIFICATION_MAX_MONTHS`` (12) months after the later of the two, the same day of the month or
    the month's last; the calendar's last day at most.

    FACTS §1 (escalation practice, local rules) gives a rectification period of at most one year. Counted
    from the day the period is set, not from discovery, so that an old ledger's stock hazard typed in now
    with the programme's clearance deadline is accepted, while no plan or extension sets a deadline more
    than a year ahead (nor 9999-12-31)."""
    start = max(discovered_on, on or today())
    months = start.month - 1 + int(settings.ZHIBEN["RECTIFICATION_MAX_MONTHS"])
    year, month = start.year + months // 12, months % 12 + 1
    if year > datetime.MAXYEAR:
        return datetime.date.max
    return datetime.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def deadline_too_late(discovered_on: datetime.date, deadline: datetime.date) -> str:
    """The refusal of a deadline past ``latest_deadline`` today (naming the last allowed day), or ""."""
    latest = latest_deadline(discovered_on)
    if deadline <= latest:
        return ""
    months = int(settings.ZHIBEN["RECTIFICATION_MAX_MONTHS"])
    return f"整改期限最长为 {months} 个月，不能晚于 {latest:%Y-%m-%d}"


def extension_ask_by(deadline: datetime.date) -> datetime.date:
    """The last day an extension of ``deadline`` may be asked: ``EXTENSION_NOTICE_WORKING_DAYS`` (20)
    working days before it (FACTS §1, escalation practice) — asked on that day, the deadline is the 20th
    working day after it or later. Every earlier day qualifies too."""
    return dates.last_day_before(deadline, int(settings.ZHIBEN["EXTENSION_NOTICE_WORKING_DAYS"]))


# 电力: 国家发展改革委令第41号 第十八条 — a power enterprise reports a major hazard it finds to the 国家能源局
# 派出机构 and the local electricity department within 3 working days (FACTS §2; the order's text could not be
# read here: encoded from FACTS.md). Which sectors and how many working days are settings.
def regulator_report_due_for(
    *, sector: str, level: str, source: str, discovered_on: datetime.date
) -> datetime.date | None:
    """The day by which the enterprise reports a major hazard to its regulator (Beijing date):
    ``REGULATOR_REPORT_WORKING_DAYS`` (3) working days of the official calendar after ``discovered_on``
    (``dates.add_working_days``: the discovery day itself not counted), for a major hazard of a sector in
    ``REGULATOR_REPORT_SECTORS`` (power) that the enterprise found (not an inspection's or a tip's: the
    regulator found those itself); None otherwise."""
    if level != Level.MAJOR or source in REGULATOR_SOURCES:
        return None  # most hazards: no settings read (a 100,000-row ledger asks once per row)
    z = settings.ZHIBEN
    if sector not in z["REGULATOR_REPORT_SECTORS"]:
        return None
    return dates.add_working_days(discovered_on, int(z["REGULATOR_REPORT_WORKING_DAYS"]))


def reported_on(h: Any) -> datetime.date | None:
    """The day the regulator knew of the hazard: the earlier of its registration here (the regulator's own
    database, Beijing day of ``created_at``) and an explicit ``reported_to_regulator_on``."""
    days = [d for d in (h.reported_to_regulator_on, dates.beijing_day(h.created_at) if h.created_at else None) if d]
    return min(days) if days else None


def report_late(h: Any) -> bool:
    """Reported to the regulator after ``regulator_report_due`` (迟报; 第四十一号令 第十八条)."""
    due_day, day = h.regulator_report_due, reported_on(h)
    return due_day is not None and day is not None and day > due_day


def q_report_late() -> Q:
    """``report_late`` in SQL: registered after the report's due day and not reported by it otherwise."""
    registered = TruncDate("created_at", tzinfo=dates.zone())
    return (
        Q(regulator_report_due__isnull=False)
        & Q(regulator_report_due__lt=registered)
        & (Q(reported_to_regulator_on__isnull=True) | Q(reported_to_regulator_on__gt=F("regulator_report_due")))
    )


class ExtensionLike(Protocol):
    status: str
    extension_status: str
    extension_requested_on: datetime.date | None


def extension_decide_by(h: ExtensionLike) -> datetime.date | None:
    """The day a pending extension is to be decided by: ``EXTENSION_DECISION_WORKING_DAYS`` (10) working
    days after it was asked (FACTS §1, escalation practice); None when nothing is pending (or the hazard
    has left open/rectifying: nothing is left to extend)."""
    if (
        h.extension_status != ExtensionStatus.PENDING
        or h.extension_requested_on is None
        or h.status not in (Status.OPEN, Status.RECTIFYING)
    ):
        return None
    return dates.add_working_days(h.extension_requested_on, int(settings.ZHIBEN["EXTENSION_DECISION_WORKING_DAYS"]))


def extension_overdue(h: ExtensionLike, *, on: datetime.date | None = None) -> bool:
    """A pending extension not decided by ``extension_decide_by`` (the regulator's overdue)."""
    return dates.is_past(extension_decide_by(h), on=on or today())


def plan_days() -> int:
    return int(settings.ZHIBEN["PLAN_DAYS"])


def plan_due(h: HazardLike) -> datetime.date | None:
    """The day a major hazard's plan (五落实) was due: ``PLAN_DAYS`` after discovery; None for a general
    hazard or one that has left ``open`` (a plan moves it to rectifying)."""
    if h.level != Level.MAJOR or h.status != Status.OPEN:
        return None
    return h.discovered_on + datetime.timedelta(days=plan_days())


def without_plan(h: HazardLike, *, on: datetime.date | None = None) -> bool:
    """A major hazard with no plan (and so no plan deadline) past ``plan_due``."""
    return dates.is_past(plan_due(h), on=on or today())


# Listing levels by authority (DESIGN.md §3): an officer lists at most at the level of their own region.
LEVEL_RANK = {SupervisionLevel.PROVINCE: 2, SupervisionLevel.CITY: 4, SupervisionLevel.COUNTY: 6}


def listing_levels(*, role: str, region_code: str | None, is_admin: bool) -> list[str]:
    """The supervision levels an actor may list at (and de-list from), highest first: an admin every
    level; an officer or tip handler the levels at or below their region's, county at the lowest — a
    province officer any, a city officer city or county, a county officer county; a township officer none
    (a township is below the lowest listing level); anyone else none."""
    if is_admin:
        return list(LEVEL_RANK)
    if role not in ("officer", "tip_handler") or not region_code:
        return []
    return [level for level, length in LEVEL_RANK.items() if length >= len(region_code)]


def self_check_missed(h: HazardLike) -> bool:
    return h.level == Level.MAJOR and h.source in MISSED_SOURCES


# The same rules as queryset filters.
def q_cohort(value: str, *, cutoff: datetime.date | None = None) -> Q:
    boundary = cutoff or stock_cutoff()
    return Q(discovered_on__lte=boundary) if value == STOCK else Q(discovered_on__gt=boundary)


def q_counting() -> Q:
    """Active hazards whose due day counts for overdue: all but those waiting for review after an
    on-time submission."""
    late = (
        Q(submitted_on__isnull=True) | Q(deadline__lt=F("submitted_on")) | Q(supervision_deadline__lt=F("submitted_on"))
    )
    return Q(status__in=(Status.OPEN, Status.RECTIFYING)) | (Q(status=Status.PENDING_REVIEW) & late)


def q_overdue(*, on: datetime.date | None = None) -> Q:
    day = on or today()
    return q_counting() & (Q(deadline__lt=day) | Q(supervision_deadline__lt=day))


def q_active() -> Q:
    return Q(status__in=ACTIVE_STATUSES)


def q_listed() -> Q:
    return ~Q(supervision_level="") & Q(delisted_on__isnull=True)


def q_closed_on_time() -> Q:
    done = Coalesce(F("submitted_on"), F("closed_on"))
    return (
        Q(status=Status.CLOSED)
        & (Q(deadline__isnull=False) | Q(supervision_deadline__isnull=False))
        & (Q(deadline__isnull=True) | Q(deadline__gte=done))
        & (Q(supervision_deadline__isnull=True) | Q(supervision_deadline__gte=done))
    )


def q_review_overdue(*, on: datetime.date | None = None) -> Q:
    """Close-outs waiting for review past the review clock (``review_due`` before ``on``)."""
    day = on or today()
    listed = Q(submitted_on__lt=day - datetime.timedelta(days=int(settings.ZHIBEN["REVIEW_DAYS_LISTED"])))
    unlisted = Q(submitted_on__lt=day - datetime.timedelta(days=int(settings.ZHIBEN["REVIEW_DAYS"])))
    return Q(status=Status.PENDING_REVIEW) & ((q_listed() & listed) | (~q_listed() & unlisted))


def q_extension_overdue(*, on: datetime.date | None = None) -> Q:
    """Pending extensions of active hazards past their decision day (``extension_overdue``): asked before
    the first day whose decision day is not yet past (the decision day grows with the request day)."""
    first = dates.first_day_not_past(on or today(), int(settings.ZHIBEN["EXTENSION_DECISION_WORKING_DAYS"]))
    return Q(
        extension_status=ExtensionStatus.PENDING,
        status__in=(Status.OPEN, Status.RECTIFYING),
        extension_requested_on__lt=first,
    )


def q_without_plan(*, on: datetime.date | None = None) -> Q:
    """Major hazards still open (no plan, no plan deadline) past ``PLAN_DAYS`` after discovery."""
    day = on or today()
    return Q(level=Level.MAJOR, status=Status.OPEN, discovered_on__lt=day - datetime.timedelta(days=plan_days()))


def due_expression() -> Expression:
    """``due`` in SQL: the earlier of the deadline and the 督办期限 (either may be null)."""
    return Case(
        When(supervision_deadline__isnull=True, then=F("deadline")),
        When(deadline__isnull=True, then=F("supervision_deadline")),
        When(supervision_deadline__lt=F("deadline"), then=F("supervision_deadline")),
        default=F("deadline"),
        output_field=DateField(),
    )


def clock_expression() -> Expression:
    """``clock`` in SQL for active hazards: the due day when it counts for overdue, else null."""
    return Case(When(q_counting(), then=due_expression()), default=Value(None), output_field=DateField())


class AddDays(Func):
    """``date + n days`` in SQL, a date on both databases (SQLite's ``date()`` answers ISO text)."""

    output_field = DateField()

    def __init__(self, expression: Expression | str, days: int) -> None:
        super().__init__(F(expression) if isinstance(expression, str) else expression, Value(int(days)))

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="date(%(expressions)s || ' days')", arg_joiner=", '+' || ", **extra
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        template = "CAST(%(expressions)s AS date)"
        return self.as_sql(compiler, connection, template=template, arg_joiner=" + interval '1 day' * ", **extra)


def q_self_check_missed() -> Q:
    return Q(level=Level.MAJOR, source__in=MISSED_SOURCES)


def cohort_expression(*, cutoff: datetime.date | None = None) -> Expression:
    return Case(When(q_cohort(STOCK, cutoff=cutoff), then=Value(STOCK)), default=Value(INCREMENT))
