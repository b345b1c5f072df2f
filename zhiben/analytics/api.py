"""/api/v1/stats — hazard figures and dynamic zeroing (DESIGN.md §6), from the summary counts."""

import datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from zhiben.accounts.request import request_actor
from zhiben.common.inputs import day
from zhiben.hazards.models import Level
from zhiben.regions.selectors import parse_region

from .selectors import dashboard_data, department_ranking, department_scope, hazard_stats, zeroing

router = Router(tags=["stats"])


class Figures(Schema):
    total: int
    open: int
    closed: int
    overdue: int
    closed_on_time: int
    stock_total: int
    stock_open: int
    increment_total: int
    increment_open: int
    listed: int


class Group(Figures):
    key: str


class StatsOut(Schema):
    department: int | None = None
    totals: Figures
    groups: list[Group]
    region: str | None
    group_by: str
    as_of: datetime.date


class StatsQuery(Schema):
    region: str | None = Field(None, max_length=12, description="区划（默认为本人辖区）；按 region 分组时为其直接下级")
    level: Level | None = None
    group_by: Literal["region", "sector", "source", "cohort", "month"] = "region"
    as_of: Annotated[datetime.date | None, day("截至日期")] = Field(
        None, description="截至该日（北京时间）日终的数字；带时区的时刻取其北京日期"
    )
    department: int | None = Field(
        None,
        ge=1,
        le=2**31 - 1,
        description="成员单位：只计其牵头的行业领域（在其区划内）；与 region 同时给出时以单位为准",
    )


class ZeroingQuery(Schema):
    region: str | None = Field(None, max_length=12)


@router.get("/hazards", response=StatsOut)
def stats_hazards(request: HttpRequest, query: Query[StatsQuery]) -> dict[str, Any]:
    """Figures for a region subtree, grouped. Cancelled hazards count nowhere; ``open`` = neither closed nor
    cancelled; ``overdue`` = open and past its deadline; ``listed`` = has a supervision listing."""
    actor = request_actor(request)
    region = parse_region(query.region) if query.region else None
    scope = None
    if query.department is not None:
        scope, unit = department_scope(actor=actor, department=query.department)
        region = unit.region_id
    answer = hazard_stats(
        actor=actor, region=region, level=query.level, group_by=query.group_by, as_of=query.as_of, scope=scope
    )
    if query.department is not None:
        answer["department"] = query.department
    return answer


@router.get("/zeroing")
def stats_zeroing(request: HttpRequest, query: Query[ZeroingQuery]) -> dict[str, Any]:
    """Major hazards: the stock (cleared by the stock deadline?), the increment by year, open overdue now."""
    region = parse_region(query.region) if query.region else None
    return zeroing(actor=request_actor(request), region=region)


@router.get("/dashboard")
def stats_dashboard(request: HttpRequest, query: Query[ZeroingQuery]) -> dict[str, Any]:
    """All the dashboard's data in one answer (headline figures, regions, sectors, sources, months, the
    enterprises with most overdue hazards)."""
    region = parse_region(query.region) if query.region else None
    return dashboard_data(actor=request_actor(request), region=region)


class DepartmentRank(Schema):
    id: int
    name: str
    kind: str
    sectors: list[str]
    rank: int
    total: int
    closed: int
    closed_on_time: int
    overdue: int
    stock_open: int
    on_time_rate: float | None
    tasks: int
    tasks_done_on_time: int
    tasks_overdue: int
    task_rate: float | None


@router.get("/departments", response=list[DepartmentRank])
def stats_departments(request: HttpRequest, query: Query[ZeroingQuery]) -> list[dict[str, Any]]:
    """晾晒 of a region's member units: the hazards of the sectors each leads (按期销号率, overdue, stock open) and
    the plan tasks it leads (done on time, overdue), ranked by on-time rate, then task rate."""
    region = parse_region(query.region) if query.region else None
    return department_ranking(actor=request_actor(request), region=region)
