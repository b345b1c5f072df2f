"""``/api/v1/stats/enforcement`` — enforcement statistics (执法统计, DESIGN.md §6 "Inspections and enforcement"):
the figures from the tallies with ``zero_penalty`` and the 安全生产法 第一百一十三条 ``closure_proposals``, and
``/self-check-missed`` (有问题查不出). Mounted at ``/stats/enforcement`` beside the analytics engine's ``/stats``
routes. The rules are in ``selectors/stats.py`` and ``repeat.py``."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from pydantic import BaseModel, ConfigDict

from zhiben.accounts.request import request_actor
from zhiben.common.pagination import DB_INT_MAX
from zhiben.regions.selectors import parse_region

from ..selectors.stats import enforcement_stats, self_check_missed

router = Router(tags=["inspections"])

_FROM = "起始：日期（2025-03-01）或月份（2025-03），取其所在月的第一日；默认今年 1 月 1 日"
_TO = "截止：日期或月份，取其所在月的最后一日（不晚于今天）；默认今天"


class EnforcementQuery(Schema):
    region: str | None = Field(None, max_length=12, description="区划（默认本人辖区）；按 region 分组时为其直接下级")
    department: int | None = Field(None, ge=1, le=2**31 - 1, description="成员单位：只计该单位自己的检查和处罚")
    group_by: Literal["region", "department", "month"] = "region"
    date_from: str | None = Field(None, alias="from", max_length=20, description=_FROM)
    date_to: str | None = Field(None, alias="to", max_length=20, description=_TO)


class Out(BaseModel):
    """A response model: plain pydantic, validated from the selectors' dicts by pydantic-core alone (a Ninja
    ``Schema`` reads each attribute through its ORM getter, a third of a province's answer)."""

    model_config = ConfigDict(populate_by_name=True)


class Figures(Out):
    inspections: int = Field(description="检查次数")
    unannounced: int = Field(description="四不两直")
    covert: int = Field(description="明察暗访")
    cross_region: int = Field(description="异地交叉执法")
    with_experts: int = Field(description="执法+专家")
    findings: int = Field(description="发现隐患")
    major_findings: int = Field(description="发现重大事故隐患")
    penalties: int = Field(description="行政处罚（件）")
    penalty_amount: Decimal = Field(description="罚款金额（元）")
    unannounced_share: float | None
    covert_share: float | None
    cross_region_share: float | None
    with_experts_share: float | None
    findings_per_inspection: float | None
    major_findings_per_inspection: float | None
    penalties_per_inspection: float | None
    penalty_amount_per_inspection: float | None = Field(description="每次检查罚款金额（元）")
    zero_penalty: bool = Field(description="检查过但未作出处罚（只检查不处罚）")


class Group(Figures):
    key: str = Field(description="下级区划代码、成员单位 id（0：未关联单位）或月份 YYYY-MM")
    name: str
    own: bool = Field(False, description="按区划：本级（登记在该区划本身的企业）；按单位：该区划本级的单位")
    unit_region: str | None = Field(None, description="按单位：单位所属区划")


class ZeroRegion(Out):
    key: str
    name: str
    own: bool
    inspections: int


class ZeroUnit(Out):
    id: int
    name: str
    inspections: int


class ZeroPenalty(Out):
    regions: list[ZeroRegion]
    departments: list[ZeroUnit]


class Unit(Out):
    id: int
    name: str


class HitOut(Out):
    rule: str = Field(description="3/180d：180日内3次；4/1y：一年内4次")
    rule_label: str
    dates: list[datetime.date] = Field(description="构成该规则的处罚决定日（同日计一次）")
    window_start: datetime.date
    window_end: datetime.date
    reached_on: datetime.date


class Proposal(HitOut):
    credit_code: str
    name: str
    region: str
    region_name: str
    hits: list[HitOut]


class Approaching(Out):
    credit_code: str
    name: str
    region: str
    region_name: str
    rule: str
    rule_label: str
    dates: list[datetime.date]
    window_start: datetime.date
    until: datetime.date = Field(description="再受处罚即构成的最后一日")


class RuleOut(Out):
    key: str
    count: int
    window: int | str = Field(description="日数，或 1y（一年，民法典第二百零二条）")
    label: str


class EnforcementOut(Out):
    region: str | None
    region_name: str
    department: Unit | None
    unit_default: bool = Field(description="按本人所在成员单位限定（非牵头协调单位的执法人员）")
    source: Literal["tallies", "rows"]
    date_from: datetime.date = Field(alias="from")
    date_to: datetime.date = Field(alias="to")
    group_by: str
    totals: Figures
    groups: list[Group]
    zero_penalty: ZeroPenalty
    closure_proposals: list[Proposal]
    approaching: list[Approaching]
    rules: list[RuleOut]
    first_day_counted: bool
    window_convention: str


@router.get("", response=EnforcementOut, by_alias=True)
def stats_enforcement(request: HttpRequest, query: Query[EnforcementQuery]) -> dict[str, Any]:
    """Inspections, 四不两直 share, findings, major findings, penalties and amounts of a region subtree in a period
    (whole months), grouped by child region, member unit or month, from the enforcement tallies; ``zero_penalty``:
    the child regions and units that inspected and never penalised; ``closure_proposals`` and ``approaching``:
    安全生产法 第一百一十三条第（一）项 (three penalties for a major hazard within 180 days, four within one year),
    with the boundary convention in ``window_convention``."""
    region = parse_region(query.region) if query.region else None
    return enforcement_stats(
        actor=request_actor(request),
        region=region,
        department=query.department,
        group_by=query.group_by,
        date_from=query.date_from,
        date_to=query.date_to,
    )


class MissedQuery(Schema):
    region: str | None = Field(None, max_length=12, description="区划（默认本人辖区）")
    department: int | None = Field(None, ge=1, le=2**31 - 1, description="成员单位：只计该单位的检查")
    date_from: str | None = Field(None, alias="from", max_length=20, description=_FROM)
    date_to: str | None = Field(None, alias="to", max_length=20, description=_TO)
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=DB_INT_MAX)


class MissedRegion(Out):
    key: str
    name: str
    own: bool
    count: int


class MissedUnit(Out):
    id: int
    name: str
    count: int


class MissedItem(Out):
    hazard: int
    title: str
    credit_code: str
    enterprise: str
    region: str
    region_name: str
    inspection: int
    on: datetime.date
    department: int | None
    department_name: str
    criterion: str = Field(description="检查发现所引用的判定标准条款（空：未引用）")
    criterion_article: str


class MissedOut(Out):
    region: str | None
    date_from: datetime.date = Field(alias="from")
    date_to: datetime.date = Field(alias="to")
    count: int
    lookback_days: int
    rule: str
    by_region: list[MissedRegion]
    by_department: list[MissedUnit]
    items: list[MissedItem]


@router.get("/self-check-missed", response=MissedOut, by_alias=True)
def stats_self_check_missed(request: HttpRequest, query: Query[MissedQuery]) -> dict[str, Any]:
    """有问题查不出: major hazards found by the inspections of the period at enterprises whose own self-check recorded
    nothing similar (a hazard citing the same criteria clause) in the 365 days before the inspection day, with
    counts by child region and member unit, for accountability (参照事故调查处理)."""
    region = parse_region(query.region) if query.region else None
    return self_check_missed(
        actor=request_actor(request),
        region=region,
        department=query.department,
        date_from=query.date_from,
        date_to=query.date_to,
        limit=query.limit,
        offset=query.offset,
    )
