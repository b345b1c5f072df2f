"""The pages of the inspector pool (执法人员) and the expert pool (专家库): each a list with the form that adds to it,
and on each row what may be changed (an officer's post and certificate; an expert's ties, 回避). The same selectors
and services as the API: out of scope is 404, a pool one sees but does not keep shows no form."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from zhiben.accounts.models import Role
from zhiben.accounts.request import request_actor
from zhiben.common import dates
from zhiben.common.errors import DomainError, FieldErrors, NotFound
from zhiben.common.idempotency import once_per_form
from zhiben.common.middleware import page_field_labels
from zhiben.departments.selectors import department_list
from zhiben.reference.models import Sector

from ..models import RelationKind
from ..selectors.pools import expert_get, expert_list, officer_get, officer_list, own_item_get, own_items_visible
from ..services.pools import (
    ExpertIn,
    OfficerChange,
    OfficerIn,
    OwnItemChange,
    OwnItemIn,
    RelationIn,
    expert_create,
    may_keep_experts,
    may_keep_officers,
    officer_create,
    officer_update,
    own_item_add,
    own_item_update,
    relation_add,
    relation_remove,
)
from .penalties import page_error

ROWS = 300
page_field_labels(
    "inspections",
    {"action": "操作", "officer": "执法人员", "expert": "专家", "relation": "回避关系", "item": "自定检查项"},
)


def _not_for_enterprises(actor: Any) -> None:
    if actor.role == Role.ENTERPRISE:
        raise Http404("页面不存在")


@login_required
@once_per_form("inspections.officers")
def officer_list_view(request: HttpRequest) -> HttpResponse:
    """执法人员: the officers the actor may see; a unit's officers, the committee office or an admin add one here
    (POST ``action=add``) or change one's post and certificate (``action=change``, ``officer``)."""
    actor = request_actor(request)
    _not_for_enterprises(actor)
    error, status = "", 200
    if request.method == "POST":
        action = request.POST.get("action", "add")
        try:
            if action in ("item_add", "item_toggle"):
                done = _own_item_post(actor, request, action)
            elif action == "change":
                raw = request.POST.get("officer") or ""
                found = officer_get(actor=actor, officer_id=int(raw)) if raw.isdigit() and len(raw) < 19 else None
                if found is None:
                    raise NotFound("执法人员不存在")
                officer_update(
                    actor=actor,
                    officer=found,
                    data={
                        "active": request.POST.get("active") == "1",
                        "valid_to": request.POST.get("valid_to") or None,
                    },
                )
                done = f"已更新{found.name}的信息"
            else:
                fields = ("department", "name", "certificate_no", "valid_to", "user")
                made = officer_create(actor=actor, data={k: request.POST.get(k) or None for k in fields})
                done = f"已登记执法人员{made.name}（{made.certificate_no}）"
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except DomainError as exc:
            error, status = page_error(exc, OfficerIn, OfficerChange, OwnItemIn, OwnItemChange), exc.status
        else:
            messages.success(request, done)
            return redirect("law-officer-list")
    q = (request.GET.get("q") or "").strip()[:40]
    rows = list(officer_list(actor=actor, q=q)[:ROWS])
    units = [u for u in department_list(actor=actor).filter(active=True)[:500] if may_keep_officers(actor, u)]
    sectors = list(Sector.objects.order_by("position", "key"))
    names = {sec.key: sec.name for sec in sectors}
    own_items = list(own_items_visible(actor)[:ROWS])
    for item in own_items:
        item.sector_name = names.get(item.sector, "")  # type: ignore[attr-defined]
    context = {
        "rows": [(o, not dates.is_past(o.certificate_valid_to), may_keep_officers(actor, o.department)) for o in rows],
        "own_items": [(item, may_keep_officers(actor, item.department)) for item in own_items],
        "sectors": sectors,
        "q": q,
        "units": units,
        "error": error,
        "form": request.POST if request.method == "POST" else {},
        "today": dates.today(),
    }
    return render(request, "inspections/pool_officers.html", context, status=status)


