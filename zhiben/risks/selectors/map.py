"""Reads of the four-colour map (四色图) and of the region's enterprises by register grade (issue 15).

Every read starts from the scoped selectors of ``selectors/__init__.py``: a unit, an enterprise or a profile
outside the actor's scope answers ``NotFound`` exactly like a missing one.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce

from zhiben.accounts.scope import scoped
from zhiben.common.errors import NotFound
from zhiben.enterprises.models import Enterprise, OperatingStatus
from zhiben.regions.models import Region
from zhiben.regions.selectors import parse_region, region_children, region_get

from .. import rules
from ..models import RiskProfile, RiskUnit
from . import enterprise_visible, profiles_visible, units_visible

UNGRADED = ""  # a unit whose events are not yet graded
UNGRADED_NAME = "未评价"
UNGRADED_COLOUR = "#8c8c8c"
# The legend's order: worst first, then the units not yet graded.
LEGEND = (*rules.GRADES, UNGRADED)


def colour_of(grade: str) -> str:
    """The map colour of a grade (``rules.GRADE_COLOURS``; grey for a unit not yet graded)."""
    return rules.GRADE_COLOURS.get(grade, UNGRADED_COLOUR)


def grade_name(grade: str) -> str:
    """The Chinese name of a grade (重大风险 … 低风险; 未评价 for none)."""
    return rules.GRADE_NAMES.get(grade, UNGRADED_NAME)


def unit_get(*, actor: Any, unit_id: int) -> RiskUnit:
    """The live (not deleted) risk unit ``unit_id`` with its enterprise, if the actor may see it; ``NotFound``
    otherwise."""
    found = units_visible(actor).filter(pk=unit_id, deleted=False).select_related("enterprise").first()
    if found is None:
        raise NotFound("风险分析单元不存在")
    return found


def profile_of(*, actor: Any, enterprise: Enterprise) -> RiskProfile | None:
    """The enterprise's dual-prevention settings (its layout and register grade), None before it has any."""
    return profiles_visible(actor).filter(enterprise=enterprise).first()


@dataclass
class MapUnit:
    """One unit as the map draws it: ``x``, ``y`` fractions of the layout (None when not placed)."""

    id: int
    name: str
    kind: str
    department: str
    responsible: str
    grade: str
    x: Decimal | None
    y: Decimal | None

    @property
    def colour(self) -> str:
        return colour_of(self.grade)

    @property
    def grade_name(self) -> str:
        return grade_name(self.grade)

    @property
    def placed(self) -> bool:
        return self.x is not None and self.y is not None

    @property
    def left(self) -> str:
        """``x`` as a CSS percentage (markers are positioned in percent, so the image may scale)."""
        return f"{(self.x or Decimal(0)) * 100:.2f}%"

    @property
    def top(self) -> str:
        return f"{(self.y or Decimal(0)) * 100:.2f}%"

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "department": self.department,
            "responsible": self.responsible,
            "grade": self.grade,
            "grade_name": self.grade_name,
            "colour": self.colour,
            "x": float(self.x) if self.x is not None else None,
            "y": float(self.y) if self.y is not None else None,
        }


@dataclass
class RiskMap:
    """An enterprise's map: its units (placed and not), the legend's counts and its layout's size."""

    enterprise: Enterprise
    profile: RiskProfile | None
    units: list[MapUnit]
    legend: list[dict[str, Any]] = field(default_factory=list)

    @property
    def has_layout(self) -> bool:
        return bool(self.profile and self.profile.layout)

    @property
    def placed(self) -> list[MapUnit]:
        return [u for u in self.units if u.placed]

    @property
    def unplaced(self) -> list[MapUnit]:
        return [u for u in self.units if not u.placed]


def risk_map(*, actor: Any, enterprise: Enterprise) -> RiskMap:
    """The enterprise's four-colour map: its live units worst grade first (then by name), each with its grade,
    colour and place; the legend ``[{"grade", "name", "colour", "count"}…]`` counts every live unit by grade
    (placed or not). Two queries."""
    rows = (
        units_visible(actor)
        .filter(enterprise=enterprise, deleted=False)
        .order_by("id")
        .values_list("id", "name", "kind", "department", "responsible", "grade", "map_x", "map_y")
    )
    units = [MapUnit(*row) for row in rows]
    units.sort(key=lambda u: (LEGEND.index(u.grade) if u.grade in LEGEND else len(LEGEND), u.name, u.id))
    counts = Counter(u.grade for u in units)
    legend = [{"grade": g, "name": grade_name(g), "colour": colour_of(g), "count": counts.get(g, 0)} for g in LEGEND]
    return RiskMap(enterprise, profile_of(actor=actor, enterprise=enterprise), units, legend)


