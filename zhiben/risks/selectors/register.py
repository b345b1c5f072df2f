"""Reads of the risk register (风险分级管控清单, issue 15): units with their live events and measures, one unit's
events, the control measures, an enterprise's settings and the enterprises with their register grade. Every read
starts from the scoping functions of ``selectors/__init__.py``; a record outside the actor's scope is None here
(the callers' 404), exactly like a missing one. Deleted rows (soft delete) are never shown."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, Count, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from zhiben.accounts.models import Role, User
from zhiben.accounts.scope import scoped
from zhiben.common.errors import FieldErrors, NotFound
from zhiben.enterprises.models import Enterprise

from .. import rules
from ..models import ControlMeasure, RiskEvent, RiskProfile, RiskUnit
from . import enterprise_visible, events_visible, may_edit, measures_visible, profiles_visible, units_visible

Q_MAX = 40  # characters of a search kept


def grade_param(raw: str | None) -> str:
    """A grade filter: ``red``/``orange``/``yellow``/``blue`` or its Chinese name (重大风险 …), blank for any."""
    text = (raw or "").strip()
    if not text:
        return ""
    if text in rules.GRADES:
        return text
    for key, name in rules.GRADE_NAMES.items():
        if text in (name, name.removesuffix("风险")):
            return key
    raise FieldErrors({"grade": "风险等级应为 red（重大）、orange（较大）、yellow（一般）、blue（低）之一"})


def _live_events(base: QuerySet[RiskEvent] | None = None) -> QuerySet[RiskEvent]:
    measures = ControlMeasure.objects.filter(deleted=False).order_by("classify1", "classify2", "id")
    return (
        (RiskEvent.objects.all() if base is None else base)
        .filter(deleted=False)
        .order_by("-score", "id")
        .prefetch_related(Prefetch("measures", queryset=measures, to_attr="live_measures"))
    )


def with_register(qs: QuerySet[RiskUnit]) -> QuerySet[RiskUnit]:
    """Units with their live events (worst first) as ``live_events``, each with ``live_measures``: three queries
    whatever the number of rows."""
    return qs.select_related("enterprise").prefetch_related(
        Prefetch("events", queryset=_live_events(), to_attr="live_events")
    )


def unit_list(
    *, actor: Any, enterprise: str = "", grade: str = "", region: str = "", q: str = ""
) -> QuerySet[RiskUnit]:
    """The live risk units ``actor`` may see, with their events and measures (``with_register``), by enterprise
    (credit code; one out of scope answers ``NotFound``), grade (the unit's: its worst event's), region subtree
    (a code) and name, department or responsible person (``q``). Ordered by enterprise, then worst first."""
    qs = units_visible(actor).filter(deleted=False)
    if enterprise.strip():
        firm = enterprise_visible(actor, enterprise)
        qs = qs.filter(enterprise_id=firm.pk)
    grade = grade_param(grade)
    if grade:
        qs = qs.filter(grade=grade)
    if region.strip():
        qs = qs.filter(region__code__startswith=region.strip())
    words = q.strip()[:Q_MAX]
    if words:
        qs = qs.filter(Q(name__icontains=words) | Q(department__icontains=words) | Q(responsible__icontains=words))
    return with_register(qs).order_by("enterprise_id", "id")


def unit_get(*, actor: Any, unit_id: int) -> RiskUnit | None:
    """One live unit ``actor`` may see, with its events and measures; None when missing, deleted or out of scope."""
    return with_register(units_visible(actor).filter(pk=unit_id, deleted=False)).first()


def event_list(*, actor: Any, unit_id: int) -> QuerySet[RiskEvent]:
    """The live events of a unit ``actor`` may see (worst first, with ``live_measures``); ``NotFound`` for a unit
    missing, deleted or out of scope."""
    if not units_visible(actor).filter(pk=unit_id, deleted=False).exists():
        raise NotFound("风险分析单元不存在")
    return _live_events(events_visible(actor)).filter(unit_id=unit_id).select_related("unit")


def event_get(*, actor: Any, unit_id: int, event_id: int) -> RiskEvent | None:
    """One live event of a live unit, if ``actor`` may see it."""
    qs = _live_events(events_visible(actor)).filter(pk=event_id, unit_id=unit_id, unit__deleted=False)
    return qs.select_related("unit").first()


def measure_list(
    *, actor: Any, event: int | None = None, unit: int | None = None, enterprise: str = ""
) -> QuerySet[ControlMeasure]:
    """The live control measures ``actor`` may see, by event, unit and enterprise (credit code; out of scope
    answers ``NotFound``), with their event and unit."""
    qs = measures_visible(actor).filter(deleted=False, event__deleted=False, event__unit__deleted=False)
    if event is not None:
        qs = qs.filter(event_id=event)
    if unit is not None:
        qs = qs.filter(event__unit_id=unit)
    if enterprise.strip():
        firm = enterprise_visible(actor, enterprise)
        qs = qs.filter(enterprise_id=firm.pk)
    return qs.select_related("event", "event__unit").order_by("enterprise_id", "event_id", "id")


def measure_get(*, actor: Any, measure_id: int) -> ControlMeasure | None:
    """One live control measure ``actor`` may see."""
    return (
        measures_visible(actor)
        .filter(pk=measure_id, deleted=False, event__deleted=False, event__unit__deleted=False)
        .select_related("event", "event__unit")
        .first()
    )


def profile_of(*, actor: Any, key: Any) -> tuple[Enterprise, RiskProfile]:
    """An enterprise ``actor`` may see (pk or credit code; ``NotFound`` otherwise) and its settings — an unsaved
    default (LEC, no grade yet) when it has none."""
    firm = enterprise_visible(actor, key)
    profile = profiles_visible(actor).filter(enterprise_id=firm.pk).select_related("safety_manager").first()
    return firm, profile or RiskProfile(enterprise=firm)


def enterprises_graded(*, actor: Any, q: str = "", grade: str = "") -> QuerySet[Enterprise]:
    """The enterprises ``actor`` may see, each with ``register_grade`` (the grade its register gives, "" when none)
    and ``unit_count`` (live units), by name or credit code (``q``) and register grade; worst first, then by name.
    Two subqueries, one query whatever the number of rows."""
    grades = RiskProfile.objects.filter(enterprise_id=OuterRef("pk")).values("grade")[:1]
    units = (
        RiskUnit.objects.filter(enterprise_id=OuterRef("pk"), deleted=False)
        .order_by()
        .values("enterprise_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    qs = scoped(Enterprise.objects, actor).annotate(
        register_grade=Coalesce(Subquery(grades), Value("")),
        unit_count=Coalesce(Subquery(units, output_field=IntegerField()), Value(0)),
    )
    words = q.strip()[:Q_MAX]
    if words:
        qs = qs.filter(Q(name__icontains=words) | Q(credit_code__icontains=words.upper()))
    wanted = grade_param(grade)
    if wanted:
        qs = qs.filter(register_grade=wanted)
    # worst first: red, orange, yellow, blue, then the enterprises whose register gives no grade yet
    rank = Case(
        *(When(register_grade=g, then=Value(i)) for i, g in enumerate(rules.GRADES)),
        default=Value(len(rules.GRADES)),
        output_field=IntegerField(),
    )
    only = ("pk", "credit_code", "name", "region_id", "sector_id", "risk_level")
    return qs.only(*only).annotate(rank=rank).order_by("rank", "name", "pk")


def safety_manager_choices(*, actor: Any, enterprise: Enterprise) -> list[tuple[str, str]]:
    """``[(username, "姓名（username）")]`` of the active users of ``enterprise`` who may be its safety manager — only
    for one who may change its settings (``may_edit``; nobody else is shown the enterprise's accounts)."""
    if not may_edit(actor, enterprise.pk):
        return []
    people = User.objects.filter(enterprise_id=enterprise.pk, role=Role.ENTERPRISE, is_active=True).order_by("username")
    return [(u.username, f"{u.full_name or u.username}（{u.username}）") for u in people[:200]]
