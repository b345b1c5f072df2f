"""/api/v1/accidents — the accident register (事故), graded per FACTS §4; out of scope answers 404."""

import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from zhiben.accounts.request import request_actor
from zhiben.common.errors import NotFound
from zhiben.common.filters import query_params, query_schema
from zhiben.common.inputs import json_body, openapi_body, parse
from zhiben.common.pagination import LimitOffset
from zhiben.common.schemas import EventOut

from . import rules
from .filters import AccidentFilterSet
from .inputs import AccidentReport, SupplementReport
from .models import Accident, AccidentSupplement, Grade
from .selectors import accident_events, accident_get, accident_list
from .services import accident_create, accident_supplement

router = Router(tags=["accidents"])


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
def create_accident(request: HttpRequest, payload: AccidentReport) -> Status[Accident]:
    """Report an accident. The grade follows from deaths, serious injuries and direct loss (FACTS §4).
    Officers within their region and sectors; enterprise users for their own enterprise only."""
    accident = accident_create(actor=request_actor(request), report=payload)
    return Status(201, _detail(request, accident.pk))


@router.get("", response=list[AccidentOut])
@paginate(LimitOffset)
def list_accidents(request: HttpRequest, query: Query[AccidentQuery]) -> object:
    return accident_list(actor=request_actor(request), filters=query_params(query))


@router.get("/{int:accident_id}", response=AccidentDetail)
def get_accident(request: HttpRequest, accident_id: int) -> Accident:
    """One accident with its supplementary reports (补报) and its timeline (events oldest first)."""
    return _detail(request, accident_id)


@router.post(
    "/{int:accident_id}/supplements", response={201: AccidentDetail}, openapi_extra=openapi_body(SupplementReport)
)
def supplement(request: HttpRequest, accident_id: int) -> Status[Accident]:
    """Record a supplementary report (补报): the new totals, within 30 days of the accident (7 for road
    traffic). Answers the accident with its recomputed grade, which may rise but never falls.
    Outside the caller's scope: 404 before the body is read."""
    actor = request_actor(request)
    if accident_get(actor=actor, accident_id=accident_id) is None:
        raise NotFound("事故不存在")
    report = parse(SupplementReport, json_body(request))
    accident_supplement(accident_id=accident_id, actor=actor, report=report)
    return Status(201, _detail(request, accident_id))
