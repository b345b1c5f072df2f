"""Reads of yearly inspection plans (年度监督检查计划) and their progress against the plan.

Who sees a plan: an admin all; an officer the plans of their region subtree — only their own unit's when they
belong to a member unit that is not a coordinating one (the rules of ``selectors/__init__``: a plan has a unit
and no sector); enterprise users none.

Progress (``plan_progress``) is counted by the database, whatever the number of enterprises (each item's
inspections by one grouped subquery, read with the items in one query, summed by class here): an inspection
counts towards a plan when it was made by the plan's unit at an enterprise of the plan in the plan's year
(Beijing days), whatever its state (an inspection still open on a phone was made on its day). Each enterprise
counts at most its planned number towards ``done`` (a fifth visit to an A-class firm does not make up for a
C-class firm never visited); ``inspections`` counts them all.
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from zhiben.accounts.scope import scoped
from zhiben.reference.models import Sector

from ..models import Draw, DrawStatus, Inspection, InspectionPlan, PlanItem
from .pools import own_unit_only

CLASSES = ("A", "B", "C", "D", "")
CLASS_LABELS = {"A": "A类", "B": "B类", "C": "C类", "D": "D类", "": "未分类"}
NOT_INSPECTED_SHOWN = 200


def plans_visible(actor: Any) -> QuerySet[InspectionPlan]:
    """Every plan ``actor`` may see (see the module's rules)."""
    qs = scoped(InspectionPlan.objects, actor)
    unit = own_unit_only(actor)
    return qs if unit is None else qs.filter(department_id=unit)


def plan_list(
    *, actor: Any, region: str | None = None, department: int | None = None, year: int | None = None
) -> QuerySet[InspectionPlan]:
    """The plans ``actor`` may see, by region subtree, unit and year, newest year first; each with
    ``n_items`` (enterprises) and ``n_planned`` (inspections planned)."""
    qs = plans_visible(actor).select_related("region", "department")
    if region:
        qs = qs.filter(region__code__startswith=region)
    if department is not None:
        qs = qs.filter(department_id=department)
    if year is not None:
        qs = qs.filter(year=year)
    return qs.annotate(
        n_items=Count("items"), n_planned=Coalesce(Sum("items__planned"), Value(0), output_field=IntegerField())
    ).order_by("-year", "region_id", "id")


def plan_get(*, actor: Any, plan_id: int) -> InspectionPlan | None:
    """The plan if ``actor`` may see it, else None (the caller answers 404 for both)."""
    return plans_visible(actor).select_related("region", "department", "created_by").filter(pk=plan_id).first()


def year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


def _inspections_at(*, department: Any, year: Any) -> QuerySet[Inspection]:
    """Inspections of the item's enterprise (``OuterRef``) by ``department`` in ``year`` (values or OuterRefs)."""
    qs = Inspection.objects.filter(enterprise_id=OuterRef("enterprise_id"), department_id=department)
    if isinstance(year, int):
        first, last = year_bounds(year)
        return qs.filter(on__gte=first, on__lte=last)
    return qs.filter(on__year=year)


def _counted(inspections: QuerySet[Inspection]) -> Coalesce:
    """The number of ``inspections`` of the item's enterprise: one grouped subquery per item, computed by the
    database with the items (an index on the unit and day, or the enterprise and day, finds them)."""
    counted = inspections.order_by().values("enterprise_id").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def items_with_done(plan: InspectionPlan) -> QuerySet[PlanItem, Any]:
    """The plan's items, each annotated with ``done`` (the unit's inspections at the enterprise in the year)."""
    qs: Any = PlanItem.objects.filter(plan=plan)
    return qs.annotate(done=_counted(_inspections_at(department=plan.department_id, year=plan.year)))


def _sum_rows(rows: Iterable[tuple[int, int]]) -> dict[str, int]:
    """``(planned, done)`` rows summed: planned, done counted towards the plan (each row at most its planned
    number), every inspection made, enterprises, those inspected, those owed (planned and none made)."""
    out = {"enterprises": 0, "planned": 0, "done": 0, "inspections": 0, "inspected": 0, "owed": 0}
    for planned, done in rows:
        out["enterprises"] += 1
        out["planned"] += planned
        out["done"] += min(done, planned)
        out["inspections"] += done
        out["inspected"] += done > 0
        out["owed"] += planned > 0 and done == 0
    return out


def totals_of(plan_ids: list[int]) -> dict[int, dict[str, int]]:
    """``{plan id: {"planned", "done", "enterprises", "inspected"}}`` for many plans in one query (the list page)."""
    if not plan_ids:
        return {}
    made = _inspections_at(department=OuterRef("plan__department_id"), year=OuterRef("plan__year"))
    rows = (
        PlanItem.objects.filter(plan_id__in=plan_ids)
        .annotate(done=_counted(made))
        .order_by()
        .values_list("plan_id", "planned", "done")
    )
    by_plan: dict[int, list[tuple[int, int]]] = {pk: [] for pk in plan_ids}
    for plan_id, planned, done in rows:
        by_plan[plan_id].append((planned, done))
    out = {}
    for pk, items in by_plan.items():
        summed = _sum_rows(items)
        out[pk] = {k: summed[k] for k in ("planned", "done", "enterprises", "inspected")}
    return out


@dataclass
class Progress:
    """A plan's progress. ``classes``: per supervision class (A–D, "" for none) ``{"class", "label",
    "enterprises", "planned", "done", "inspections", "inspected", "owed", "rate"}`` (``done``: inspections counted
    towards the plan, each enterprise at most its planned number; ``owed``: enterprises with inspections planned
    and none made; ``rate``: done / planned, None when nothing is planned). ``key_sectors``: per key sector
    ``{"sector", "name", "enterprises", "inspected", "rate"}`` (share of its enterprises inspected at least
    once). ``draws``: ``{"planned", "done", "discarded", "ratio", "target", "drawn"}`` (``target``: the
    enterprises the ratio asks for; ``drawn``: distinct enterprises picked by the draws made). ``not_inspected``:
    the first enterprises with inspections planned and none made (``not_inspected_count`` all of them)."""

    classes: list[dict[str, Any]]
    totals: dict[str, Any]
    key_sectors: list[dict[str, Any]]
    draws: dict[str, Any]
    not_inspected: list[dict[str, Any]] = field(default_factory=list)
    not_inspected_count: int = 0


def _rate(done: int, planned: int) -> float | None:
    return round(done / planned, 4) if planned else None


def plan_progress(plan: InspectionPlan) -> Progress:
    """Progress of ``plan`` against its planned inspections, key sectors and draws (see :class:`Progress`): a
    fixed number of queries, whatever the plan's size (its items with their counts in one)."""
    items: Any = items_with_done(plan)  # ``done`` is an annotation the type checker cannot see
    rows = list(items.order_by().values_list("supervision_class", "planned", "done", "enterprise__sector_id"))
    by_class: dict[str, list[tuple[int, int]]] = {}
    for cls, planned, done, _ in rows:
        by_class.setdefault(cls or "", []).append((planned, done))
    classes = []
    for key in CLASSES:
        if key in ("", "D") and key not in by_class:
            continue  # shown only when the plan has such enterprises
        summed = _sum_rows(by_class.get(key, []))
        classes.append(
            {
                "class": key,
                "label": CLASS_LABELS[key],
                "frequency": plan.frequencies.get(key) if key else 0,
                **summed,
                "rate": _rate(summed["done"], summed["planned"]),
            }
        )
    totals: dict[str, Any] = _sum_rows((planned, done) for _, planned, done, _ in rows)
    totals["rate"] = _rate(totals["done"], totals["planned"])
    key_sectors = []
    if plan.key_sectors:
        names = dict(Sector.objects.filter(key__in=plan.key_sectors).values_list("key", "name"))
        for key in plan.key_sectors:
            of_sector = [done for _, _, done, sector in rows if sector == key]
            n, hit = len(of_sector), sum(1 for done in of_sector if done > 0)
            key_sectors.append(
                {"sector": key, "name": names.get(key, key), "enterprises": n, "inspected": hit, "rate": _rate(hit, n)}
            )
    owed = items.filter(planned__gt=0, done=0).select_related("enterprise").order_by("supervision_class", "id")
    not_inspected = [
        {
            "enterprise": i.enterprise.credit_code,
            "name": i.enterprise.name,
            "class": i.supervision_class,
            "planned": i.planned,
        }
        for i in owed[:NOT_INSPECTED_SHOWN]
    ]
    return Progress(
        classes=classes,
        totals=totals,
        key_sectors=key_sectors,
        draws=draws_of(plan, enterprises=totals["enterprises"]),
        not_inspected=not_inspected,
        not_inspected_count=totals["owed"],
    )


def plan_draws(plan: InspectionPlan) -> QuerySet[Draw]:
    """The draws that count for ``plan``: made under it, or by its unit in its year without a plan."""
    return Draw.objects.filter(Q(plan=plan) | Q(plan__isnull=True, department_id=plan.department_id, year=plan.year))


def draws_of(plan: InspectionPlan, *, enterprises: int) -> dict[str, Any]:
    """Draws planned against made (discarded ones are not made, but counted apart: a draw cannot be redone
    quietly), and the ratio's target against the distinct enterprises drawn."""
    made = list(plan_draws(plan).values("status", "picks"))
    kept = [d for d in made if d["status"] != DrawStatus.DISCARDED]
    drawn = {p.get("enterprise") for d in kept for p in (d["picks"] or []) if isinstance(p, dict)}
    ratio = plan.random_ratio
    return {
        "planned": plan.random_draws,
        "done": len(kept),
        "discarded": len(made) - len(kept),
        "rate": _rate(min(len(kept), plan.random_draws), plan.random_draws),
        "ratio": float(ratio) if ratio is not None else None,
        "target": math.ceil(enterprises * float(ratio) / 100) if ratio is not None else None,
        "drawn": len(drawn - {None}),
    }


def plan_items(plan: InspectionPlan) -> QuerySet[PlanItem, Any]:
    """Every item of ``plan`` with its enterprise and ``done`` (for the export), by class and enterprise."""
    return (
        items_with_done(plan)
        .select_related("enterprise", "enterprise__region", "enterprise__sector")
        .order_by("supervision_class", "enterprise__region_id", "enterprise__name", "id")
    )
