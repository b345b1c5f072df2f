"""/api/v1/inspection-plans: yearly inspection plans (年度监督检查计划) and their progress against the plan."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Status

from zhiben.accounts.request import request_actor
from zhiben.common import dates
from zhiben.common.errors import NotFound
from zhiben.common.inputs import json_body, openapi_body
from zhiben.common.xlsx import xlsx_openapi, xlsx_response

from ..ledgers import plan_xlsx
from ..models import InspectionPlan
from ..selectors.plans import plan_get, plan_items, plan_list, plan_progress, totals_of
from ..selectors.pools import int_param, paging, region_param
from ..services.plans import PlanIn, plan_create

router = Router(tags=["inspections"])


def plan_view(plan: InspectionPlan, totals: dict[str, int] | None = None) -> dict[str, Any]:
    """A plan as the API answers it (``totals``: planned inspections, counted done, enterprises, inspected)."""
    return {
        "id": plan.pk,
        "region": plan.region_id,
        "region_name": plan.region.name,
        "department": plan.department_id,
        "department_name": plan.department.name,
        "year": plan.year,
        "title": plan.title,
        "frequencies": plan.frequencies,
        "key_sectors": plan.key_sectors,
        "random_draws": plan.random_draws,
        "random_ratio": str(plan.random_ratio) if plan.random_ratio is not None else None,
        "approved_on": plan.approved_on,
        "created_at": plan.created_at,
        **({"totals": totals} if totals is not None else {}),
    }


def _plan(request: HttpRequest, plan_id: int) -> InspectionPlan:
    found = plan_get(actor=request_actor(request), plan_id=plan_id)
    if found is None:
        raise NotFound("检查计划不存在")
    return found


def _detail(plan: InspectionPlan) -> dict[str, Any]:
    progress = plan_progress(plan)
    return {
        **plan_view(plan),
        "progress": {
            "totals": progress.totals,
            "classes": progress.classes,
            "key_sectors": progress.key_sectors,
            "draws": progress.draws,
            "not_inspected": progress.not_inspected,
            "not_inspected_count": progress.not_inspected_count,
        },
        # an enterprise without a class (or of class D with the default of 0) is planned for no inspection
        "note": "未分类企业计划检查0次（D类按所设频次，默认0次）：通过双随机抽查覆盖",
    }


@router.post("", response={201: dict[str, Any]}, openapi_extra=openapi_body(PlanIn))
def create_plan(request: HttpRequest) -> Status[dict[str, Any]]:
    """``{region, department, year, title, frequencies?, key_sectors?, random_draws?, random_ratio?,
    approved_on?}`` → 201 the plan with its progress. Its enterprises: those of the region subtree supervised by
    the unit, each planned for its class's frequency. 422 naming the field; 403 for one who may not plan for the
    unit; 409 naming ``year`` when the unit has that year's plan."""
    plan = plan_create(actor=request_actor(request), data=json_body(request))
    return Status(201, _detail(_plan(request, plan.pk)))


@router.get("", response=dict[str, Any])
def list_plans(
    request: HttpRequest, region: str = "", department: str = "", year: str = "", limit: str = "", offset: str = ""
) -> dict[str, Any]:
    """The plans the caller may see, by region subtree, unit and year; each with its ``totals`` (inspections
    planned and counted done, enterprises, enterprises inspected)."""
    qs = plan_list(
        actor=request_actor(request),
        region=region_param(region),
        department=int_param("department", department),
        year=int_param("year", year),
    )
    start, size = paging(limit, offset)
    page = list(qs[start : start + size])
    totals = totals_of([p.pk for p in page])
    empty = {"planned": 0, "done": 0, "enterprises": 0, "inspected": 0}
    return {"items": [plan_view(p, totals.get(p.pk, empty)) for p in page], "count": qs.count()}


@router.get("/{int:plan_id}", response=dict[str, Any])
def get_plan(request: HttpRequest, plan_id: int) -> dict[str, Any]:
    """One plan with its progress: per supervision class, inspections planned and done (each enterprise counted at
    most its planned number) and enterprises not yet inspected; draws planned and made; key sectors' coverage."""
    return _detail(_plan(request, plan_id))


@router.get("/{int:plan_id}/progress.xlsx", openapi_extra=xlsx_openapi("年度监督检查计划及进度（.xlsx）"))
def plan_progress_xlsx(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The plan as a workbook: its totals in a caption, one row per enterprise with its class and inspections
    planned, made and still owed."""
    plan = _plan(request, plan_id)
    data = plan_xlsx(plan, plan_progress(plan), plan_items(plan).iterator(chunk_size=2000))
    stamp = dates.today().strftime("%Y%m%d")
    return xlsx_response(data, f"{plan.title[:60]}（进度{stamp}）.xlsx", fallback=f"inspection-plan-{plan.pk}.xlsx")
