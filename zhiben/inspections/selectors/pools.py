"""Reads of the two pools an inspection team is drawn from: law-enforcement officers (执法人员) and experts (专家库).

Who sees them (the rules of ``selectors/__init__``, applied to rows that have a unit but no sector):

- an admin: all;
- an officer or tip handler: the officers of the units of their region subtree — only their own unit's when
  they belong to a member unit that is not a coordinating one (安委办, 下级政府, 乡镇站所 see every unit's) —
  and the experts of their region subtree (an expert pool serves every unit of its region);
- an enterprise user: none.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Prefetch, Q, QuerySet

from zhiben.accounts.models import User
from zhiben.accounts.scope import scoped
from zhiben.common import dates
from zhiben.common.errors import FieldErrors
from zhiben.departments.selectors import COORDINATING_KINDS
from zhiben.regions.selectors import parse_region

from ..models import Expert, ExpertRelation, LawOfficer, OwnCheckItem

ID_MAX = 2**63 - 1


def own_unit_only(actor: Any) -> int | None:
    """The id of the one unit whose records ``actor`` is narrowed to (an officer of a member unit that is not a
    coordinating one), or None: no narrowing (no unit, a coordinating unit, an admin, an enterprise user)."""
    if not isinstance(actor, User) or not actor.is_regulator or actor.department_id is None:
        return None
    unit = actor.department
    if unit is None or unit.kind in COORDINATING_KINDS:
        return None
    return int(unit.pk)


def officers_visible(actor: Any) -> QuerySet[LawOfficer]:
    """Every law-enforcement officer ``actor`` may see (see the module's rules)."""
    qs = scoped(LawOfficer.objects, actor)
    unit = own_unit_only(actor)
    return qs if unit is None else qs.filter(department_id=unit)


def officer_list(
    *,
    actor: Any,
    department: int | None = None,
    region: str | None = None,
    active: bool | None = None,
    q: str = "",
) -> QuerySet[LawOfficer]:
    """The officers ``actor`` may see, by unit, region subtree (``region``: a code), in post (``active``) and
    name or certificate number (``q``), ordered by unit and certificate number."""
    qs = officers_visible(actor).select_related("department", "region", "user")
    if department is not None:
        qs = qs.filter(department_id=department)
    if region:
        qs = qs.filter(region__code__startswith=region)
    if active is not None:
        qs = qs.filter(active=active)
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(certificate_no__contains=q))
    return qs.order_by("department_id", "certificate_no")


def officer_get(*, actor: Any, officer_id: int) -> LawOfficer | None:
    """The officer if ``actor`` may see them, else None (the caller answers 404 for both)."""
    return officer_list(actor=actor).filter(pk=officer_id).first()


def own_items_visible(actor: Any, *, department: int | None = None) -> QuerySet[OwnCheckItem]:
    """The member units' own checklist lines ``actor`` may see (as their officers: the region subtree; a unit's
    officer, the unit's own), of ``department`` when given, in the checklists' order."""
    qs = scoped(OwnCheckItem.objects, actor).select_related("department")
    unit = own_unit_only(actor)
    if unit is not None:
        qs = qs.filter(department_id=unit)
    if department is not None:
        qs = qs.filter(department_id=department)
    return qs.order_by("department_id", "position", "id")


def own_item_get(*, actor: Any, item_id: int) -> OwnCheckItem | None:
    """The line if ``actor`` may see it, else None (the caller answers 404 for both)."""
    return own_items_visible(actor).filter(pk=item_id).first()


def experts_visible(actor: Any) -> QuerySet[Expert]:
    """Every expert of the pools ``actor`` may see (their region subtree)."""
    return scoped(Expert.objects, actor)


def expert_list(
    *, actor: Any, region: str | None = None, sector: str = "", active: bool | None = None, q: str = ""
) -> QuerySet[Expert]:
    """The experts ``actor`` may see, by region subtree, specialty sector (a sector key), in the pool
    (``active``) and name, organisation or specialty (``q``); with their relations (回避) prefetched."""
    qs = (
        experts_visible(actor)
        .select_related("region")
        .prefetch_related(
            Prefetch(
                "relations",
                queryset=ExpertRelation.objects.select_related("enterprise").order_by("id"),
            )
        )
    )
    if region:
        qs = qs.filter(region__code__startswith=region)
    if active is not None:
        qs = qs.filter(active=active)
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(organisation__contains=q) | Q(specialty__contains=q))
    found = qs.order_by("region_id", "name", "id")
    if sector:
        # the specialty sectors are a JSON list: SQLite and PostgreSQL read it differently, so filter in
        # Python over the ids (a pool is a few hundred experts)
        rows = experts_visible(actor).filter(pk__in=found.values("pk")).values_list("pk", "sectors")
        ids = [pk for pk, keys in rows if sector in (keys or [])]
        found = found.filter(pk__in=ids)
    return found


def expert_get(*, actor: Any, expert_id: int) -> Expert | None:
    """The expert if ``actor`` may see them, else None."""
    return expert_list(actor=actor).filter(pk=expert_id).first()


# --- query parameters, read once for the API, the pages and the exports -------------------------------------


def int_param(name: str, raw: str) -> int | None:
    """A whole-number query parameter (None when blank); 422 naming it otherwise."""
    text = (raw or "").strip()
    if not text:
        return None
    if not text.isdigit() or int(text) > ID_MAX:
        raise FieldErrors({name: "应为正整数"})
    return int(text)


def bool_param(name: str, raw: str) -> bool | None:
    value = (raw or "").strip().lower()
    if not value:
        return None
    if value in ("true", "1", "yes", "是"):
        return True
    if value in ("false", "0", "no", "否"):
        return False
    raise FieldErrors({name: "应为 true 或 false"})


def day_param(name: str, raw: str, label: str) -> datetime.date | None:
    try:
        return dates.parse_day(raw or None, label=label)
    except ValueError as exc:
        raise FieldErrors({name: str(exc)}) from None


def region_param(raw: str) -> str | None:
    return parse_region(raw) if (raw or "").strip() else None


def paging(limit: str, offset: str) -> tuple[int, int]:
    """``(offset, limit)``: offset 0–2⁶³−1, limit 1–500 (default 50); 422 naming the parameter otherwise."""
    start = int_param("offset", offset) or 0
    size = int_param("limit", limit)
    if size is not None and not 1 <= size <= 500:
        raise FieldErrors({"limit": "应在 1–500 之间"})
    return start, size or 50
