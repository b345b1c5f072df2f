"""The reads of the inspections register, each starting from one scoping function (DESIGN.md §8).

Who sees an inspection (issue 14: "departments see their own inspections and those of their sectors in their
region subtree; outsiders 404"):

- an admin: all;
- an enterprise user: the inspections, orders and penalties at its own enterprise;
- an officer: the region subtree and their own sectors (``accounts.scope``), narrowed further when they belong
  to a member unit that is not a coordinating one (安委办, 下级政府, 乡镇站所): then only the unit's own
  records and those of the sectors the unit leads in the region (its routing, 三管三必须).

Per-area reads live beside this module (``selectors/draws.py`` …) and start from these functions.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, Q, QuerySet

from zhiben.accounts.models import User
from zhiben.accounts.scope import scoped
from zhiben.departments.selectors import COORDINATING_KINDS, lead_sectors

from ..models import Inspection, Order, Penalty

M = TypeVar("M", bound=Model)


def unit_filter(actor: Any, *, department: str, sector: str) -> Q | None:
    """The narrowing for an officer of a (non-coordinating) member unit: records of ``department`` (an ORM path
    to the unit's id) or of a sector (``sector``: an ORM path to the sector key) the unit leads. None: no
    narrowing (no unit, a coordinating unit, an admin or an enterprise user)."""
    if not isinstance(actor, User) or not actor.is_regulator or actor.department_id is None:
        return None
    unit = actor.department
    if unit is None or unit.kind in COORDINATING_KINDS:
        return None
    cached = getattr(actor, "_lead_sectors", None)
    if cached is None:
        cached = lead_sectors(unit)
        actor._lead_sectors = cached  # type: ignore[attr-defined]
    return Q(**{department: unit.pk}) | Q(**{f"{sector}__in": cached})


def _narrowed(qs: QuerySet[M], actor: Any, *, department: str, sector: str) -> QuerySet[M]:
    q = unit_filter(actor, department=department, sector=sector)
    return qs if q is None else qs.filter(q)


def inspections_visible(actor: Any) -> QuerySet[Inspection]:
    """Every inspection ``actor`` may see (see the module's rules)."""
    return _narrowed(scoped(Inspection.objects, actor), actor, department="department_id", sector="sector_id")


def inspection_get(*, actor: Any, inspection_id: int) -> Inspection | None:
    """The inspection if ``actor`` may see it, else None (the caller answers 404 for both)."""
    return (
        inspections_visible(actor)
        .select_related("enterprise", "region", "sector", "department", "draw", "plan_item")
        .filter(pk=inspection_id)
        .first()
    )


def orders_visible(actor: Any) -> QuerySet[Order]:
    """Every order of an inspection ``actor`` may see."""
    return _narrowed(
        scoped(Order.objects, actor), actor, department="inspection__department_id", sector="inspection__sector_id"
    )


def penalties_visible(actor: Any) -> QuerySet[Penalty]:
    """Every penalty ``actor`` may see (the same rules: the region subtree and sectors, the unit's own)."""
    return _narrowed(scoped(Penalty.objects, actor), actor, department="department_id", sector="sector_id")
