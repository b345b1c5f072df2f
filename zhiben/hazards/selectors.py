"""Reads of hazards, always through the actor's scope."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import Case, DateField, Q, QuerySet, When

from zhiben.accounts.models import Role, User
from zhiben.accounts.scope import scoped
from zhiben.audit.models import Event
from zhiben.audit.selectors import events_of
from zhiben.common.filters import apply, bind

from . import rules
from .filters import HazardFilterSet
from .models import TIMELINE, Attachment, Escalation, ExtensionStatus, Hazard, Level, PlanEscalation, Status

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
    escalations: list[Any] = (
        list(known) if known is not None else list(hazard.escalations.select_related("sweep").order_by("id"))
    )
    if known is None and hazard.level == Level.MAJOR:  # only a major hazard can lack its plan on the ladder
        escalations += list(hazard.plan_escalations.select_related("sweep").order_by("id"))
    for e in escalations:
        at = e.sweep.finished_at or e.sweep.started_at
        extra = {"source": "plan"} if isinstance(e, PlanEscalation) else {}
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
                    **extra,
                },
            )
        )
    return sorted(events, key=lambda ev: ev.at)


# ----------------------------------------------------------------------------------------- business dates
def stock_remaining_at_deadline(*, actor: User, region: str | None = None, day: datetime.date | None = None) -> int:
    """The stock major hazards (存量, discovered on or before the cut-off) known now, in ``actor``'s scope
    under ``region`` (a code), that were not closed on or before ``day`` (default: the stock deadline) by
    their close-out date (``closed_on``), whenever they were typed in: a 2023 hazard entered today and
    still open counts (DESIGN.md §3, business dates). Cancelled hazards count nowhere. One count over the
    actor's stock rows: the figures read the summary counts instead (analytics), this is their check and
    an enterprise user's own answer."""
    deadline = day or rules.stock_deadline()
    qs = scoped(Hazard.objects, actor).filter(rules.q_cohort(rules.STOCK), level=Level.MAJOR)
    if region:
        qs = qs.filter(region__code__prefix=region)
    not_by_then = rules.q_active() | Q(status=Status.CLOSED, closed_on__gt=deadline)
    return qs.filter(not_by_then).order_by().count()


# ----------------------------------------------------------------------------------------- to-do lists
# What waits on ``user`` (the to-do list and the notices read these): each a scoped queryset, oldest first.
def _regulator(user: User) -> bool:
    return user.role in (Role.ADMIN, Role.OFFICER, Role.TIP_HANDLER)


def extensions_to_decide(user: User) -> QuerySet[Hazard]:
    """Hazards in ``user``'s scope with a pending extension (延期申请) ``user`` may decide: a regulator who
    did not ask for it. Each has ``extension_deadline``, ``extension_reason``, ``deadline`` (the one that
    stands) and ``extension_requested_by_id``; oldest request first."""
    if not _regulator(user):
        return Hazard.objects.none()
    return (
        scoped(Hazard.objects, user)
        .filter(extension_status=ExtensionStatus.PENDING, status__in=(Status.OPEN, Status.RECTIFYING))
        .exclude(extension_requested_by=user)
        .select_related("enterprise")
        .order_by("deadline", "id")
    )


def reviews_waiting(user: User) -> QuerySet[Hazard]:
    """Close-outs waiting for ``user``'s review (审核销号): in scope, pending review, not submitted by
    ``user``; regulators only. Each is annotated ``review_due`` (a date: ``submitted_on`` plus the review
    clock, ``rules.review_due``); the earliest due first."""
    if not _regulator(user):
        return Hazard.objects.none()
    listed_days = int(settings.ZHIBEN["REVIEW_DAYS_LISTED"])
    days = int(settings.ZHIBEN["REVIEW_DAYS"])
    due = Case(
        When(rules.q_listed(), then=rules.AddDays("submitted_on", listed_days)),
        default=rules.AddDays("submitted_on", days),
        output_field=DateField(),
    )
    return (
        scoped(Hazard.objects, user)
        .filter(status=Status.PENDING_REVIEW)
        .exclude(submitted_by=user)
        .select_related("enterprise")
        .annotate(review_due=due)
        .order_by("review_due", "id")
    )


def cancellations_to_confirm(user: User) -> QuerySet[Hazard]:
    """Major hazards in ``user``'s scope whose cancellation (撤销) another regulator proposed and ``user``
    may confirm (``cancel_proposed_by`` set, not ``user``); regulators only."""
    if not _regulator(user):
        return Hazard.objects.none()
    return (
        scoped(Hazard.objects, user)
        .filter(rules.q_active(), level=Level.MAJOR, cancel_proposed_by__isnull=False)
        .exclude(cancel_proposed_by=user)
        .select_related("enterprise")
        .order_by("id")
    )


def hazards_without_plan(user: User) -> QuerySet[Hazard]:
    """Major hazards in ``user``'s scope (an enterprise user: its own) still without a plan (五落实)
    ``PLAN_DAYS`` after discovery (``rules.q_without_plan``), annotated ``plan_due`` (the day the plan was
    due); the earliest due first."""
    return (
        scoped(Hazard.objects, user)
        .filter(rules.q_without_plan())
        .select_related("enterprise")
        .annotate(plan_due=rules.AddDays("discovered_on", rules.plan_days()))
        .order_by("discovered_on", "id")
    )


# ----------------------------------------------------------------------------------------- public
PUBLIC_LISTING_FIELDS = (
    "id",
    "region_id",
    "region__name",
    "enterprise__name",
    "title",
    "supervision_level",
    "listed_on",
    "supervision_deadline",
    "supervision_notice_no",
)


def current_listings(*, region: str | None = None) -> QuerySet[Hazard, dict[str, Any]]:
    """The supervision listings in force (挂牌督办, not de-listed, the hazard not cancelled), published to
    everyone (DESIGN.md §3): under ``region`` (a code prefix) when given, as rows of
    ``PUBLIC_LISTING_FIELDS`` only — enterprise name, title, level, listed on, 督办期限, notice number
    and region; nothing else of the hazard. Newest listing first. Deliberately not scoped: the listing is
    a public act."""
    qs = Hazard.objects.filter(rules.q_listed()).exclude(status=Status.CANCELLED)
    if region:
        qs = qs.filter(region__code__prefix=region)
    return qs.order_by("-listed_on", "-id").values(*PUBLIC_LISTING_FIELDS)