def risk_map_of(*, actor: Any, credit_code: str) -> RiskMap:
    """``risk_map`` of the enterprise with credit code (or id) ``credit_code``; ``NotFound`` out of scope."""
    return risk_map(actor=actor, enterprise=enterprise_visible(actor, credit_code))


# --- the region view --------------------------------------------------------------------------------------------

MAJOR = ("red", "orange")
OWN_LEVEL = "本级直管"  # the enterprises registered at the region itself, above its children
REGION_LIST_ROWS = 300


@dataclass
class RegionView:
    """Enterprises in scope under ``region`` by register grade: one row per child region (``rows``: ``{"code",
    "name", "counts": {grade: n}, "total"}``), ``totals`` and the red/orange enterprises (``major``)."""

    region: Region | None
    rows: list[dict[str, Any]]
    totals: dict[str, int]
    major: list[Any]


def region_root(*, actor: Any, raw: str) -> Region | None:
    """The region the view is for: ``raw`` if given (refused naming ``region`` when malformed, ``NotFound`` when
    missing or outside an officer's subtree), else the officer's own region; None for an admin's whole country."""
    own = getattr(actor, "region_id", None) or ""
    if raw.strip():
        code = parse_region(raw)
        if own and not code.startswith(own):
            raise NotFound("区划不存在")
        found = region_get(code)
        if found is None:
            raise NotFound("区划不存在")
        return found
    if own:
        return region_get(own)
    return None


def region_view(*, actor: Any, region: Region | None) -> RegionView:
    """The enterprises the actor may see under ``region`` (the whole scope when None), closed ones left out, counted
    per child region and register grade (``RiskProfile.grade``; an enterprise without a register or a graded event
    is 未评价), and the red and orange ones (at most ``REGION_LIST_ROWS``). Grouped in the database: one query for
    the counts, one for the list, one for the children."""
    firms = scoped(Enterprise.objects, actor).exclude(status=OperatingStatus.CLOSED)
    profiles = profiles_visible(actor).exclude(enterprise__status=OperatingStatus.CLOSED)
    if region is not None:
        firms = firms.filter(region__code__prefix=region.code)
        profiles = profiles.filter(enterprise__region__code__prefix=region.code)
    children = list(region_children(parent=region.code if region else None).order_by("code"))
    graded = RiskProfile.objects.filter(enterprise=OuterRef("pk")).values("grade")[:1]
    tally = (
        firms.order_by()
        .annotate(register_grade=Coalesce(Subquery(graded), Value(UNGRADED)))
        .values("region_id", "register_grade")
        .annotate(n=Count("pk"))
    )
    rows: dict[str, dict[str, Any]] = {
        c.code: {"code": c.code, "name": c.name, "counts": dict.fromkeys(LEGEND, 0), "total": 0} for c in children
    }
    own_row: dict[str, Any] = {
        "code": region.code if region else "",
        "name": OWN_LEVEL,
        "counts": dict.fromkeys(LEGEND, 0),
        "total": 0,
    }
    totals = dict.fromkeys(LEGEND, 0)
    totals_all = 0
    for item in tally:
        code, grade, n = str(item["region_id"]), item["register_grade"] or UNGRADED, int(item["n"])
        row = next((rows[c] for c in rows if code.startswith(c)), own_row)
        row["counts"][grade] = row["counts"].get(grade, 0) + n
        row["total"] += n
        totals[grade] = totals.get(grade, 0) + n
        totals_all += n
    out = list(rows.values())
    if own_row["total"]:
        out.insert(0, own_row)
    major = list(
        profiles.filter(grade__in=MAJOR)
        .select_related("enterprise", "enterprise__region")
        .order_by(Case(When(grade="red", then=Value(0)), default=Value(1)), "enterprise__name", "pk")[:REGION_LIST_ROWS]
    )
    return RegionView(region, out, {**totals, "all": totals_all}, major)
