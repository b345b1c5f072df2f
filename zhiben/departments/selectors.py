"""Reads of member units and routing, through the actor's scope: an officer sees the units of the regions above
and below their own (they work with both), an admin all; enterprise staff and the public none."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from zhiben.accounts.models import Role, User
from zhiben.common.errors import NotFound
from zhiben.regions.models import Region

from .kinds import DEFAULT_ROUTING, NAMES, DepartmentKind
from .models import Department, Routing

# Units whose officers see every sector's items in their to-do: they coordinate and lead no sector (a township's
# 安监站 is its one safety office, whatever the sector).
COORDINATING_KINDS = frozenset({DepartmentKind.COMMITTEE_OFFICE, DepartmentKind.GOVERNMENT, DepartmentKind.STATION})


def ancestor_codes(code: str) -> list[str]:
    """``code`` and the codes above it, nearest first: ``"500241001"`` → ``["500241001", "500241", "5002", "50"]``
    (GB/T 2260 short codes: 2, 4, 6 and 9 digits)."""
    return [code[:n] for n in (9, 6, 4, 2) if n <= len(code)]


def _visible(actor: Any) -> Q | None:
    """Regions whose units ``actor`` may read; None: all (admin)."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return Q(pk__in=[])
    if actor.role == Role.ADMIN:
        return None
    if not actor.is_regulator or not actor.region_id:
        return Q(pk__in=[])
    return Q(region__code__prefix=actor.region_id) | Q(region_id__in=ancestor_codes(actor.region_id))


def region_visible(actor: Any, code: str) -> bool:
    """Whether ``actor`` may read the units of region ``code`` (their subtree, or a region above them)."""
    if getattr(actor, "role", None) == Role.ADMIN:
        return True
    own = getattr(actor, "region_id", None) or ""
    return bool(own) and actor.is_regulator and (code.startswith(own) or own.startswith(code))


def department_list(*, actor: User, region: str | None = None, kind: str | None = None) -> QuerySet[Department]:
    """Units ``actor`` may see, optionally of one ``region`` (exactly, not its subtree) or ``kind``."""
    qs = Department.objects.select_related("region", "township").prefetch_related("sectors")
    q = _visible(actor)
    if q is not None:
        qs = qs.filter(q)
    if region:
        qs = qs.filter(region_id=region)
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def scoped_users(*, actor: User) -> QuerySet[User]:
    """Officers ``actor`` may put in a unit: an admin any; an officer those of their own subtree."""
    qs = User.objects.filter(role__in=(Role.OFFICER, Role.TIP_HANDLER), is_active=True)
    if actor.role == Role.ADMIN:
        return qs
    if not actor.is_regulator or not actor.region_id:
        return qs.none()
    return qs.filter(region__code__prefix=actor.region_id)


def department_get(*, actor: User, department_id: int) -> Department | None:
    """One unit if ``actor`` may see it (missing and out of scope look the same)."""
    return department_list(actor=actor).filter(pk=department_id).first()


def department_require(*, actor: User, department_id: int) -> Department:
    """As :func:`department_get`; NotFound when absent."""
    found = department_get(actor=actor, department_id=department_id)
    if found is None:
        raise NotFound("成员单位不存在")
    return found


@dataclass
class Route:
    """Who leads ``sector`` in a region: ``lead`` (a unit or None), ``co`` units, and where it comes from
    (``"set"``: the region's own row at ``at``; ``"default"``: the default by kind among ``at``'s units)."""

    sector: str
    sector_name: str
    lead: Department | None
    co: list[Department] = field(default_factory=list)
    source: str = "default"
    at: str = ""
    at_name: str = ""


