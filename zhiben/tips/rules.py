"""The national reward rules and the tip deadlines (FACTS.md §3), as settings-driven pure functions.

《安全生产领域举报奖励办法》(安监总财〔2018〕19号):
* a major hazard or illegal production/operation: 15% of the administrative fine, at least 3,000 and
  at most 300,000 yuan;
* a concealed or falsely reported accident: per verified concealed death, by the accident's final grade
  (general 30,000, relatively major 40,000, major 50,000, especially major 60,000), at most 300,000;
* general hazards earn no national reward; only the first accepted tip on the same matter is rewarded,
  and only where the unit or the department had not found it (or had found it and not dealt with it).
Deadlines: verification within 60 days of acceptance, extendable once by 30 with a reason; the reply to
the reporter within 10 days of verification; 应急〔2023〕106号 (its text could not be read: per FACTS.md):
the reporter may object within 10 days of the reply and the re-review is due within 30 days of the
objection; the reward is claimed within 60 days of the reward notice.

What the texts were checked against (the search tool): the amounts (15%, 3,000–300,000 yuan; 30,000/
40,000/50,000/60,000 per concealed death; at most 300,000) against the 2018 revision's published summary
(人民日报 2018-02-01); feedback within 10 days of verification against the 2012 办法 (安监总财〔2012〕63号)
第十条（三）; the 60-day claim window and "逾期未领取奖金者，视为放弃领奖权利；能够说明理由的，可以适当延长领取时间"
against provincial implementing rules that repeat it. The 2018 text's article numbers could not be
read in full (only 第一条 to 第五条 were reachable), so the comments name the 办法, not its article.
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


def _plus(day: datetime.date, setting: str) -> datetime.date:
    return day + datetime.timedelta(days=int(settings.ZHIBEN[setting]))


def reply_due(verified_on: datetime.date) -> datetime.date:
    """The feedback (反馈) to the reporter: within 10 days of verification (2012 办法 第十条（三）)."""
    return _plus(verified_on, "TIP_REPLY_DAYS")


def objection_due(replied_on: datetime.date) -> datetime.date:
    """The last day the reporter may object (异议): 10 days after the reply (应急〔2023〕106号, per FACTS.md)."""
    return _plus(replied_on, "TIP_OBJECTION_DAYS")


def review_due(objected_on: datetime.date) -> datetime.date:
    """The re-review (复核) of an objection: within 30 days of it (应急〔2023〕106号, per FACTS.md)."""
    return _plus(objected_on, "TIP_REVIEW_DAYS")


def claim_due(notified_on: datetime.date) -> datetime.date:
    """The last day to claim a reward: 60 days after the reward notice (FACTS §3)."""
    return _plus(notified_on, "TIP_CLAIM_DAYS")


def real_name_only() -> bool:
    """Whether only real-name reporters are rewarded (the national rule; a setting for local rules)."""
    return bool(settings.ZHIBEN["TIP_REWARD_REAL_NAME_ONLY"])


def is_overdue(tip: Tip, on: datetime.date | None = None) -> bool:
    """Verification past due, the reply to the reporter past due, or the re-review of an objection past
    due (Beijing days; the due day itself is on time)."""
    if tip.status == TipStatus.ACCEPTED:
        return dates.is_past(tip.verification_due, on=on)
    if tip.status == TipStatus.VERIFIED:
        return dates.is_past(tip.reply_due, on=on)
    return tip.status == TipStatus.OBJECTED and dates.is_past(tip.review_due, on=on)


def q_overdue(on: datetime.date | None = None) -> Q:
    """The same rule as a queryset filter."""
    day = on or today()
    return (
        Q(status=TipStatus.ACCEPTED, verification_due__lt=day)
        | Q(status=TipStatus.VERIFIED, reply_due__lt=day)
        | Q(status=TipStatus.OBJECTED, review_due__lt=day)
    )


def q_claim_expired(on: datetime.date | None = None) -> Q:
    """Rewards notified, not paid, whose claim window has run out."""
    day = on or today()
    return Q(claim_due__lt=day, reward__paid_on__isnull=True)
