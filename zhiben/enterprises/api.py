"""/api/v1/enterprises — the enterprise register (scoped; out of scope answers 404)."""

import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate
from pydantic import ConfigDict

from zhiben.accounts.request import request_actor
from zhiben.common.errors import NotFound
from zhiben.common.filters import query_params, query_schema
from zhiben.common.xlsx import xlsx_openapi, xlsx_response

from .exports import enterprises_xlsx, export_filename
from .filters import EnterpriseFilterSet
from .models import Enterprise
from .selectors import enterprise_get, enterprise_list
from .services import enterprise_create, enterprise_update

router = Router(tags=["enterprises"])


class EnterpriseFields(Schema):
    """Optional fields shared by create and update; types and lengths are checked here, meaning in the service."""

    industry_code: str | None = Field(None, max_length=8, description="GB/T 4754 行业代码，如 C3011")
    address: str | None = Field(None, max_length=200)
    high_risk: bool | None = None
    scale: str | None = Field(None, max_length=8, description="large|medium|small|micro")
    above_scale: bool | None = None
    employees: int | None = Field(None, ge=0, le=2_000_000)
    risk_level: str | None = Field(None, max_length=8, description="red|orange|yellow|blue")
    supervision_class: str | None = Field(None, max_length=1, description="A|B|C|D")
    standardisation_grade: str | None = Field(None, max_length=4, description="1|2|3|none")
    standardisation_valid_until: datetime.date | None = None
    insured: bool | None = None
    insurance_valid_until: datetime.date | None = None
    principal: str | None = Field(None, max_length=60)
    principal_phone: str | None = Field(None, max_length=32)
    actual_controller: str | None = Field(None, max_length=60)
    safety_contact: str | None = Field(None, max_length=60)
    safety_phone: str | None = Field(None, max_length=32)
    status: str | None = Field(None, max_length=12, description="operating|suspended|closed")
    longitude: Decimal | None = Field(None, ge=-180, le=180)
    latitude: Decimal | None = Field(None, ge=-90, le=90)


class EnterpriseIn(EnterpriseFields):
    credit_code: str = Field(..., max_length=30, description="统一社会信用代码（18位）")
    name: str = Field(..., max_length=200)
    region: str = Field(..., max_length=12, description="区县或乡镇代码")
    sector: str = Field(..., max_length=32, description="行业领域代码，见 /sectors")


class EnterprisePatch(EnterpriseFields):
    """Fields to change. Unknown fields (and ``credit_code``, which never changes) are refused."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(None, max_length=200)
    region: str | None = Field(None, max_length=12)
    sector: str | None = Field(None, max_length=32)


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


def _payload(schema: Schema) -> dict[str, Any]:
    return schema.dict(exclude_unset=True)


@router.post("", response={201: EnterpriseOut})
def create_enterprise(request: HttpRequest, payload: EnterpriseIn) -> Status[Enterprise]:
    """Register an enterprise (officers within their region and sectors, admins anywhere). 409 on a duplicate."""
    enterprise = enterprise_create(actor=request_actor(request), data=_payload(payload))
    found = enterprise_get(actor=request_actor(request), credit_code=enterprise.credit_code)
    return Status(201, found or enterprise)


@router.get("", response=list[EnterpriseOut])
@paginate(LimitOffsetPagination)
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


@router.patch("/{credit_code}", response=EnterpriseOut)
def update_enterprise(request: HttpRequest, credit_code: str, payload: EnterprisePatch) -> Enterprise:
    """Change some fields of an enterprise in scope."""
    actor = request_actor(request)
    enterprise_update(actor=actor, credit_code=credit_code.strip().upper(), data=_payload(payload))
    found = enterprise_get(actor=actor, credit_code=credit_code)
    if found is None:
        raise NotFound("企业不存在")
    return found