def routing_for(region_code: str) -> list[Route]:
    """The effective routing of every sector in ``region_code``: the nearest region (itself, then upwards) with
    a row for the sector; else the default (kinds.DEFAULT_ROUTING) among the units of the nearest region that
    has units. Reads no scope: callers check that the actor may see the region."""
    from zhiben.reference.models import Sector

    chain = ancestor_codes(region_code)
    rows: dict[str, Routing] = {}
    row: Routing
    for row in (
        Routing.objects.filter(region_id__in=chain).select_related("lead").prefetch_related("co").order_by("region_id")
    ):
        # longer code = nearer region; keep the nearest
        held = rows.get(row.sector_id)
        if held is None or len(row.region_id) > len(held.region_id):
            rows[row.sector_id] = row
    units = list(Department.objects.filter(region_id__in=chain, active=True).order_by("position", "id"))
    home = next((c for c in chain if any(u.region_id == c for u in units)), "")
    by_kind: dict[str, Department] = {}
    for unit in units:
        if unit.region_id == home:
            by_kind.setdefault(unit.kind, unit)
    names = dict(Region.objects.filter(code__in=chain).values_list("code", "name"))
    routes = []
    for sector in Sector.objects.order_by("position", "key"):
        found = rows.get(sector.key)
        if found is not None:
            row = found
            at = row.region_id
            routes.append(Route(sector.key, sector.name, row.lead, list(row.co.all()), "set", at, names.get(at, at)))
            continue
        lead_kind, co_kinds = DEFAULT_ROUTING.get(sector.key, (DepartmentKind.EMERGENCY, ()))
        co = [by_kind[k] for k in co_kinds if k in by_kind]
        routes.append(
            Route(sector.key, sector.name, by_kind.get(lead_kind), co, "default", home, names.get(home, home))
        )
    return routes


def lead_sectors(department: Department) -> list[str]:
    """The sector keys ``department`` leads in its own region (by its region's effective routing)."""
    return [r.sector for r in routing_for(department.region_id) if r.lead is not None and r.lead.pk == department.pk]


def routed_filter(model: type, actor: Any) -> Q | None:
    """The part of ``model`` (a scoped model with a sector path, or a ``routing_sector`` path) routed to ``actor``'s
    unit: records of the sectors the unit leads, and those without a sector. None: no narrowing (no unit, a
    coordinating unit, or a model without sectors). An officer of a unit that leads no sector gets only the
    records without a sector."""
    department = getattr(actor, "department", None) if getattr(actor, "department_id", None) else None
    paths = getattr(model, "scope", None)
    # a model whose scope has no sector may still route by one (a tip: its enterprise's sector)
    sector = getattr(model, "routing_sector", None) or (paths.sector if paths is not None else None)
    if department is None or sector is None or department.kind in COORDINATING_KINDS:
        return None
    cached = getattr(actor, "_lead_sectors", None)
    if cached is None:
        cached = lead_sectors(department)
        actor._lead_sectors = cached
    # a record without a sector (a public tip that names no enterprise) is everyone's
    return Q(**{f"{sector}__in": cached}) | Q(**{f"{sector}__isnull": True})


_LEVEL_WORDS = ("省", "市", "州", "盟", "县", "区", "旗", "镇", "乡", "街道")


def _bare(text: str, region_names: list[str]) -> str:
    """A unit's name without its region's name or level word and without spaces or brackets."""
    bare = re.sub(r"[\s（）()]", "", text)
    for name in sorted(region_names, key=len, reverse=True):
        if name and bare.startswith(name):
            bare = bare[len(name) :]
            break
    else:
        for word in _LEVEL_WORDS:
            if bare.startswith(word) and len(bare) > len(word) + 1:
                bare = bare[len(word) :]
                break
    return bare


def department_match(*, region_code: str, text: str) -> list[Department]:
    """The units of ``region_code`` a plan's unit text may mean: by full name, by an alias, or by the usual names
    of its kind (kinds.NAMES) once the region's name or level word is taken off both sides ("市应急局" →
    重庆市应急管理局). Empty: no unit answers; several: the user must choose."""
    region = Region.objects.filter(pk=region_code).first()
    names = [n for n in ((region.name, region.full_name) if region else ()) if n]
    if region is not None and region.name:
        # 重庆市 → 重庆, 大井县 → 大井: plans drop the level word too
        names.append(re.sub(r"(省|市|自治区|自治州|县|区|镇|乡|街道)$", "", region.name))
        autonomous = re.match(r"^(..).*族.*自治(县|州|旗)$", region.name)
        if autonomous:  # 秀山土家族苗族自治县 is 秀山县 in everyday writing
            names += [autonomous.group(1) + autonomous.group(2), autonomous.group(1)]
    wanted = _bare(text, names)
    if not wanted:
        return []
    found = []
    for unit in Department.objects.filter(region_id=region_code, active=True).order_by("position", "id"):
        forms = {_bare(unit.name, names), *(_bare(a, names) for a in unit.alias_list())}
        forms |= (
            set(NAMES.get(unit.kind, ()))
            if unit.kind not in (DepartmentKind.GOVERNMENT, DepartmentKind.OTHER)
            else set()
        )
        if wanted in forms or text.strip() == unit.name:
            found.append(unit)
    return found
