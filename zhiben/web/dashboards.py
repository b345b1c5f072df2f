"""The dashboard (一屏观全域) and the ranking (晾晒) pages. The dashboard is the registers' declared parts
(``kit.Dashboard`` in each ``register.py``), their figures read by ``analytics.selectors.dashboard_data``."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from zhiben.accounts.models import Role
from zhiben.accounts.request import request_actor
from zhiben.analytics.exports import department_ranking_xlsx, ranking_xlsx
from zhiben.analytics.selectors import dashboard_data, department_ranking, ranking
from zhiben.common import kit
from zhiben.common.errors import FieldErrors, NotFound
from zhiben.hazards import rules
from zhiben.reference.models import Sector
from zhiben.regions.codes import InvalidRegionCode, normalize_code
from zhiben.regions.selectors import region_ancestors

SORTS = {"on_time_rate": "按期销号率", "overdue": "逾期未整改（少者在前）", "stock_open": "存量未销号（少者在前）"}


def _region(request: HttpRequest) -> str | None:
    raw = request.GET.get("region") or None
    if raw is None:
        return None
    try:
        return normalize_code(raw)
    except InvalidRegionCode as exc:
        raise Http404("区划不存在") from exc


def _crumbs(actor: Any, code: str | None) -> list[Any]:
    """The path from the actor's own root down to ``code`` (an officer never sees above their region)."""
    if not code:
        return []
    root = len(actor.region_id) if actor.role != Role.ADMIN and actor.region_id else 0
    return [r for r in region_ancestors(code) if len(r.code) >= root]


def dashboard_parts(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The registers' parts of the dashboard as the page shows them, in order (``kit.Dashboard``): each with
    its tiles (label, number, the filtered list it opens, kept to the dashboard's region) and its template."""
    region = data["region"]
    parts = []
    for _, part in kit.dashboards():
        figures = data[part.key]
        link = part.link
        parts.append(
            {
                "key": part.key,
                "heading": part.heading,
                "note": kit.fill(part.note, figures),
                "link": {
                    "label": link.label,
                    "url": kit.list_url(link.url_name, kit.fill(link.query, figures), region=region),
                }
                if link
                else None,
                "tiles": [kit.tile_view(t, figures, region=region) for t in sorted(part.tiles, key=lambda t: t.order)],
                "template": part.template,
                "figures": figures,
            }
        )
    return parts


def _regulators_only(actor: Any) -> None:
    """The dashboard and the ranking are the regulators' pages (DESIGN.md §1): an enterprise user is
    refused (403), whatever region the URL names."""
    if actor.role == Role.ENTERPRISE:
        raise PermissionDenied("企业用户不能查看一屏观全域和晾晒排名")


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    _regulators_only(actor)
    try:
        data = dashboard_data(actor=actor, region=_region(request))
    except (NotFound, FieldErrors) as exc:
        raise Http404("区划不存在或不在您的管辖范围内") from exc
    context = {"data": data, "parts": dashboard_parts(data), "crumbs": _crumbs(actor, data["region"])}
    return render(request, "web/dashboard.html", context)


@login_required
def ranking_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    _regulators_only(actor)
    sort = request.GET.get("sort", "on_time_rate")
    sort = sort if sort in SORTS else "on_time_rate"
    region = _region(request)
    try:
        rows = ranking(actor=actor, region=region, sort=sort)
    except (NotFound, FieldErrors) as exc:
        raise Http404("区划不存在或不在您的管辖范围内") from exc
    code = region or (actor.region_id if actor.role != Role.ADMIN else None)
    if request.GET.get("by") == "department" and code:
        return _department_ranking(request, actor, code)
    if request.GET.get("format") == "xlsx":
        title = "隐患整治晾晒排名" + (f"（{_crumbs(actor, code)[-1].name}）" if code else "（全国）")
        body = ranking_xlsx(rows, title=title, as_of=rules.today())
        response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''ranking-{code or 'all'}-{rules.today()}.xlsx"
        return response
    return render(
        request,
        "web/ranking.html",
        {"rows": rows, "sort": sort, "sorts": SORTS, "crumbs": _crumbs(actor, code), "region": code or ""},
    )


def _department_ranking(request: HttpRequest, actor: Any, code: str) -> HttpResponse:
    """The member units of region ``code`` ranked (hazards of the sectors each leads, the plan tasks it leads)."""
    try:
        rows = department_ranking(actor=actor, region=code)
    except (NotFound, FieldErrors) as exc:
        raise Http404("区划不存在或不在您的管辖范围内") from exc
    names = dict(Sector.objects.values_list("key", "name"))
    for row in rows:
        row["sector_names"] = "、".join(names.get(s, s) for s in row["sectors"])
    if request.GET.get("format") == "xlsx":
        title = f"成员单位晾晒排名（{_crumbs(actor, code)[-1].name}）"
        body = department_ranking_xlsx(rows, title=title, as_of=rules.today())
        response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''department-ranking-{code}-{rules.today()}.xlsx"
        return response
    context = {"rows": rows, "crumbs": _crumbs(actor, code), "region": code}
    return render(request, "web/department_ranking.html", context)
