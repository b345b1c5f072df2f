"""Rate limits of the public tip endpoints, per client (django-ratelimit, in the cache: the client's
address is hashed into a short-lived cache key and never stored with a tip).

* submissions and follow-ups: ``TIP_RATE_LIMIT`` (e.g. ``10/h``);
* receipt look-ups: ``TIP_RECEIPT_RATE_LIMIT`` in all, and ``TIP_RECEIPT_FAILURES`` wrong codes, after
  which the client is locked out of every receipt look-up (even a right one) until the window ends —
  so guessing gets nowhere.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import is_ratelimited


def _rate(name: str) -> str:
    return str(settings.ZHIBEN[name])


def submission_limited(request: HttpRequest) -> bool:
    return is_ratelimited(request, group="tips.submit", key="ip", rate=_rate("TIP_RATE_LIMIT"), increment=True)


def lookup_limited(request: HttpRequest) -> bool:
    """Over the look-up limit, or locked out by earlier wrong codes (checked without counting)."""
    locked = is_ratelimited(
        request, group="tips.receipt.fail", key="ip", rate=_rate("TIP_RECEIPT_FAILURES"), increment=False
    )
    counted = is_ratelimited(
        request, group="tips.receipt", key="ip", rate=_rate("TIP_RECEIPT_RATE_LIMIT"), increment=True
    )
    return locked or counted


def lookup_failed(request: HttpRequest) -> None:
    is_ratelimited(request, group="tips.receipt.fail", key="ip", rate=_rate("TIP_RECEIPT_FAILURES"), increment=True)
