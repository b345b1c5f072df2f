""" "Today" and "overdue", in one place for every register (DESIGN.md §3, §5).

zhiben's calendar is Beijing's (TIME_ZONE = Asia/Shanghai): a deadline is a Beijing date, and a thing is
overdue from the day after its deadline. Every register and engine asks here, never ``date.today()``.
"""

from __future__ import annotations

import datetime
import functools
import zoneinfo

from django.conf import settings
from django.utils import timezone


def today() -> datetime.date:
    """The Beijing calendar day now (``TIME_ZONE = Asia/Shanghai``).

    Read straight from the configured zone rather than Django's per-request current zone (``localdate``):
    a ledger import asks once per row, and zhiben never activates another zone."""
    return timezone.now().astimezone(_zone(settings.TIME_ZONE)).date()


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
