"""The national reward rules and the tip deadlines (FACTS.md §3), as settings-driven pure functions.

《安全生产领域举报奖励办法》(安监总财〔2018〕19号):
* a major hazard or illegal production/operation: 15% of the administrative fine, at least 3,000 and
  at most 300,000 yuan;
* a concealed or falsely reported accident: per verified concealed death, by the accident's final grade
  (general 30,000, relatively major 40,000, major 50,000, especially major 60,000), at most 300,000;
* general hazards earn no national reward; only the first accepted tip on the same matter is rewarded,
  and only where the unit or the department had not found it (or had found it and not dealt with it).
Deadlines: verification within 60 days of acceptance, extendable once by 30 with a reason; the reply to
the reporter within 10 days of verification.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.db.models import Q

from zhiben.common import dates
from zhiben.common.dates import today

from .models import Tip, TipStatus

CENT = Decimal("0.01")


def _rules() -> dict[str, object]:
    return dict(settings.ZHIBEN["TIP_REWARD"])


def violation_reward(fine: Decimal) -> Decimal:
    """15% of the fine, clamped to [3,000, 300,000] yuan (FACTS §3)."""
    r = _rules()
    amount = (Decimal(fine) * Decimal(str(r["rate"]))).quantize(CENT, ROUND_HALF_UP)
    return min(max(amount, Decimal(str(r["min"]))), Decimal(str(r["max"])))


def concealed_accident_reward(deaths: int, grade: str) -> Decimal:
    """Per concealed death by the accident's final grade, at most 300,000 yuan (FACTS §3)."""
    r = _rules()
    per_death: dict[str, int] = r["per_death"]  # type: ignore[assignment]
    amount = Decimal(per_death[grade]) * deaths
    return min(amount, Decimal(str(r["max_accident"]))).quantize(CENT)


def max_reward() -> Decimal:
    """The most any reward can be (FACTS §3: 300,000 yuan for a violation or for a concealed accident)."""
    r = _rules()
    return max(Decimal(str(r["max"])), Decimal(str(r["max_accident"])))


def verification_due(accepted_on: datetime.date, *, extended: bool = False) -> datetime.date:
    days = int(settings.ZHIBEN["TIP_VERIFY_DAYS"]) + (int(settings.ZHIBEN["TIP_EXTENSION_DAYS"]) if extended else 0)
    return accepted_on + datetime.timedelta(days=days)


def reply_due(verified_on: datetime.date) -> datetime.date:
    return verified_on + datetime.timedelta(days=int(settings.ZHIBEN["TIP_REPLY_DAYS"]))


def is_overdue(tip: Tip, on: datetime.date | None = None) -> bool:
    """Verification past due, or the reply to the reporter past due (Beijing days)."""
    if tip.status == TipStatus.ACCEPTED:
        return dates.is_past(tip.verification_due, on=on)
    return tip.status == TipStatus.VERIFIED and dates.is_past(tip.reply_due, on=on)


def q_overdue(on: datetime.date | None = None) -> Q:
    """The same rule as a queryset filter."""
    day = on or today()
    return Q(status=TipStatus.ACCEPTED, verification_due__lt=day) | Q(status=TipStatus.VERIFIED, reply_due__lt=day)
