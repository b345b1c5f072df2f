"""/api/v1/accidents — the accident register (事故), graded per FACTS §4; out of scope answers 404."""

import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from zhiben.accounts.request import request_actor
from zhiben.common.errors import NotFound
from zhiben.common.filters import query_params, query_schema
from zhiben.common.schemas import EventOut

from . import rules
from .filters import AccidentFilterSet
from .models import Accident, AccidentSupplement, Grade
from .selectors import accident_events, accident_get, accident_list
from .services import accident_create, accident_supplement

router = Router(tags=["accidents"])


class AccidentIn(Schema):
    region: str | None = Field(
        None, max_length=12, description="事故发生地（区县或乡镇代码）；填写 enterprise 时默认为该企业所在区划"
    )
    enterprise: str | None = Field(None, max_length=30, description="事故发生单位的统一社会信用代码")
    sector: str | None = Field(None, max_length=32, description="行业领域代码，见 /sectors；默认为该企业的行业领域")
    occurred_at: datetime.datetime = Field(..., description="发生时间；不带时区的按北京时间")
    reported_at: datetime.datetime | None = Field(None, description="首报时间，默认为登记时；晚于发生时间1小时为迟报")
    deaths: int = Field(..., description="死亡人数（0–100000）")
    serious_injuries: int = Field(..., description="重伤人数，含急性工业中毒（0–100000）")
    direct_loss: Decimal = Field(..., description="直接经济损失（元，0–1e13）")
    description: str = Field(..., max_length=4000, description="事故简要经过")


class SupplementIn(Schema):
    reported_on: datetime.date | None = Field(None, description="补报日期，默认为今天")
    deaths: int = Field(..., description="补报后的死亡人数（总数）")
    serious_injuries: int = Field(..., description="补报后的重伤人数（总数）")
    direct_loss: Decimal = Field(..., description="补报后的直接经济损失（元，总数）")
    note: str = Field("", max_length=1000, description="补报说明")


class AccidentOut(Schema):
    id: int
    region: str = Field(..., alias="region_id")
    region_name: str
    sector: str = Field(..., alias="sector_id")
    sector_name: str
    enterprise: str | None
    enterprise_name: str | None
    occurred_at: datetime.datetime
    reported_at: datetime.datetime
    late_report: bool
    deaths: int
    serious_injuries: int
    direct_loss: Decimal
    grade: str
    grade_name: str
    description: str
    supplement_days: int
    supplement_deadline: datetime.date
    created_at: datetime.datetime

    @staticmethod
    def resolve_region_name(obj: Accident) -> str:
        return obj.region.full_name or obj.region.name

    @staticmethod
    def resolve_sector_name(obj: Accident) -> str:
        return obj.sector.name

    @staticmethod
    def resolve_enterprise(obj: Accident) -> str | None:
        return obj.enterprise.credit_code if obj.enterprise else None

    @staticmethod
    def resolve_enterprise_name(obj: Accident) -> str | None:
        return obj.enterprise.name if obj.enterprise else None

    @staticmethod
    def resolve_grade_name(obj: Accident) -> str:
        return Grade(obj.grade).label

    @staticmethod
    def resolve_supplement_days(obj: Accident) -> int:
        return rules.supplement_days(obj.sector_id)

    @staticmethod
    def resolve_supplement_deadline(obj: Accident) -> datetime.date:
        return rules.supplement_deadline(occurred_at=obj.occurred_at, sector=obj.sector_id)


class SupplementOut(Schema):
    id: int
    reported_on: datetime.date
    deaths: int
    serious_injuries: int
    direct_loss: Decimal
    note: str
    grade_before: str
    grade_after: str
    grade_raised: bool
    reported_by: str | None
    created_at: datetime.datetime

    @staticmethod
    def resolve_reported_by(obj: AccidentSupplement) -> str | None:
        user = obj.reported_by
        return (user.full_name or user.username) if user else None


class AccidentDetail(AccidentOut):
    supplements: list[SupplementOut]
    events: list[EventOut]

    @staticmethod
    def resolve_supplements(obj: Accident) -> list[AccidentSupplement]:
        return list(obj.supplements.all())

    @staticmethod
    def resolve_events(obj: Accident) -> list[Any]:
        return list(accident_events(obj))


class AccidentQuery(query_schema(AccidentFilterSet)):  # type: ignore[misc]  # a generated base
    """The list's query parameters: generated from the one filter declaration (filters.py)."""


def _detail(request: HttpRequest, accident_id: int) -> Accident:
    accident = accident_get(actor=request_actor(request), accident_id=accident_id)
    if accident is None:
        raise NotFound("事故不存在")
    return accident


@router.post("", response={201: AccidentDetail})
def create_accident(request: HttpRequest, payload: AccidentIn) -> Status[Accident]:
    """Report an accident. The grade follows from deaths, serious injuries and direct loss (FACTS §4).
    Officers within their region and sectors; enterprise users for their own enterprise only."""
    accident = accident_create(actor=request_actor(request), data=payload.dict(exclude_unset=True))
    return Status(201, _detail(request, accident.pk))


@router.get("", response=list[AccidentOut])
@paginate(LimitOffsetPagination)
def list_accidents(request: HttpRequest, query: Query[AccidentQuery]) -> object:
    return accident_list(actor=request_actor(request), filters=query_params(query))


@router.get("/{int:accident_id}", response=AccidentDetail)
def get_accident(request: HttpRequest, accident_id: int) -> Accident:
    """One accident with its supplementary reports (补报) and its timeline (events oldest first)."""
    return _detail(request, accident_id)


@router.post("/{int:accident_id}/supplements", response={201: AccidentDetail})
def supplement(request: HttpRequest, accident_id: int, payload: SupplementIn) -> Status[Accident]:
    """Record a supplementary report (补报): the new totals, within 30 days of the accident (7 for road
    traffic). Answers the accident with its recomputed grade, which may rise but never falls."""
    accident_supplement(accident_id=accident_id, actor=request_actor(request), **payload.dict())
    return Status(201, _detail(request, accident_id))
