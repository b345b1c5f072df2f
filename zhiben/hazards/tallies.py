"""The hazard register's tallies: what one hazard contributes to the summary counts (DESIGN.md §5).

The services compute the shape before and after a change and hand the pair to the ``tallies_changed``
hook (zhiben/common/hooks.py) in the same transaction; the analytics engine keeps the counts.
Cancelled hazards count nowhere (DESIGN.md §6: cancelled hazards are left out of every figure).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from . import rules
from .models import ACTIVE_STATUSES, Hazard, Status

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
    deadline: datetime.date | None


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
        deadline=h.deadline,
    )
