"""Reads of hazards, always through the actor's scope."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from zhiben.accounts.models import User
from zhiben.accounts.scope import scoped
from zhiben.audit.models import Event
from zhiben.audit.selectors import events_of

from . import rules
from .models import Hazard


@dataclass(frozen=True)
class HazardFilters:
    region: str | None = None
    sector: str | None = None
    level: str | None = None
    status: str | None = None
    source: str | None = None
    cohort: str | None = None
    overdue: bool | None = None
    listed: bool | None = None
    enterprise: str | None = None
    q: str | None = None
    self_check_missed: bool | None = None


def hazard_list(
    *, actor: User, filters: HazardFilters | None = None, today: datetime.date | None = None
) -> QuerySet[Hazard]:
    qs = scoped(Hazard.objects, actor).select_related("enterprise", "region", "sector", "criterion")
    f = filters or HazardFilters()
    if f.region:
        qs = qs.filter(region__code__prefix=f.region)
    if f.sector:
        qs = qs.filter(sector_id=f.sector)
    if f.level:
        qs = qs.filter(level=f.level)
    if f.status == "active":  # the figures' "open": neither closed nor cancelled
        qs = qs.filter(rules.q_active())
    elif f.status:
        qs = qs.filter(status=f.status)
    if f.source:
        qs = qs.filter(source=f.source)
    if f.cohort:
        qs = qs.filter(rules.q_cohort(f.cohort))
    if f.overdue is True:
        qs = qs.filter(rules.q_overdue(on=today))
    elif f.overdue is False:
        qs = qs.exclude(rules.q_overdue(on=today))
    if f.listed is True:
        qs = qs.exclude(supervision_level="")
    elif f.listed is False:
        qs = qs.filter(supervision_level="")
    if f.enterprise:
        qs = qs.filter(enterprise__credit_code=f.enterprise.strip().upper())
    if f.self_check_missed is True:
        qs = qs.filter(rules.q_self_check_missed())
    if f.q:
        term = f.q.strip()
        qs = qs.filter(Q(title__icontains=term) | Q(enterprise__name__icontains=term) | Q(location__icontains=term))
    return qs.order_by("-discovered_on", "-id")


def hazard_get(*, actor: User, hazard_id: int) -> Hazard | None:
    """One hazard in scope (missing and forbidden look the same)."""
    return (
        scoped(Hazard.objects, actor)
        .select_related("enterprise", "region", "sector", "criterion", "criterion__standard", "submitted_by")
        .prefetch_related("attachments")
        .filter(pk=hazard_id)
        .first()
    )


@dataclass
class TimelineEntry:
    """An escalation shown in the timeline beside the events (the sweep's own event covers it)."""

    id: int
    kind: str
    at: datetime.datetime
    actor_name: str
    actor_id: int | None
    payload: dict[str, Any]
    subject_type: str = "hazard"


def hazard_events(hazard: Hazard) -> list[Event | TimelineEntry]:
    """The hazard's full timeline (全过程记录), oldest first: its events and its escalations.
    The caller has checked scope."""
    events: list[Event | TimelineEntry] = list(events_of(subject_type="hazard", subject_id=str(hazard.pk)))
    for e in hazard.escalations.select_related("sweep").order_by("id"):
        at = e.sweep.finished_at or e.sweep.started_at
        events.append(
            TimelineEntry(
                id=0,
                kind="escalated",
                at=at,
                actor_name="系统（逾期升级）",
                actor_id=None,
                payload={
                    "step": e.step,
                    "label": e.get_step_display(),
                    "deadline": e.deadline,
                    "on": e.escalated_on,
                    "sweep": e.sweep_id,
                },
            )
        )
    return sorted(events, key=lambda ev: ev.at)
