"""/api/v1/departments and /api/v1/regions/{code}/routing (DESIGN.md §6): member units and who leads each sector.
Every read goes through a scoped selector: out of scope answers 404."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema, Status

from zhiben.accounts.models import User
from zhiben.accounts.request import request_actor
from zhiben.accounts.scope import region_in_scope
from zhiben.common.errors import FieldErrors, NotFound
from zhiben.common.inputs import json_body
from zhiben.regions.models import Region
from zhiben.regions.selectors import parse_region

from .models import Department
from .selectors import department_list, department_require, region_visible, routing_for, scoped_users
from .services import department_create, department_update, departments_seed, member_set, routing_set

router = Router(tags=["departments"])
routing_router = Router(tags=["departments"])


class DepartmentOut(Schema):
    id: int
    region: str
    region_name: str
    name: str
    kind: str
    kind_label: str
    aliases: list[str]
    sectors: list[str]
    township: str | None
    active: bool

    @staticmethod
    def resolve_region_name(obj: Department) -> str:
        return obj.region.name

    @staticmethod
    def resolve_region(obj: Department) -> str:
        return obj.region_id

    @staticmethod
    def resolve_kind_label(obj: Department) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_aliases(obj: Department) -> list[str]:
        return obj.alias_list()

    @staticmethod
    def resolve_sectors(obj: Department) -> list[str]:
        return [s.key for s in obj.sectors.all()]

    @staticmethod
    def resolve_township(obj: Department) -> str | None:
        return obj.township_id


class DepartmentList(Schema):
    items: list[DepartmentOut]
    count: int


@router.get("", response=DepartmentList)
def list_departments(request: HttpRequest, region: str = "", kind: str = "") -> dict[str, Any]:
    """Member units the caller may see (their region, those above and below it), optionally of one ``region``
    (exactly) or ``kind``."""
    code = parse_region(region) if region.strip() else None
    if code is not None and not region_visible(request_actor(request), code):
        raise NotFound("区划不存在或不在您的辖区内")
    qs = department_list(actor=request_actor(request), region=code, kind=kind.strip() or None)
    return {"items": list(qs[:1000]), "count": qs.count()}


@router.post("", response={201: DepartmentOut})
def create_department(request: HttpRequest) -> Status[Department]:
    """``{"region","name","kind"?,"sectors"?:[…],"aliases"?,"township"?}`` → 201 the unit. Only the region's
    committee office (安委会办公室) or an admin; 422 naming the field; 409 naming ``name`` for a duplicate."""
    body = json_body(request)
    unit = department_create(
        actor=request_actor(request),
        region=body.get("region"),
        name=body.get("name"),
        kind=body.get("kind"),
        sectors=body.get("sectors"),
        aliases=body.get("aliases") or "",
        township=body.get("township"),
    )
    return Status(201, department_require(actor=request_actor(request), department_id=unit.pk))


@router.get("/{int:department_id}", response=DepartmentOut)
def get_department(request: HttpRequest, department_id: int) -> Department:
    return department_require(actor=request_actor(request), department_id=department_id)


@router.patch("/{int:department_id}", response=DepartmentOut)
def patch_department(request: HttpRequest, department_id: int) -> Department:
    """Change ``name``, ``kind``, ``aliases``, ``active`` or ``sectors``."""
    actor = request_actor(request)
    unit = department_require(actor=actor, department_id=department_id)
    body = json_body(request)
    allowed = {"name", "kind", "aliases", "active", "sectors"}
    unknown = sorted(set(body) - allowed)
    if unknown:
        raise FieldErrors({unknown[0]: "不能修改此字段"})
    department_update(actor=actor, department=unit, **{k: body[k] for k in allowed if k in body})
    return department_require(actor=actor, department_id=department_id)


class MemberOut(Schema):
    username: str
    full_name: str
    role: str
    region: str | None

    @staticmethod
    def resolve_region(obj: User) -> str | None:
        return obj.region_id


class MemberIn(Schema):
    username: str


@router.get("/{int:department_id}/members", response=list[MemberOut])
def list_members(request: HttpRequest, department_id: int) -> list[User]:
    """The officers who belong to the unit."""
    unit = department_require(actor=request_actor(request), department_id=department_id)
    return list(unit.members.filter(is_active=True).order_by("username"))


@router.post("/{int:department_id}/members", response=list[MemberOut])
def add_member(request: HttpRequest, department_id: int, payload: MemberIn) -> list[User]:
    """``{"username"}``: put an officer of the unit's region (or a region under it) in the unit. The committee
    office or an admin only; 422 naming ``username`` for a user not in reach."""
    actor = request_actor(request)
    unit = department_require(actor=actor, department_id=department_id)
    user = scoped_users(actor=actor).filter(username=payload.username.strip()).first()
    if user is None:
        raise FieldErrors({"username": "找不到该用户，或其不在您的辖区内"})
    member_set(actor=actor, user=user, department=unit.pk)
    return list(unit.members.filter(is_active=True).order_by("username"))


class UnitRef(Schema):
    id: int
    name: str


class RouteOut(Schema):
    sector: str
    sector_name: str
    lead: UnitRef | None
    co: list[UnitRef]
    source: str
    at: str
    at_name: str


class RoutingOut(Schema):
    region: str
    region_name: str
    routes: list[RouteOut]


def _region_for(request: HttpRequest, code: str) -> Region:
    actor = request_actor(request)
    normal = parse_region(code, field="code")
    region = Region.objects.filter(pk=normal).first()
    if region is None or not (
        region_in_scope(actor, normal) or (actor.region_id and actor.region_id.startswith(normal))
    ):
        raise NotFound("区划不存在")
    return region


def _routing(region: Region) -> dict[str, Any]:
    return {"region": region.pk, "region_name": region.name, "routes": routing_for(region.pk)}


@routing_router.get("/{code}/routing", response=RoutingOut)
def get_routing(request: HttpRequest, code: str) -> dict[str, Any]:
    """Sector → lead and co-operating units in region ``code`` (三管三必须, “一件事” 牵头 + 配合): each route's
    ``source`` is ``set`` (a row of region ``at``) or ``default`` (by unit kind among ``at``'s units)."""
    return _routing(_region_for(request, code))


@routing_router.post("/{code}/routing", response=RoutingOut)
def set_routing(request: HttpRequest, code: str) -> dict[str, Any]:
    """``{"sector","lead": unit id|null,"co":[unit ids]}`` sets one sector's route in region ``code``."""
    region = _region_for(request, code)
    body = json_body(request)
    routing_set(
        actor=request_actor(request),
        region=region.pk,
        sector=body.get("sector"),
        lead=body.get("lead"),
        co=body.get("co"),
    )
    return _routing(region)


@routing_router.post("/{code}/departments/seed", response=DepartmentList)
def seed_departments(request: HttpRequest, code: str) -> dict[str, Any]:
    """Create the usual member units of region ``code`` that it lacks (应急管理局, 住建局 …); answers the new ones."""
    region = _region_for(request, code)
    made = departments_seed(actor=request_actor(request), region=region.pk)
    return {"items": made, "count": len(made)}
