"""The four-colour map pages (四色图, issue 15): an enterprise's layout with its risk units drawn in their colours
(the enterprise's staff upload the layout and place units here), and the officers' region page of enterprises by
register grade."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from zhiben.accounts.models import Role
from zhiben.accounts.request import request_actor
from zhiben.common.errors import DomainError, FieldErrors, NotFound
from zhiben.common.middleware import page_field_labels

from ..selectors import may_edit
from ..selectors.map import LEGEND, colour_of, grade_name, region_root, region_view, risk_map_of
from ..services.map import layout_upload, unit_place, unit_unplace

page_field_labels("risks", {"file": "厂区平面布置图", "x": "横坐标 x", "y": "纵坐标 y", "unit": "风险分析单元"})


def _unit_id(raw: str) -> int:
    text = (raw or "").strip()
    if not text.isdigit() or len(text) > 18:
        raise FieldErrors({"unit": "请选择风险分析单元"})
    return int(text)


def _post(request: HttpRequest, actor: Any, credit_code: str) -> str:
    """Do what the map page's form asks (``action`` = ``layout`` | ``place`` | ``unplace``); the message shown."""
    action = request.POST.get("action", "")
    if action == "layout":
        layout_upload(actor=actor, enterprise=credit_code, upload=request.FILES.get("file"))
        return "已上传厂区平面布置图"
    if action == "place":
        unit = unit_place(
            actor=actor,
            unit_id=_unit_id(request.POST.get("unit", "")),
            x=request.POST.get("x"),
            y=request.POST.get("y"),
        )
        return f"已标注“{unit.name}”的位置"
    if action == "unplace":
        unit = unit_unplace(actor=actor, unit_id=_unit_id(request.POST.get("unit", "")))
        return f"已从图上移除“{unit.name}”"
    raise FieldErrors({"action": "不支持的操作"})


@login_required
def map_view(request: HttpRequest, credit_code: str) -> HttpResponse:
    """四色图: the layout image with each placed unit as a coloured marker (positioned in percent, so the image
    scales to a phone), the legend with counts by colour and the units not placed. The enterprise's staff (and
    admins) upload the layout and place units (POST, also without script: the x/y form)."""
    actor = request_actor(request)
    try:
        data = risk_map_of(actor=actor, credit_code=credit_code)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    firm = data.enterprise
    editable = may_edit(actor, firm.pk)
    error, status = "", 200
    mine = {u.id for u in data.units}
    if request.method == "POST":
        try:
            # a unit of another enterprise is not on this page: 404 as for a stranger's
            chosen = request.POST.get("unit")
            if chosen and request.POST.get("action") in ("place", "unplace") and _unit_id(chosen) not in mine:
                raise NotFound("风险分析单元不存在")
            done = _post(request, actor, firm.credit_code)
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except FieldErrors as exc:
            error, status = "；".join(exc.errors.values()), 422
        except DomainError as exc:
            error, status = exc.message, exc.status
        else:
            messages.success(request, done)
            return redirect("risks:map", credit_code=firm.credit_code)
    context = {
        "firm": firm,
        "map": data,
        "editable": editable,
        "error": error,
        "form": request.POST if request.method == "POST" else {},
        "register_grade": data.profile.grade if data.profile else "",
        "register_grade_name": grade_name(data.profile.grade) if data.profile else grade_name(""),
        "register_colour": colour_of(data.profile.grade if data.profile else ""),
        "reason": (data.profile.grade_reason or {}).get("text", "") if data.profile else "",
    }
    return render(request, "risks/map_detail.html", context, status=status)


@login_required
def region_page(request: HttpRequest) -> HttpResponse:
    """区域风险分布: for officers (and admins), the enterprises in scope by register grade, per child region of the
    officer's region (or of ``?region=``), and the red and orange enterprises with links to their maps."""
    actor = request_actor(request)
    if actor.role == Role.ENTERPRISE:
        raise Http404("页面不存在")
    error, status = "", 200
    try:
        root = region_root(actor=actor, raw=request.GET.get("region", "")[:20])
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except FieldErrors as exc:
        error, status, root = exc.errors.get("region", "区划代码不正确"), 422, region_root(actor=actor, raw="")
    view = region_view(actor=actor, region=root)
    legend = [{"grade": g, "name": grade_name(g), "colour": colour_of(g)} for g in LEGEND]
    rows = [{**r, "cells": [r["counts"].get(g, 0) for g in LEGEND]} for r in view.rows]
    totals = [view.totals.get(g, 0) for g in LEGEND]
    context = {"view": view, "legend": legend, "rows": rows, "totals": totals, "error": error}
    return render(request, "risks/map_region.html", context, status=status)


urlpatterns: list[Any] = [
    path("enterprises/<str:credit_code>/map/", map_view, name="map"),
    path("region/", region_page, name="region"),
]
