"""The reads of the inspection on site: the scoped list with its filters (one declaration for the API and the
page), one inspection with its team, checklist, findings, photos and what was ordered, the people a team may be
made of, and the records an inspection may start from. Every read starts from the scope functions of
``selectors/__init__.py`` (``inspections_visible``, ``unit_filter``) or ``accounts.scope.scoped``."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

import django_filters
from django import forms
from django.db.models import (
    Count,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce

from zhiben.accounts.models import Role, User
from zhiben.accounts.scope import scoped
from zhiben.audit.models import Event
from zhiben.audit.selectors import events_of
from zhiben.common.dates import beijing_day
from zhiben.common.filters import ChoiceFilter, CodeFilter, Described, FilterSet, apply, bind
from zhiben.common.inputs import DayField
from zhiben.departments.selectors import ancestor_codes
from zhiben.regions.filters import RegionFilter

from ..models import (
    CheckItem,
    CheckResult,
    Draw,
    Expert,
    Finding,
    Inspection,
    InspectionFlag,
    InspectionKind,
    InspectionPhoto,
    InspectionStatus,
    LawOfficer,
    Order,
    Penalty,
    PlanItem,
    TeamMember,
)
from . import inspection_get, inspections_visible, unit_filter

SUBJECT = "inspection"  # the subject type of the register's events


# ------------------------------------------------------------------------------------------- filters
class DayFilter(Described, django_filters.Filter):
    """The rows whose ``field_name`` is on or after (``lookup_expr="gte"``) or on or before (``"lte"``) a
    Beijing day, read as every date of the project (``dates.parse_day``)."""

    field_class = DayField

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}))
        super().__init__(**kwargs)

    def filter(self, qs: QuerySet[Any], value: Any) -> QuerySet[Any]:
        if value in (None, ""):
            return qs
        return qs.filter(**{f"{self.field_name}__{self.lookup_expr}": value})


def _flag(value: str) -> Q:
    # the flags are a JSON list of fixed keys: the key in quotes is found in its text on every backend
    return Q(flags__icontains=f'"{value}"')


class InspectionFilterSet(FilterSet):
    """``GET /api/v1/inspections`` and the list page: ``region`` (subtree), ``department`` (unit id),
    ``enterprise`` (credit code), ``kind``, ``flag``, ``from``/``to`` (inspection day, inclusive), ``status``."""

    region = RegionFilter()
    department = django_filters.NumberFilter(
        label="检查单位",
        field_name="department_id",
        min_value=1,
        max_value=2**63 - 1,
        widget=forms.HiddenInput,
        error_messages={"invalid": "应为单位编号（整数）"},
    )
    enterprise = CodeFilter(label="统一社会信用代码", field_name="enterprise__credit_code", max_length=30)
    kind = ChoiceFilter(label="检查方式", choices=InspectionKind.choices)
    flag = ChoiceFilter(label="检查形式", choices=InspectionFlag.choices, q=_flag)
    status = ChoiceFilter(label="状态", choices=InspectionStatus.choices)

    class Meta:
        model = Inspection
        fields: list[str] = []


# ``from`` and ``to`` are the API's names (a keyword in Python): added to the declaration by name.
for _name, _lookup, _label in (("from", "gte", "检查日期自"), ("to", "lte", "检查日期至")):
    _filter = DayFilter(label=_label, field_name="on", lookup_expr=_lookup, description=f"{_label}（含当日）")
    InspectionFilterSet.base_filters[_name] = _filter
    InspectionFilterSet.declared_filters[_name] = _filter


def _counted(model: Any, **where: Any) -> Coalesce:
    """A per-inspection count as a subquery (two counts by joins would multiply each other)."""
    rows = (
        model.objects.filter(inspection=OuterRef("pk"), **where)
        .order_by()
        .values("inspection")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def inspection_list(*, actor: User, filters: Mapping[str, Any] | FilterSet | None = None) -> QuerySet[Inspection]:
    """The inspections ``actor`` may see (``inspections_visible``), cut by ``filters``, latest day first, each
    with ``items_total``, ``items_failed``, ``items_pending``, ``findings_total`` and its enterprise, region,
    sector and unit loaded (a fixed number of queries, whatever the rows). Raises FieldErrors naming each bad
    parameter."""
    filterset = bind(InspectionFilterSet, filters)
    qs = apply(filterset, inspections_visible(actor))
    return (
        qs.select_related("enterprise", "region", "sector", "department")
        .annotate(
            items_total=_counted(CheckItem),
            items_failed=_counted(CheckItem, result=CheckResult.FAIL),
            items_pending=_counted(CheckItem, result=CheckResult.PENDING),
            findings_total=_counted(Finding),
        )
        .order_by("-on", "-id")
    )


def inspection_detail(*, actor: User, inspection_id: int) -> Inspection | None:
    """One inspection with everything its page and the API show: the team, the checklist (with each clause and
    its standard), the findings (with their hazards), the photos, the orders and penalties; None when the actor
    may not see it."""
    found = inspection_get(actor=actor, inspection_id=inspection_id)
    if found is None:
        return None
    items = CheckItem.objects.select_related("criterion__standard").prefetch_related("findings", "photos")
    prefetch_related_objects(
        [found],
        Prefetch("team", queryset=TeamMember.objects.select_related("officer", "expert").order_by("id")),
        Prefetch("items", queryset=items.order_by("position", "id")),
        Prefetch("findings", queryset=Finding.objects.select_related("hazard", "item").order_by("id")),
        Prefetch("photos", queryset=InspectionPhoto.objects.order_by("id")),
        Prefetch("orders", queryset=Order.objects.prefetch_related("hazards").order_by("issued_on", "id")),
        Prefetch("penalties", queryset=Penalty.objects.order_by("decided_on", "id")),
    )
    return found


def inspection_events(inspection: Inspection) -> QuerySet[Event]:
    """The inspection's timeline (全过程记录), oldest first; the caller has checked the scope."""
    return events_of(subject_type=SUBJECT, subject_id=str(inspection.pk))


