"""The pages of yearly inspection plans (年度监督检查计划): the list with each plan's progress and the form that
makes one, and a plan with its progress by class, key sector and draw and the enterprises not yet inspected.
The same selectors and services as the API: out of scope is 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from zhiben.accounts.models import Role
from zhiben.accounts.request import request_actor
from zhiben.common import dates
from zhiben.common.errors import DomainError
from zhiben.common.idempotency import once_per_form
from zhiben.common.middleware import page_field_labels
from zhiben.departments.selectors import department_list
from zhiben.reference.models import Sector

from ..selectors.plans import plan_get, plan_list, plan_progress, totals_of
from ..services.plans import CLASSES, PlanIn, default_frequencies, may_plan, plan_create
from .penalties import page_error

page_field_labels("inspections", {f"freq_{c}": f"{c}类检查频次" for c in CLASSES})


def _plan_form(post: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        k: (post.get(k) or "").strip()
        for k in ("region", "department", "year", "title", "random_draws", "random_ratio", "approved_on")
    }
    data = {k: v for k, v in data.items() if v}
    data["frequencies"] = {
        c: (post.get(f"freq_{c}") or "").strip() for c in CLASSES if (post.get(f"freq_{c}") or "").strip()
    }
    data["key_sectors"] = post.getlist("key_sectors")
    return data


@login_required
@once_per_form("inspections.plan")
def plan_list_view(request: HttpRequest) -> HttpResponse:
    """年度监督检查计划: the plans the actor may see with their progress; a unit's officers, the committee office or
    an admin make a unit's plan here (POST)."""
    actor = request_actor(request)
    if actor.role == Role.ENTERPRISE:
        raise Http404("页面不存在")
    error, status = "", 200
    if request.method == "POST":
        try:
            made = plan_create(actor=actor, data=_plan_form(request.POST))
        except DomainError as exc:
            error, status = page_error(exc, PlanIn), exc.status
        else:
            messages.success(request, f"已制定“{made.title}”")
            return redirect("inspection-plan-detail", plan_id=made.pk)
    plans = list(plan_list(actor=actor)[:200])
    totals = totals_of([p.pk for p in plans])
    units = [u for u in department_list(actor=actor).filter(active=True)[:500] if may_plan(actor, u)]
    context = {
        "rows": [(p, totals.get(p.pk, {})) for p in plans],
        "units": units,
        "region_code": actor.region_id if actor.is_regulator and actor.region_id else "",
        "frequencies": default_frequencies(),
        "sectors": list(Sector.objects.order_by("position", "key").values_list("key", "name")),
        "year": dates.today().year,
        "error": error,
        "form": request.POST if request.method == "POST" else {},
    }
    return render(request, "inspections/plan_list.html", context, status=status)


@login_required
def plan_detail_view(request: HttpRequest, plan_id: int) -> HttpResponse:
    """A plan with its progress (see ``selectors.plans.Progress``) and its export."""
    plan = plan_get(actor=request_actor(request), plan_id=plan_id)
    if plan is None:
        raise Http404("检查计划不存在")
    return render(request, "inspections/plan_detail.html", {"plan": plan, "progress": plan_progress(plan)})
