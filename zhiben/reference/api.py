"""/api/v1/sectors and /api/v1/criteria — reference data, readable by every signed-in user."""

from datetime import date

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from zhiben.common.errors import FieldErrors
from zhiben.common.pagination import LimitOffset

from .models import Criterion, Sector
from .selectors import criteria_for, sector_list

sectors_router = Router(tags=["reference"])
criteria_router = Router(tags=["reference"])


class SectorOut(Schema):
    key: str
    name: str
    group: str
    high_risk: bool


class CriterionOut(Schema):
    code: str
    standard: str = Field(..., alias="standard_id")
    standard_title: str
    standard_number: str
    effective: date | None
    article: str
    part: str
    text: str
    sectors: list[str]
    all_sectors: bool

    @staticmethod
    def resolve_standard_title(obj: Criterion) -> str:
        return obj.standard.title

    @staticmethod
    def resolve_standard_number(obj: Criterion) -> str:
        return obj.standard.number

    @staticmethod
    def resolve_effective(obj: Criterion) -> date | None:
        return obj.standard.effective

    @staticmethod
    def resolve_sectors(obj: Criterion) -> list[str]:
        return [s.key for s in obj.sectors.all()]


class CriteriaQuery(Schema):
    sector: str | None = Field(None, max_length=32, description="行业领域代码：该行业适用的条款（含通用条款）")
    standard: str | None = Field(None, max_length=16)
    q: str | None = Field(None, max_length=60, description="按内容、编码或条款搜索")


@sectors_router.get("", response=list[SectorOut])
def list_sectors(request: HttpRequest) -> object:
    return sector_list()


@criteria_router.get("", response=list[CriterionOut])
@paginate(LimitOffset)
def list_criteria(request: HttpRequest, query: Query[CriteriaQuery]) -> object:
    if query.sector and not Sector.objects.filter(key=query.sector).exists():
        raise FieldErrors({"sector": f"行业领域 {query.sector} 不存在"})
    return criteria_for(sector=query.sector, q=query.q, standard=query.standard)
