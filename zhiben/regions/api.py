"""/api/v1/regions — the GB/T 2260 tree. Codes are answered in short form; any accepted form is taken."""

from typing import cast

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from zhiben.common.errors import NotFound
from zhiben.common.pagination import LimitOffset
from zhiben.common.roles import Actor

from .models import Region
from .selectors import parse_region, region_children, region_get
from .services import region_create

router = Router(tags=["regions"])


class RegionOut(Schema):
    code: str
    name: str
    parent: str | None = Field(None, alias="parent_id")
    level: int
    full_name: str
    longitude: float | None
    latitude: float | None


class RegionIn(Schema):
    code: str = Field(..., max_length=12)
    name: str = Field(..., max_length=64)
    parent: str = Field(..., max_length=12)


class RegionQuery(Schema):
    parent: str | None = Field(None, max_length=12, description="上级代码；不填返回各省级区划")


@router.get("", response=list[RegionOut])
@paginate(LimitOffset)
def list_regions(request: HttpRequest, query: Query[RegionQuery]) -> object:
    """Children of ``parent`` (no parent: the provinces). Region names are public reference data."""
    parent = parse_region(query.parent, field="parent") if query.parent else None
    return region_children(parent=parent)


@router.get("/{code}", response=RegionOut)
def get_region(request: HttpRequest, code: str) -> Region:
    region = region_get(parse_region(code, field="code"))
    if region is None:
        raise NotFound("行政区划不存在")
    return region


@router.post("", response={201: RegionOut})
def create_region(request: HttpRequest, payload: RegionIn) -> Status[Region]:
    """Add a township or street (admin)."""
    actor = cast(Actor, request.user)  # the API's authentication has run
    return Status(201, region_create(actor=actor, code=payload.code, name=payload.name, parent=payload.parent))
