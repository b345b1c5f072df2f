"""/api/v1/penalties and /api/v1/inspections/{id}/penalties (DESIGN.md §6): the penalties register (行政处罚) —
decisions with their amount and legal basis, payment and enforcement — and the enforcement ledgers' exports
(``/api/v1/penalties/export``, ``/api/v1/inspections/export``: the workbooks the ledger import takes back)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status

from zhiben.accounts.request import request_actor
from zhiben.audit.selectors import events_of
from zhiben.common import dates
from zhiben.common.errors import NotFound
from zhiben.common.inputs import json_body, openapi_body
from zhiben.common.schemas import EventOut
from zhiben.common.xlsx import xlsx_openapi, xlsx_response

from ..ledgers import inspections_xlsx, penalties_xlsx
from ..models import Penalty
from ..selectors import inspections_visible
from ..selectors.penalties import penalty_filters, penalty_get, penalty_list
from ..selectors.pools import paging
from ..services.penalties import BASES, PaymentIn, PenaltyIn, daily_days, penalty_payment, penalty_record

router = Router(tags=["inspections"])
inspection_router = Router(tags=["inspections"])


class PenaltyOut(Schema):
    id: int
    enterprise: str
    enterprise_name: str
    region: str
    region_name: str
    sector: str
    department: int | None
    department_name: str
    inspection: int | None
    hazard: int | None
    tip: int | None
    kind: str
    kind_label: str
    decided_on: datetime.date
    amount: Decimal
    basis: str
    facts: str
    person: str
    person_post: str
    person_amount: Decimal
    major_hazard: bool
    daily: bool
    daily_from: datetime.date | None
    daily_amount: Decimal | None
    daily_days: int | None
    payment: str
    payment_label: str
    paid_amount: Decimal
    paid_on: datetime.date | None
    enforcement_note: str
    external_ref: str
    created_at: datetime.datetime

    @staticmethod
    def resolve_enterprise(obj: Penalty) -> str:
        return obj.enterprise.credit_code

    @staticmethod
    def resolve_enterprise_name(obj: Penalty) -> str:
        return obj.enterprise.name

    @staticmethod
    def resolve_region(obj: Penalty) -> str:
        return str(obj.region_id)

    @staticmethod
    def resolve_region_name(obj: Penalty) -> str:
        return obj.region.name

    @staticmethod
    def resolve_sector(obj: Penalty) -> str:
        return str(obj.sector_id)

    @staticmethod
    def resolve_department(obj: Penalty) -> int | None:
        return obj.department_id

    @staticmethod
    def resolve_department_name(obj: Penalty) -> str:
        return obj.department.name if obj.department is not None else ""

    @staticmethod
    def resolve_inspection(obj: Penalty) -> int | None:
        return obj.inspection_id

    @staticmethod
    def resolve_hazard(obj: Penalty) -> int | None:
        return obj.hazard_id

    @staticmethod
    def resolve_tip(obj: Penalty) -> int | None:
        return obj.tip_id

    @staticmethod
    def resolve_kind_label(obj: Penalty) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_payment_label(obj: Penalty) -> str:
        return obj.get_payment_display()

    @staticmethod
    def resolve_daily_days(obj: Penalty) -> int | None:
        return daily_days(obj)


class PenaltyDetail(PenaltyOut):
    events: list[EventOut]

    @staticmethod
    def resolve_events(obj: Penalty) -> list[Any]:
        return list(events_of(subject_type="penalty", subject_id=str(obj.pk)))


class PenaltyList(Schema):
    items: list[PenaltyOut]
    count: int


class Period(Schema):
    """``from`` and ``to`` (Beijing days, both included): Python keeps ``from`` for itself."""

    since: str = Field("", alias="from", description="起始日期（含），如 2026-01-01")
    until: str = Field("", alias="to", description="截止日期（含）")


class BasisOut(Schema):
    basis: str
    article: str
    gist: str
    kind: str


def _penalty(request: HttpRequest, penalty_id: int) -> Penalty:
    found = penalty_get(actor=request_actor(request), penalty_id=penalty_id)
    if found is None:
        raise NotFound("行政处罚记录不存在")
    return found


@router.get("", response=PenaltyList)
def list_penalties(
    request: HttpRequest,
    region: str = "",
    department: str = "",
    enterprise: str = "",
    payment: str = "",
    period: Query[Period] = None,  # type: ignore[assignment]
    limit: str = "",
    offset: str = "",
) -> dict[str, Any]:
    """The penalties the caller may see (an enterprise user: its own): by ``region`` (subtree), ``department``
    (unit id), ``enterprise`` (credit code), ``from``/``to`` (decision days, Beijing, both included) and
    ``payment`` (unpaid, partly, paid, enforced, exempt); the latest decision first."""
    found = penalty_filters(region, department, enterprise, period.since, period.until, payment)
    qs = penalty_list(actor=request_actor(request), **found)
    start, size = paging(limit, offset)
    return {"items": list(qs[start : start + size]), "count": qs.count()}


@router.post("", response={201: PenaltyDetail}, openapi_extra=openapi_body(PenaltyIn))
def create_penalty(request: HttpRequest) -> Status[Penalty]:
    """A penalty recorded without an inspection (a decision from a ledger, or made on a tip or a report):
    ``{enterprise (credit code), kind?, decided_on, amount, basis, facts?, person?, person_post?, person_amount?,
    major_hazard?, hazard?, tip?, daily?, daily_from?, daily_amount?, external_ref?, department?}`` → 201.
    422 naming every bad field; 403 for a role or unit that records no penalties; 409 naming ``external_ref``."""
    made = penalty_record(actor=request_actor(request), data=json_body(request))
    return Status(201, _penalty(request, made.pk))


@router.get("/bases", response=list[BasisOut])
def list_bases(request: HttpRequest) -> list[dict[str, str]]:
    """The articles of 安全生产法 (2021) most penalties cite, each with what it provides in a line: the choices the
    pages offer for ``basis`` (any other basis may be written)."""
    return [{"basis": b.text, "article": b.article, "gist": b.gist, "kind": str(b.kind)} for b in BASES]


@router.get("/export", openapi_extra=xlsx_openapi("行政处罚台账（.xlsx）"))
def export_penalties(
    request: HttpRequest,
    region: str = "",
    department: str = "",
    enterprise: str = "",
    payment: str = "",
    period: Query[Period] = None,  # type: ignore[assignment]
) -> HttpResponse:
    """The penalty ledger (行政处罚台账) of the penalties the list's parameters select: the columns of the ledger
    import, so that the workbook can be imported again (nothing changes)."""
    found = penalty_filters(region, department, enterprise, period.since, period.until, payment)
    data = penalties_xlsx(penalty_list(actor=request_actor(request), **found))
    stamp = dates.today().strftime("%Y%m%d")
    return xlsx_response(data, f"行政处罚台账{stamp}.xlsx", fallback=f"penalties-{stamp}.xlsx")


@router.get("/{int:penalty_id}", response=PenaltyDetail)
def get_penalty(request: HttpRequest, penalty_id: int) -> Penalty:
    """One penalty with its timeline (events, oldest first)."""
    return _penalty(request, penalty_id)


@router.post("/{int:penalty_id}/payment", response=PenaltyDetail, openapi_extra=openapi_body(PaymentIn))
def record_payment(request: HttpRequest, penalty_id: int) -> Penalty:
    """``{paid_amount?, paid_on?, payment?, enforcement_note?}``: the payment and enforcement of the fine. Without
    ``payment`` the state follows the amount paid; 已缴纳 without an amount is the whole fine; 申请强制执行 needs
    ``enforcement_note``. 422 naming every bad field; 403 unless the caller keeps the unit's penalties."""
    body = json_body(request)  # its kind first (415 says nothing of the record); its values after the scope
    found = _penalty(request, penalty_id)
    penalty_payment(actor=request_actor(request), penalty=found, data=body)
    return _penalty(request, penalty_id)


