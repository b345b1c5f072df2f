"""Overdue tips join the escalation ladder (逾期升级): verification past its due day, or the reply to the
reporter past its due day, reach the same rungs as hazards (提醒 1, 函告 15, 通报 30, 约谈 60 days, the
settings of DESIGN.md §3). Each rung is recorded once per tip and due day; the run notifies, in one
digest each, the tip handlers and officers whose region covers the tips, and is an event in the chain."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.db import transaction

from zhiben.accounts.models import Role, User
from zhiben.audit.services import event_append
from zhiben.hazards.models import EscalationStep
from zhiben.hazards.sweep import rungs
from zhiben.notifications.models import Notification

from .models import Tip, TipEscalation, TipStatus


def tip_sweep(*, today: datetime.date) -> dict[str, int]:
    """Add the rung each overdue tip has reached today; idempotent."""
    ladder = rungs()
    counts: dict[str, int] = dict.fromkeys((s for s, _ in ladder), 0)
    with transaction.atomic():
        overdue = list(
            Tip.objects.filter(status=TipStatus.ACCEPTED, verification_due__lt=today).values_list(
                "id", "region_code", "verification_due"
            )
        ) + list(
            Tip.objects.filter(status=TipStatus.VERIFIED, reply_due__lt=today).values_list(
                "id", "region_code", "reply_due"
            )
        )
        known = set(
            TipEscalation.objects.filter(tip_id__in=[t for t, _, _ in overdue]).values_list("tip_id", "due", "step")
        )
        new: list[TipEscalation] = []
        for tip_id, region, due in overdue:
            if due is None:  # a verified tip always has its reply day; kept for the type checker
                continue
            late = (today - due).days
            reached = [step for step, days in ladder if late >= days]
            if not reached:
                continue
            step = reached[-1]
            higher = {s for s, _ in ladder[[s for s, _ in ladder].index(step) :]}
            if any((tip_id, due, s) in known for s in higher):
                continue
            new.append(TipEscalation(tip_id=tip_id, region_code=region, step=step, due=due, day=today))
            counts[step] += 1
        TipEscalation.objects.bulk_create(new, ignore_conflicts=True)
        if new:
            event_append(
                actor=None,
                subject_type="tip_sweep",
                subject_id=today.isoformat(),
                kind="escalated",
                payload={"on": today, "counts": counts, "tips": sorted(e.tip_id for e in new)},
            )
            Notification.objects.bulk_create(_digests(new, today))
    return counts


def _digests(new: list[TipEscalation], today: datetime.date) -> list[Notification]:
    labels = dict(EscalationStep.choices)
    out = []
    for user in User.objects.filter(is_active=True, role__in=[Role.TIP_HANDLER, Role.OFFICER, Role.ADMIN]):
        counts: dict[str, int] = defaultdict(int)
        for e in new:
            if user.role == Role.ADMIN or (user.region_id and e.region_code.startswith(user.region_id)):
                counts[e.step] += 1
        if counts:
            parts = [f"{labels[s]} {n} 件" for s, n in counts.items()]
            out.append(
                Notification(
                    user=user,
                    kind="escalation",
                    title=f"{today:%Y-%m-%d} 举报核查或答复超期：{'，'.join(parts)}",
                    body="以下举报已超过核查（60日，可延长一次30日）或答复（核查后10日）期限：\n"
                    + "\n".join(parts)
                    + "\n请尽快办理。",
                    link="/tips/?overdue=1",
                )
            )
    return out
