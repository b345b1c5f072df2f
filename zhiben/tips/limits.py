"""Rate limits of the public tip endpoints, per client (django-ratelimit, in the cache: the client's
address is hashed into a short-lived cache key and never stored with a tip).

* submissions and follow-ups: ``TIP_RATE_LIMIT`` (e.g. ``10/h``) accepted ones — a tip or an addition
  refused for bad input costs nothing, so that a reporter correcting a form is not locked out by it;
* receipt look-ups: ``TIP_RECEIPT_RATE_LIMIT`` in all, and ``TIP_RECEIPT_FAILURES`` wrong codes, after
  which the client is locked out of every receipt look-up (even a right one) until the window ends —
  so guessing gets nowhere.

A client over a limit is told when it may try again (:class:`Limited`), in Beijing time.
"""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django_ratelimit.core import get_usage

SUBMIT = "tips.submit"
LOOKUP = "tips.receipt"
LOOKUP_FAILURES = "tips.receipt.fail"


@dataclass(frozen=True)
class Limited:
    """A refusal for the rate: ``seconds`` until the client's window ends."""

    seconds: int

    @property
    def retry_at(self) -> datetime.datetime:
        """When the window ends, in Beijing time (TIME_ZONE), rounded up to the minute."""
        at = timezone.localtime(timezone.now() + datetime.timedelta(seconds=self.seconds))
        return (at + datetime.timedelta(minutes=1)).replace(second=0, microsecond=0) if at.second else at

    def message(self, what: str = "提交") -> str:
        """e.g. 「提交过于频繁，请于 14:05 后再试（约 12 分钟后，北京时间）」."""
        minutes = max(1, math.ceil(self.seconds / 60))
        return f"{what}过于频繁，请于 {self.retry_at:%H:%M} 后再试（约 {minutes} 分钟后，北京时间）"


def _rate(name: str) -> str:
    return str(settings.ZHIBEN[name])


def _usage(request: HttpRequest, group: str, rate: str, *, increment: bool) -> dict[str, Any] | None:
    return get_usage(request, group=group, key="ip", rate=_rate(rate), increment=increment)


def _full(request: HttpRequest, group: str, rate: str) -> Limited | None:
    """Whether one more would be over the limit, without counting it."""
    usage = _usage(request, group, rate, increment=False)
    if usage is None or usage["count"] < usage["limit"]:
        return None
    return Limited(seconds=max(1, int(usage["time_left"])))


def submission_limited(request: HttpRequest) -> Limited | None:
    """Whether the client has used up its accepted submissions (a tip or an addition), without counting."""
    return _full(request, SUBMIT, "TIP_RATE_LIMIT")


def submission_accepted(request: HttpRequest) -> None:
    """Count an accepted submission toward the client's limit (only accepted ones count)."""
    _usage(request, SUBMIT, "TIP_RATE_LIMIT", increment=True)


def lookup_limited(request: HttpRequest) -> Limited | None:
    """Over the look-up limit (this look-up counted), or locked out by earlier wrong codes (checked
    without counting)."""
    failures = _usage(request, LOOKUP_FAILURES, "TIP_RECEIPT_FAILURES", increment=False)
    locked = Limited(max(1, int(failures["time_left"]))) if failures and failures["should_limit"] else None
    usage = _usage(request, LOOKUP, "TIP_RECEIPT_RATE_LIMIT", increment=True)
    counted = Limited(max(1, int(usage["time_left"]))) if usage and usage["should_limit"] else None
    if locked and counted:
        return max(locked, counted, key=lambda limited: limited.seconds)
    return locked or counted


def lookup_failed(request: HttpRequest) -> None:
    _usage(request, LOOKUP_FAILURES, "TIP_RECEIPT_FAILURES", increment=True)
