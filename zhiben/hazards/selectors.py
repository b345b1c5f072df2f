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
from .models import TIMELINE, Attachment, Escalation, Hazard

# What a list row shows on the pages and in the exports (names); the API's rows show ids and the enterprise.
LIST_RELATED = ("enterprise", "region", "sector", "criterion")
API_LIST_RELATED = ("enterprise",)


def hazard_list(
    *,
    actor: User,
    filters: Mapping[str, Any] | HazardFilterSet | None = None,
    related: tuple[str, ...] = LIST_RELATED,
) -> QuerySet[Hazard]:
    """The hazards ``actor`` may see, cut by ``filters`` (query parameters, or a bound HazardFilterSet),
    newest discovery first, the relations ``related`` joined (the pages' and exports' by default).

    Raises FieldErrors ``{parameter: Chinese message}`` for an invalid parameter.
    """
    qs = scoped(Hazard.objects, actor).select_related(*related)
    return apply(bind(HazardFilterSet, filters), qs).order_by("-discovered_on", "-id")


def hazard_visible(*, actor: User, hazard_id: int) -> bool:
    """Whether the hazard is in ``actor``'s scope: a step reads its input only then, so that a bad input
    does not tell an outsider that the hazard exists (404 either way)."""
    return scoped(Hazard.objects, actor).filter(pk=hazard_id).exists()


# What the pages show of a hazard's relations (names, the criterion's standard, who submitted it).
PAGE_RELATED = ("enterprise", "region", "sector", "criterion", "criterion__standard", "submitted_by")
# What the API's detail shows: ids, and the enterprise's code and name. PostgreSQL plans a join of seven
# tables in ~2 ms, longer than it runs it; every write endpoint answers with this detail.
API_RELATED = ("enterprise",)


def hazard_get(*, actor: User, hazard_id: int, related: tuple[str, ...] = PAGE_RELATED) -> Hazard | None:
    """One hazard in scope (missing and forbidden look the same), its attachments prefetched and the
    relations ``related`` joined (the pages' by default, ``API_RELATED`` for the API's detail)."""
    return (
        scoped(Hazard.objects, actor)
        .select_related(*related)
        .prefetch_related("attachments")
        .filter(pk=hazard_id)
        .first()
    )


def hazard_recorded(hazard: Hazard) -> Hazard:
    """``hazard`` as ``hazard_create`` returned it for a body without files, ready for the API's detail
    without reading it back: it can have no attachments and no escalations yet, and it carries the events
    it was recorded with, so nothing is read (its creator may see it; its enterprise is loaded). Only for
    an answer made at once."""
    hazard._prefetched_objects_cache = {  # type: ignore[attr-defined]  # Django sets it on prefetch
        "attachments": Attachment.objects.none(),
        "escalations": Escalation.objects.none(),
    }
    return hazard


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
    written = hazard.__dict__.get(TIMELINE)  # recorded in this request: the events hazard_create wrote
    events: list[Event | TimelineEntry] = (
        list(written) if written is not None else list(events_of(subject_type="hazard", subject_id=str(hazard.pk)))
    )
    # A hazard recorded in this request carries its (empty) escalations: nothing to read (hazard_recorded).
    known = getattr(hazard, "_prefetched_objects_cache", {}).get("escalations")
    escalations = known if known is not None else hazard.escalations.select_related("sweep").order_by("id")
    for e in escalations:
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
