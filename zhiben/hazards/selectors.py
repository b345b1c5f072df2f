"""Reads of hazards, always through the actor's scope."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet

from zhiben.accounts.models import User
from zhiben.accounts.scope import scoped
from zhiben.audit.models import Event
from zhiben.audit.selectors import events_of
from zhiben.common.filters import apply, bind

from .filters import HazardFilterSet
from .models import Hazard


def hazard_list(*, actor: User, filters: Mapping[str, Any] | HazardFilterSet | None = None) -> QuerySet[Hazard]:
    """The hazards ``actor`` may see, cut by ``filters`` (query parameters, or a bound HazardFilterSet),
    newest discovery first.

    Raises FieldErrors ``{parameter: Chinese message}`` for an invalid parameter.
    """
    qs = scoped(Hazard.objects, actor).select_related("enterprise", "region", "sector", "criterion")
    return apply(bind(HazardFilterSet, filters), qs).order_by("-discovered_on", "-id")


def hazard_visible(*, actor: User, hazard_id: int) -> bool:
    """Whether the hazard is in ``actor``'s scope: a step reads its input only then, so that a bad input
    does not tell an outsider that the hazard exists (404 either way)."""
    return scoped(Hazard.objects, actor).filter(pk=hazard_id).exists()


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
