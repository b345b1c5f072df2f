"""/api/v1/enterprises — the enterprise register (scoped; out of scope answers 404)."""

import datetime
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from zhiben.accounts.request import request_actor
from zhiben.common.errors import NotFound
from zhiben.common.filters import query_params, query_schema
from zhiben.common.inputs import json_body, openapi_body, parse
from zhiben.common.names import code_key
from zhiben.common.pagination import LimitOffset
from zhiben.common.xlsx import xlsx_openapi, xlsx_response

from .exports import enterprises_xlsx, export_filename
from .filters import EnterpriseFilterSet
from .inputs import EnterpriseChange, EnterpriseRegistration
from .models import Enterprise
from .selectors import enterprise_get, enterprise_list
from .services import enterprise_create, enterprise_input, enterprise_update

router = Router(tags=["enterprises"])


class EnterpriseOut(Schema):
    id: int
    credit_code: str
    name: str
    region: str = Field(..., alias="region_id")
    region_name: str
    sector: str = Field(..., alias="sector_id")
    sector_name: str
    industry_code: str
    address: str
    high_risk: bool
    scale: str
    above_scale: bool
    employees: int | None
    risk_level: str
    supervision_class: str
    standardisation_grade: str
    standardisation_valid_until: datetime.date | None
    insured: bool
    insurance_valid_until: datetime.date | None
    principal: str
    principal_phone: str
    actual_controller: str
    safety_contact: str
    safety_phone: str
    status: str
    longitude: Decimal | None
    latitude: Decimal | None
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_region_name(obj: Enterprise) -> str:
        return obj.region.full_name or obj.region.name

    @staticmethod
    def resolve_sector_name(obj: Enterprise) -> str:
        return obj.sector.name


class EnterpriseQuery(query_schema(EnterpriseFilterSet)):  # type: ignore[misc]  # a generated base
    """The list's and the export's query parameters: generated from the one filter declaration (filters.py)."""


@router.post("", response={201: EnterpriseOut}, openapi_extra=openapi_body(EnterpriseRegistration))
def create_enterprise(request: HttpRequest) -> Status[Enterprise]:
    """Register an enterprise (officers within their region and sectors, admins anywhere). 409 on a duplicate.
    A refusal names every bad field at once, a region or sector outside the caller's scope included."""
    actor = request_actor(request)
    registration = enterprise_input(EnterpriseRegistration, json_body(request), actor=actor)
    enterprise = enterprise_create(actor=actor, registration=registration)
    found = enterprise_get(actor=request_actor(request), credit_code=enterprise.credit_code)
    return Status(201, found or enterprise)


@router.get("", response=list[EnterpriseOut])
@paginate(LimitOffset)
def list_enterprises(request: HttpRequest, query: Query[EnterpriseQuery]) -> object:
    return enterprise_list(actor=request_actor(request), filters=query_params(query))


# Before /{credit_code}, which would otherwise take "export" for a credit code.
@router.get("/export", openapi_extra=xlsx_openapi("企业清单（.xlsx）"))
def export_enterprises(request: HttpRequest, query: Query[EnterpriseQuery]) -> HttpResponse:
    """Every enterprise the same query selects on ``GET /enterprises`` (all of them, no paging), as an
    Excel workbook with Chinese headers."""
    name, fallback = export_filename()
    return xlsx_response(
        enterprises_xlsx(actor=request_actor(request), filters=query_params(query)), name, fallback=fallback
    )


@router.get("/{credit_code}", response=EnterpriseOut)
def get_enterprise(request: HttpRequest, credit_code: str) -> Enterprise:
    enterprise = enterprise_get(actor=request_actor(request), credit_code=credit_code)
    if enterprise is None:
        raise NotFound("企业不存在")
    return enterprise


@router.patch("/{credit_code}", response=EnterpriseOut, openapi_extra=openapi_body(EnterpriseChange))
def update_enterprise(request: HttpRequest, credit_code: str) -> Enterprise:
    """Change some fields of an enterprise in scope. The body is read once the enterprise is known to be in
    the caller's scope: out of scope is 404 whatever the body says."""
    actor = request_actor(request)
    if enterprise_get(actor=actor, credit_code=credit_code) is None:
        raise NotFound("企业不存在")
    change = parse(EnterpriseChange, json_body(request))
    enterprise_update(actor=actor, credit_code=code_key(credit_code), change=change)
    found = enterprise_get(actor=actor, credit_code=credit_code)
    if found is None:
        raise NotFound("企业不存在")
    return found