@inspection_router.post(
    "/{int:inspection_id}/penalties", response={201: PenaltyDetail}, openapi_extra=openapi_body(PenaltyIn)
)
def create_inspection_penalty(request: HttpRequest, inspection_id: int) -> Status[Penalty]:
    """``{"amount","basis","decided_on", …}`` (as ``POST /api/v1/penalties``; the enterprise and unit are the
    inspection's, ``hazard`` one of its findings) → 201. 404 for an inspection out of scope; 409 when its team has
    fewer than two law-enforcement officers with certificates (行政处罚法 第四十二条) or the decision number is
    used; 422 naming every bad field."""
    made = penalty_record(actor=request_actor(request), data=json_body(request), inspection_id=inspection_id)
    return Status(201, _penalty(request, made.pk))


@inspection_router.get("/export", openapi_extra=xlsx_openapi("执法检查台账（.xlsx）"))
def export_inspections(
    request: HttpRequest,
    region: str = "",
    department: str = "",
    enterprise: str = "",
    period: Query[Period] = None,  # type: ignore[assignment]
) -> HttpResponse:
    """The inspection ledger (执法检查台账) of the inspections the caller may see, by ``region`` (subtree),
    ``department``, ``enterprise`` and ``from``/``to`` (inspection days): the columns of the ledger import."""
    found = penalty_filters(region, department, enterprise, period.since, period.until, "")
    qs = inspections_visible(request_actor(request))
    if found["region"]:
        qs = qs.filter(region__code__startswith=found["region"])
    if found["department"] is not None:
        qs = qs.filter(department_id=found["department"])
    if found["enterprise"]:
        qs = qs.filter(enterprise__credit_code=found["enterprise"])
    if found["since"]:
        qs = qs.filter(on__gte=found["since"])
    if found["until"]:
        qs = qs.filter(on__lte=found["until"])
    stamp = dates.today().strftime("%Y%m%d")
    return xlsx_response(inspections_xlsx(qs), f"执法检查台账{stamp}.xlsx", fallback=f"inspections-{stamp}.xlsx")
