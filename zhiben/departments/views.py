"""The 成员单位 page: a region's member units and who leads each sector (三管三必须); the committee office (or an
admin) adds units, creates the usual ones, and sets a sector's lead and co-operating units."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from zhiben.accounts.request import request_actor
from zhiben.accounts.scope import region_in_scope
from zhiben.common.errors import DomainError, FieldErrors
from zhiben.common.middleware import page_field_labels
from zhiben.regions.codes import InvalidRegionCode, normalize_code
from zhiben.regions.models import Region

from .kinds import DepartmentKind
from .selectors import department_list, routing_for
from .services import can_manage, department_create, departments_seed, routing_set

page_field_labels(
    "departments",
    {
        "region": "区划",
        "name": "单位名称",
        "kind": "单位类别",
        "sector": "行业领域",
        "lead": "牵头单位",
        "co": "配合单位",
    },
)


def _region(actor: Any, raw: str) -> tuple[Region | None, str]:
    """The region asked for (default: the officer's own), or an error sentence."""
    code = raw.strip() or (actor.region_id or "")
    if not code:
        return None, "请选择区划"
    try:
        code = normalize_code(code)
    except InvalidRegionCode as exc:
        return None, str(exc)
    region = Region.objects.filter(pk=code).first()
    above = bool(actor.region_id) and str(actor.region_id).startswith(code)
    if region is None or not (region_in_scope(actor, code) or above):
        return None, f"区划 {code} 不存在或不在您的辖区内"
    return region, ""


@login_required
def department_list_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    source = request.POST if request.method == "POST" else request.GET
    region, error = _region(actor, source.get("region", ""))
    if request.method == "POST" and region is not None:
        action = request.POST.get("action", "")
        try:
            if action == "seed":
                made = departments_seed(actor=actor, region=region.pk)
                messages.success(request, f"已添加 {len(made)} 个常设成员单位" if made else "常设成员单位均已存在")
            elif action == "add":
                unit = department_create(
                    actor=actor,
                    region=region.pk,
                    name=request.POST.get("name", ""),
                    kind=request.POST.get("kind", ""),
                    aliases=request.POST.get("aliases", ""),
                )
                messages.success(request, f"已添加成员单位“{unit.name}”")
            elif action == "route":
                lead = request.POST.get("lead", "")
                routing_set(
                    actor=actor,
                    region=region.pk,
                    sector=request.POST.get("sector", ""),
                    lead=lead,
                    # on the page a unit made lead leaves the co-operating boxes it was ticked in
                    co=[c for c in request.POST.getlist("co") if c != lead],
                )
                messages.success(request, "已保存牵头和配合单位")
            else:
                error = "未知的操作"
        except FieldErrors as exc:
            error = "；".join(exc.errors.values())
        except DomainError as exc:
            error = exc.message
        if not error:
            return redirect(f"{request.path}?region={region.pk}")
    units = list(department_list(actor=actor, region=region.pk)) if region else []
    context = {
        "region": region,
        "error": error,
        "units": units,
        "routes": routing_for(region.pk) if region else [],
        "manage": bool(region) and can_manage(actor, region.pk if region else ""),
        "kinds": DepartmentKind.choices,
        "form": request.POST if request.method == "POST" else {},
    }
    return render(request, "departments/list.html", context, status=422 if error and request.method == "POST" else 200)
