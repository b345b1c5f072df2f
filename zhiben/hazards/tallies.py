"""The hazard register's tallies: what one hazard contributes to the summary counts (DESIGN.md §5).

The services compute the shape before and after a change and hand the pair to the ``tallies_changed``
hook (zhiben/common/hooks.py) in the same transaction; the analytics engine keeps the counts.
Cancelled hazards count nowhere (DESIGN.md §6: cancelled hazards are left out of every figure).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from . import rules
from .models import ACTIVE_STATUSES, Hazard, Level, Status

SUBJECT = "hazard"


@dataclass(frozen=True)
class Shape:
    """What one hazard contributes to the counts."""

    enterprise: int
    region: str
    sector: str
    source: str
    level: str
    cohort: str
    month: str
    active: bool
    closed: bool
    closed_on_time: bool
    listed: bool
    # The due day the overdue count runs against (``rules.clock``): None when closed, or waiting for review
    # after an on-time submission, so that such a hazard never counts as overdue whenever it is reviewed.
    deadline: datetime.date | None
    # The closed loop's dated facts: the submission day of a close-out waiting for review, and the
    # close-out day of a closed stock major hazard (the business date the stock clearance is judged on).
    submitted_on: datetime.date | None = None
    stock_closed_on: datetime.date | None = None


def shape_of(h: Hazard) -> Shape | None:
    if h.status == Status.CANCELLED:
        return None
    return Shape(
        enterprise=h.enterprise_id,
        region=h.region_id,
        sector=h.sector_id,
        source=h.source,
        level=h.level,
        cohort=rules.cohort(h),
        month=h.discovered_on.strftime("%Y-%m"),
        active=h.status in ACTIVE_STATUSES,
        closed=h.status == Status.CLOSED,
        closed_on_time=rules.closed_on_time(h),
        listed=h.listed,
        deadline=rules.clock(h),
        submitted_on=h.submitted_on if h.status == Status.PENDING_REVIEW else None,
        stock_closed_on=h.closed_on if _stock_closed(h) else None,
    )


def _stock_closed(h: Hazard) -> bool:
    return h.status == Status.CLOSED and h.level == Level.MAJOR and rules.cohort(h) == rules.STOCK
