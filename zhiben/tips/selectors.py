"""Reads of tips, always scoped: officers and tip handlers of the region subtree, admins everywhere,
enterprise users never. Identity is not read here (services.tip_reporter does that, with an event)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from zhiben.accounts.models import User
from zhiben.accounts.scope import scoped
from zhiben.hazards import rules as hazard_rules

from .crypto import unseal
from .models import Tip, TipStatus


@dataclass(frozen=True)
class TipFilters:
    region: str | None = None
    status: str | None = None
    category: str | None = None
    overdue: bool | None = None


def q_overdue(on: datetime.date | None = None) -> Q:
    """Verification past due, or the reply to the reporter past due."""
    day = on or hazard_rules.today()
    return Q(status=TipStatus.ACCEPTED, verification_due__lt=day) | Q(status=TipStatus.VERIFIED, reply_due__lt=day)


def tip_list(*, actor: User, filters: TipFilters | None = None) -> QuerySet[Tip]:
    f = filters or TipFilters()
    qs = scoped(Tip.objects, actor).select_related("region", "reward")
    if f.region:
        qs = qs.filter(region_code__prefix=f.region)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.category:
        qs = qs.filter(category=f.category)
    if f.overdue is True:
        qs = qs.filter(q_overdue())
    elif f.overdue is False:
        qs = qs.exclude(q_overdue())
    return qs.order_by("verification_due", "id") if f.overdue else qs.order_by("-accepted_on", "-id")


def tip_get(*, actor: User, tip_id: int) -> Tip | None:
    return scoped(Tip.objects, actor).select_related("region", "hazard").filter(pk=tip_id).first()


def tip_content(tip: Tip) -> dict[str, Any]:
    """The tip's text (description, address), unsealed for a handler in scope or the receipt holder."""
    return dict(unseal(tip.content) or {})


def tip_messages(tip: Tip) -> list[dict[str, Any]]:
    return [
        {"from": "reporter" if m.from_reporter else "handler", "on": m.on, "body": unseal(m.body)}
        for m in tip.messages.all()
    ]


def is_overdue(tip: Tip, on: datetime.date | None = None) -> bool:
    day = on or hazard_rules.today()
    if tip.status == TipStatus.ACCEPTED:
        return tip.verification_due < day
    return tip.status == TipStatus.VERIFIED and tip.reply_due is not None and tip.reply_due < day
