"""Derived figures of a hazard, in one place, as Python (for one row) and as SQL (for filters and counts).

- cohort: ``stock`` (存量) if discovered on or before the stock cut-off (a setting: plans differ), else
  ``increment`` (增量) — FACTS §1 programme targets.
- overdue: not closed or cancelled, and today (Beijing calendar day) is past the deadline; a hazard
  with no deadline is never overdue.
- closed_on_time: closed on or before its deadline.
- self_check_missed: a major hazard found by ``inspection`` or a ``tip`` — "有问题查不出" is treated like an
  accident (参照事故调查处理) and flagged for accountability.
"""

from __future__ import annotations

import datetime
from typing import Protocol

from django.conf import settings
from django.db.models import Case, F, Q, Value, When
from django.db.models.expressions import Expression

from zhiben.common import dates

from .models import ACTIVE_STATUSES, Level, Source, Status

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


# "Today" is the Beijing day, computed in one place for every register (zhiben/common/dates.py).
today = dates.today


def stock_cutoff() -> datetime.date:
    return datetime.date.fromisoformat(str(settings.ZHIBEN["STOCK_CUTOFF"]))


def stock_deadline() -> datetime.date:
    """The day by which the stock of major hazards was to be cleared (存量清零期限, a setting)."""
    return datetime.date.fromisoformat(str(settings.ZHIBEN["STOCK_DEADLINE"]))


def cohort(h: HazardLike, *, cutoff: datetime.date | None = None) -> str:
    return STOCK if h.discovered_on <= (cutoff or stock_cutoff()) else INCREMENT


def is_overdue(h: HazardLike, *, on: datetime.date | None = None) -> bool:
    return h.status in ACTIVE_STATUSES and dates.is_past(h.deadline, on=on)


def closed_on_time(h: HazardLike) -> bool:
    return (
        h.status == Status.CLOSED and h.deadline is not None and h.closed_on is not None and h.closed_on <= h.deadline
    )


def self_check_missed(h: HazardLike) -> bool:
    return h.level == Level.MAJOR and h.source in MISSED_SOURCES


# The same rules as queryset filters.
def q_cohort(value: str, *, cutoff: datetime.date | None = None) -> Q:
    boundary = cutoff or stock_cutoff()
    return Q(discovered_on__lte=boundary) if value == STOCK else Q(discovered_on__gt=boundary)


def q_overdue(*, on: datetime.date | None = None) -> Q:
    return Q(status__in=ACTIVE_STATUSES, deadline__lt=on or today())


def q_active() -> Q:
    return Q(status__in=ACTIVE_STATUSES)


def q_closed_on_time() -> Q:
    return Q(status=Status.CLOSED, deadline__isnull=False, closed_on__lte=F("deadline"))


def q_self_check_missed() -> Q:
    return Q(level=Level.MAJOR, source__in=MISSED_SOURCES)


def cohort_expression(*, cutoff: datetime.date | None = None) -> Expression:
    return Case(When(q_cohort(STOCK, cutoff=cutoff), then=Value(STOCK)), default=Value(INCREMENT))
