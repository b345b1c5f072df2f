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
from .inputs import (
    AccidentReport,
    DeadlineExtension,
    InvestigationReport,
    RelayReport,
    ReplyReport,
    SupplementReport,
)
from .models import Accident, AccidentSupplement, AccidentType, Grade
from .selectors import accident_events, accident_get, accident_list, relay_chain_of
from .services import (
    accident_create,
    accident_relay,
    accident_supplement,
    investigation_extend,
    investigation_submit,
    reply_extend,
    reply_record,
)

router = Router(tags=["accidents"])


class AccidentOut(Schema):
    id: int
    region: str = Field(..., alias="region_id")
    region_name: str
    sector: str = Field(..., alias="sector_id")
    sector_name: str
    enterprise: str | None
    enterprise_name: str | None
    type: str
    type_name: str
    occurred_at: datetime.datetime
    head_notified_at: datetime.datetime
    reported_at: datetime.datetime
    report_due: datetime.datetime
    late_report: bool
    deaths: int
    missing: int
    serious_injuries: int
    direct_loss: Decimal
    grade: str
    grade_name: str
    verified_grade: str | None
    verified_grade_name: str | None
    statistical_grade: str
    description: str
    supplement_days: int
    supplement_deadline: datetime.date
    investigation_due: datetime.date
    investigation_extension_days: int
    investigation_extension_reason: str
    investigation_submitted_on: datetime.date | None
    investigation_overdue: bool
    reply_due: datetime.date | None
    reply_extension_days: int
    reply_extension_reason: str
    replied_on: datetime.date | None
    reply_overdue: bool
    created_at: datetime.datetime

    @staticmethod
    def resolve_type_name(obj: Accident) -> str:
        return AccidentType(obj.type).label

    @staticmethod
    def resolve_report_due(obj: Accident) -> datetime.datetime:
        return obj.head_notified_at + rules.report_limit()

    @staticmethod
    def resolve_verified_grade(obj: Accident) -> str | None:
        return obj.verified_grade or None

    @staticmethod
    def resolve_verified_grade_name(obj: Accident) -> str | None:
        return Grade(obj.verified_grade).label if obj.verified_grade else None

    @staticmethod
    def resolve_investigation_overdue(obj: Accident) -> bool:
        return obj.investigation_submitted_on is None and rules.today() > obj.investigation_due

    @staticmethod
    def resolve_reply_overdue(obj: Accident) -> bool:
        return obj.replied_on is None and obj.reply_due is not None and rules.today() > obj.reply_due

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
        return rules.supplement_days(obj.type)

    @staticmethod
    def resolve_supplement_deadline(obj: Accident) -> datetime.date:
        return rules.supplement_deadline(occurred_at=obj.occurred_at, accident_type=obj.type)


class SupplementOut(Schema):
    id: int
    reported_on: datetime.date
    counted: bool
    deaths: int
    missing: int
    serious_injuries: int
    direct_loss: Decimal
    note: str
    reason: str
    grade_before: str
    grade_after: str
    grade_raised: bool
    grade_lowered: bool
    reported_by: str | None
    created_at: datetime.datetime

    @staticmethod
    def resolve_reported_by(obj: AccidentSupplement) -> str | None:
        user = obj.reported_by
        return (user.full_name or user.username) if user else None


class RelayOut(Schema):
    """One level of the relay chain (第十条、第十一条): due 2 hours after the level below got the report."""

    level: str
    level_name: str
    due: datetime.datetime
    reported_at: datetime.datetime | None
    late: bool
    overdue: bool
    expected: bool


class AccidentDetail(AccidentOut):
    supplements: list[SupplementOut]
    relays: list[RelayOut]
    events: list[EventOut]

    @staticmethod
    def resolve_supplements(obj: Accident) -> list[AccidentSupplement]:
        return list(obj.supplements.all())

    @staticmethod
    def resolve_relays(obj: Accident) -> list[dict[str, Any]]:
        return relay_chain_of(obj)

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


