"""/api/v1/sectors and /api/v1/criteria — reference data, readable by every signed-in user."""

import datetime
from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from zhiben.common import dates
from zhiben.common.errors import FieldErrors
from zhiben.common.pagination import LimitOffset

from .models import CriteriaStandard, Criterion, Kind, Sector
from .rules import places
from .selectors import coverage, criteria_for, sector_list, standard_list

sectors_router = Router(tags=["reference"])
criteria_router = Router(tags=["reference"])


class SectorOut(Schema):
    key: str
    name: str
    group: str
    high_risk: bool


class StandardOut(Schema):
    """One edition of a criteria standard; ``status`` on the day asked (现行 / 已废止 / 尚未施行)."""

    key: str
    title: str
    number: str
    effective_from: date | None
    effective_to: date | None
    source: str
    note: str
    supersedes: str | None = Field(None, alias="supersedes_id")
    local: bool
    status: str


def _standard(s: CriteriaStandard, on: date) -> dict[str, Any]:
    return {
        "key": s.key,
        "title": s.title,
        "number": s.number,
        "effective_from": s.effective_from,
        "effective_to": s.effective_to,
        "source": s.source,
        "note": s.note,
        "supersedes_id": s.supersedes_id,
        "local": s.local,
        "status": s.status(on),
    }


class CriterionOut(Schema):
    code: str
    standard: str = Field(..., alias="standard_id")
    standard_title: str
    standard_number: str
    effective: date | None  # the standard's first day in force (kept for older clients)
    effective_from: date | None
    effective_to: date | None
    edition: StandardOut
    article: str
    part: str
    text: str
    text_available: bool
    label: str  # "仅条目主题，正文见标准原文" for a topic-only entry, else ""
    kind: str
    citable: bool  # false for a composite fire element (counted in a determination, never cited alone)
    places: list[dict[str, Any]] | None  # a determination's types of place and thresholds
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
        return obj.standard.effective_from

    @staticmethod
    def resolve_edition(obj: Criterion, context: Any) -> dict[str, Any]:
        return _standard(obj.standard, context["request"].criteria_on)

    @staticmethod
    def resolve_citable(obj: Criterion) -> bool:
        return obj.kind != Kind.COMPOSITE

    @staticmethod
    def resolve_places(obj: Criterion) -> list[dict[str, Any]] | None:
        return places(obj) if obj.kind == Kind.DETERMINATION else None

    @staticmethod
    def resolve_sectors(obj: Criterion) -> list[str]:
        return [s.key for s in obj.sectors.all()]


class CriteriaQuery(Schema):
    sector: str | None = Field(None, max_length=32, description="行业领域代码：该行业适用的条款（含通用条款）")
    standard: str | None = Field(None, max_length=16)
    q: str | None = Field(None, max_length=60, description="按内容、编码或条款搜索")
    on: str | None = Field(None, max_length=10, description="日期 YYYY-MM-DD：当日有效的条款（默认今天）")


class StandardsQuery(Schema):
    on: str | None = Field(None, max_length=10, description="日期 YYYY-MM-DD：按该日判断现行/已废止（默认今天）")


def _on(raw: str | None) -> datetime.date:
    """The day asked (Beijing), today when absent; FieldErrors naming ``on`` for anything but YYYY-MM-DD."""
    if raw in (None, ""):
        return dates.today()
    try:
        return datetime.date.fromisoformat(str(raw))
    except ValueError:
        raise FieldErrors({"on": f"日期 {raw} 无法识别，请按 YYYY-MM-DD 填写"}) from None


@sectors_router.get("", response=list[SectorOut])
def list_sectors(request: HttpRequest) -> object:
    return sector_list()


@criteria_router.get("", response=list[CriterionOut])
@paginate(LimitOffset)
def list_criteria(request: HttpRequest, query: Query[CriteriaQuery]) -> object:
    """The clauses in force on ``on`` (today by default) for ``sector`` (its own and the all-sector ones),
    FACTS §2. A sector with no national list of its own answers only what applies to every sector and the
    local criteria an admin entered; ``/criteria/coverage`` says so in words."""
    on = _on(query.on)
    if query.sector and not Sector.objects.filter(key=query.sector).exists():
        raise FieldErrors({"sector": f"行业领域 {query.sector} 不存在"})
    request.criteria_on = on  # type: ignore[attr-defined]
    return criteria_for(sector=query.sector, q=query.q, standard=query.standard, on=on)


@criteria_router.get("/standards", response=list[StandardOut])
def list_standards(request: HttpRequest, query: Query[StandardsQuery]) -> object:
    """Every edition, national and local, with its dates, source and status on ``on`` (today by default)."""
    on = _on(query.on)
    return [_standard(s, on) for s in standard_list()]


class CoverageQuery(Schema):
    sector: str = Field(..., max_length=32)
    on: str | None = Field(None, max_length=10)


class CoverageOut(Schema):
    sector: str
    on: date
    national: bool
    local: bool
    fire: bool
    notices: list[str]


@criteria_router.get("/coverage", response=CoverageOut)
def criteria_coverage(request: HttpRequest, query: Query[CoverageQuery]) -> object:
    """What a hazard of ``sector`` found on ``on`` can cite: its own national clauses, local criteria, the
    national fire clauses; ``notices`` says in Chinese what is missing (a sector without a national list, no
    fire clause in force after GB 35181-2017's end) instead of an empty list saying nothing."""
    on = _on(query.on)
    if not Sector.objects.filter(key=query.sector).exists():
        raise FieldErrors({"sector": f"行业领域 {query.sector} 不存在"})
    return {"sector": query.sector, "on": on, **coverage(query.sector, on)}