def inspection_visible(*, actor: User, inspection_id: int) -> bool:
    """Whether ``actor`` may see the inspection (answer 404 before reading any input otherwise)."""
    return inspections_visible(actor).filter(pk=inspection_id).exists()


def photo_get(*, actor: User, inspection_id: int, photo_id: int) -> InspectionPhoto | None:
    """A photo of an inspection ``actor`` may see, else None."""
    visible = inspections_visible(actor).filter(pk=inspection_id)
    return InspectionPhoto.objects.filter(pk=photo_id, inspection__in=visible).first()


# ------------------------------------------------------------------------------------------ the team
def officers_available(actor: User, *, anywhere: bool = False) -> QuerySet[LawOfficer]:
    """The law-enforcement officers ``actor`` may put on a team: those of the actor's region subtree (an admin:
    all); ``anywhere`` (异地交叉执法, named by certificate number) every officer."""
    qs = LawOfficer.objects.select_related("department")
    return qs if anywhere else scoped(qs, actor)


def experts_available(actor: User) -> QuerySet[Expert]:
    """The experts ``actor`` may call in: the pools of the actor's region, the regions under it and the regions
    above it (a county team draws on the city's and the province's pools); an admin every pool."""
    if actor.role == Role.ADMIN:
        return Expert.objects.all()
    if not actor.is_regulator or not actor.region_id:
        return Expert.objects.none()
    above = ancestor_codes(actor.region_id)
    return Expert.objects.filter(Q(region__code__prefix=actor.region_id) | Q(region_id__in=above))


def team_choices(actor: User) -> dict[str, list[Any]]:
    """The new-inspection form's people: ``officers`` (the actor's unit's active officers, or the region's when
    the actor has no unit) and ``experts`` (the active experts of the pools the actor may call in)."""
    officers = officers_available(actor).filter(active=True)
    if actor.department_id is not None:
        officers = officers.filter(department_id=actor.department_id)
    experts = experts_available(actor).filter(active=True).order_by("name", "id")
    return {"officers": list(officers.order_by("certificate_no")[:200]), "experts": list(experts[:200])}


def own_officer(actor: User) -> LawOfficer | None:
    """The actor's own enforcement record (an officer's account linked to a certificate), if any."""
    return LawOfficer.objects.filter(user_id=actor.pk, active=True).first() if actor.pk else None


# ------------------------------------------------------------------------------------- where it starts
def plan_item_for(actor: User, plan_item_id: int) -> PlanItem | None:
    """A plan item ``actor`` may see (its enterprise in scope), with its enterprise and plan."""
    return scoped(PlanItem.objects, actor).select_related("enterprise", "plan").filter(pk=plan_item_id).first()


def draw_for(actor: User, draw_id: int) -> Draw | None:
    """A draw ``actor`` may see: its region in scope and, for an officer of a member unit, the unit's own draws
    or those of the sectors it leads."""
    qs = scoped(Draw.objects, actor)
    narrow = unit_filter(actor, department="department_id", sector="sector")
    if narrow is not None:
        qs = qs.filter(narrow)
    return qs.filter(pk=draw_id).first()


def picked(draw: Draw, credit_code: str) -> dict[str, Any] | None:
    """The draw's pick of ``credit_code`` (``{"enterprise", "inspectors"}``), or None when it was not picked."""
    for pick in draw.picks or []:
        if isinstance(pick, dict) and pick.get("enterprise") == credit_code:
            return pick
    return None


# ------------------------------------------------------------------------------- the hazard's page
def finding_of(actor: User, hazard: Any) -> Finding | None:
    """The finding that recorded ``hazard``, when the actor may see its inspection (an enterprise user sees the
    inspections at its own premises), else None."""
    return (
        Finding.objects.select_related("inspection", "item")
        .filter(hazard_id=hazard.pk, inspection__in=inspections_visible(actor))
        .first()
    )


def hazard_panel(actor: User, hazard: Any) -> dict[str, Any]:
    """The 来源检查 section of a hazard's page: ``{"finding"}`` (None when not found by a visible inspection)."""
    return {"finding": finding_of(actor, hazard)}


def results_count(items: Any) -> dict[str, int]:
    """``{result: n}`` over checklist lines (already loaded), every result named."""
    out = dict.fromkeys(CheckResult.values, 0)
    for item in items:
        out[item.result] = out.get(item.result, 0) + 1
    return out


def beijing_drawn_on(draw: Draw) -> datetime.date | None:
    """The Beijing day a draw was made."""
    return beijing_day(draw.drawn_at) if draw.drawn_at else None