class SupplementAnswer(AccidentDetail):
    counted: bool


@router.post(
    "/{int:accident_id}/supplements", response={201: SupplementAnswer}, openapi_extra=openapi_body(SupplementReport)
)
def supplement(request: HttpRequest, accident_id: int) -> Status[Accident]:
    """Record a supplementary report (补报, 第十三条): the new totals. Within 30 days of the accident (7 for
    road traffic accidents and fires) it answers ``counted: true`` and the figures and grade follow it (a
    lower figure needs ``reason``); later it answers ``counted: false`` and changes nothing but the record.
    Outside the caller's scope: 404 before the body is read."""
    actor = request_actor(request)
    if accident_get(actor=actor, accident_id=accident_id) is None:
        raise NotFound("事故不存在")
    report = parse(SupplementReport, json_body(request))
    row = accident_supplement(accident_id=accident_id, actor=actor, report=report)
    accident = _detail(request, accident_id)
    accident.counted = row.counted  # type: ignore[attr-defined]  # the answer's flag
    return Status(201, accident)


def _government_step(request: HttpRequest, accident_id: int, model: Any, service: Any, name: str) -> Accident:
    """Scope first (404 before the body is read), then the input, then the service (403 for a role that
    does not record government steps, 409 for a wrong state)."""
    actor = request_actor(request)
    if accident_get(actor=actor, accident_id=accident_id) is None:
        raise NotFound("事故不存在")
    payload = parse(model, json_body(request))
    service(accident_id=accident_id, actor=actor, **{name: payload})
    return _detail(request, accident_id)


@router.post("/{int:accident_id}/relays", response={201: AccidentDetail}, openapi_extra=openapi_body(RelayReport))
def relay(request: HttpRequest, accident_id: int) -> Status[Accident]:
    """Record that the accident reached a government level (逐级上报, 第十条): ``{"level": "city"|"province"|
    "national", "reported_at"}``. Answers the accident with its relay chain, each level's due moment (2 hours,
    第十一条) and late flag. 409 when the level is recorded already; 403 for enterprise users."""
    return Status(201, _government_step(request, accident_id, RelayReport, accident_relay, "report"))


@router.post(
    "/{int:accident_id}/investigation", response=AccidentDetail, openapi_extra=openapi_body(InvestigationReport)
)
def investigation(request: HttpRequest, accident_id: int) -> Accident:
    """Record the investigation report (第二十九条): ``{"submitted_on", "verified_grade"}``; starts the 批复
    clock (第三十二条). 409 when recorded already."""
    return _government_step(request, accident_id, InvestigationReport, investigation_submit, "report")


@router.post(
    "/{int:accident_id}/investigation/extension",
    response=AccidentDetail,
    openapi_extra=openapi_body(DeadlineExtension),
)
def investigation_extension(request: HttpRequest, accident_id: int) -> Accident:
    """Extend the investigation's 60 days once by at most 60 (第二十九条): ``{"days", "reason"}``."""
    return _government_step(request, accident_id, DeadlineExtension, investigation_extend, "request")


@router.post("/{int:accident_id}/reply", response=AccidentDetail, openapi_extra=openapi_body(ReplyReport))
def reply(request: HttpRequest, accident_id: int) -> Accident:
    """Record the government's 批复 (第三十二条): ``{"replied_on"}``. 409 before the report or twice."""
    return _government_step(request, accident_id, ReplyReport, reply_record, "report")


@router.post(
    "/{int:accident_id}/reply/extension", response=AccidentDetail, openapi_extra=openapi_body(DeadlineExtension)
)
def reply_extension(request: HttpRequest, accident_id: int) -> Accident:
    """Extend the 批复's 30 days of an especially major accident once by at most 30 (第三十二条)."""
    return _government_step(request, accident_id, DeadlineExtension, reply_extend, "request")