def _own_item_post(actor: Any, request: HttpRequest, action: str) -> str:
    """The own checklist's forms — ``item_add`` and ``item_toggle`` — through their services; the sentence to
    show once done. Raises what the services raise, NotFound for a line out of sight."""
    if action == "item_add":
        fields = ("department", "text", "sector")
        made = own_item_add(actor=actor, data={k: request.POST.get(k) or "" for k in fields})
        return f"已增加自定检查项：{made.text[:30]}"
    raw = request.POST.get("item") or ""
    found = own_item_get(actor=actor, item_id=int(raw)) if raw.isdigit() and len(raw) < 19 else None
    if found is None:
        raise NotFound("自定检查项不存在")
    changed = own_item_update(actor=actor, item=found, data={"active": request.POST.get("active") == "1"})
    return f"已{'启用' if changed.active else '停用'}自定检查项：{changed.text[:30]}"


def _expert_post(request: HttpRequest, actor: Any) -> str:
    """One of the expert page's forms — ``add`` (an expert), ``relate`` (a tie), ``unrelate`` — through its
    service; the sentence to show once done. Raises what the services raise."""
    action = request.POST.get("action", "add")
    if action == "add":
        fields = ("region", "name", "organisation", "title", "phone", "specialty")
        data: dict[str, Any] = {k: request.POST.get(k) or "" for k in fields}
        data["sectors"] = request.POST.getlist("sectors")
        made = expert_create(actor=actor, data=data)
        return f"已将{made.name}登记入专家库"
    raw = request.POST.get("expert") or ""
    expert = expert_get(actor=actor, expert_id=int(raw)) if raw.isdigit() and len(raw) < 19 else None
    if expert is None:
        raise NotFound("专家不存在")
    if action == "unrelate":
        relation = request.POST.get("relation") or ""
        if not relation.isdigit() or len(relation) > 18:
            raise NotFound("回避关系不存在")
        relation_remove(actor=actor, expert=expert, relation_id=int(relation))
        return f"已撤销{expert.name}的一项回避关系"
    if action != "relate":
        raise FieldErrors({"action": "操作不正确"})
    tie = ("enterprise", "kind", "note")
    made_relation = relation_add(actor=actor, expert=expert, data={k: request.POST.get(k) or "" for k in tie})
    return f"已登记{expert.name}与{made_relation.enterprise.name}的回避关系"


@login_required
@once_per_form("inspections.experts")
def expert_list_view(request: HttpRequest) -> HttpResponse:
    """专家库: the experts of the pools the actor may see, with their ties; officers of a member unit, the committee
    office or an admin add an expert or record and remove ties here."""
    actor = request_actor(request)
    _not_for_enterprises(actor)
    error, status = "", 200
    if request.method == "POST":
        try:
            done = _expert_post(request, actor)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except DomainError as exc:
            error, status = page_error(exc, ExpertIn, RelationIn), exc.status
        else:
            messages.success(request, done)
            return redirect("expert-list")
    q = (request.GET.get("q") or "").strip()[:40]
    sector = (request.GET.get("sector") or "").strip()[:40]
    rows = list(expert_list(actor=actor, q=q, sector=sector)[:ROWS])
    sectors = list(Sector.objects.order_by("position", "key").values_list("key", "name"))
    names = dict(sectors)
    region = actor.region if actor.is_regulator else None
    context = {
        "rows": [(e, may_keep_experts(actor, e.region_id), [names.get(k, k) for k in e.sectors or []]) for e in rows],
        "q": q,
        "sector": sector,
        "sectors": sectors,
        "kinds": RelationKind.choices,
        "can_add": actor.role == Role.ADMIN or (region is not None and may_keep_experts(actor, region.code)),
        "region_code": region.code if region is not None else "",
        "error": error,
        "form": request.POST if request.method == "POST" else {},
    }
    return render(request, "inspections/pool_experts.html", context, status=status)
