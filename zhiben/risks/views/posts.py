"""The pages of posts (岗位) and their 两单两卡 (issue 15): an enterprise's posts (its staff add and edit them), and a
post's own page — phone-first, the page the QR code on the printed cards opens."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path

from zhiben.accounts.request import request_actor
from zhiben.common.errors import DomainError, FieldErrors, NotFound
from zhiben.common.idempotency import once_per_form
from zhiben.common.middleware import page_field_labels

from .. import rules
from ..selectors import enterprise_visible, may_edit
from ..selectors.posts import classify_name, post_cards, post_get, post_list, units_of
from ..services.posts import post_create, post_delete, post_update

# "name" is also the name of a unit, an event and a measure on the register's page (one label per app): 名称
page_field_labels(
    "risks",
    {"name": "名称", "duties": "岗位安全职责", "emergency": "应急处置要点", "units": "涉及的风险分析单元"},
)


def _form_data(request: HttpRequest) -> dict[str, Any]:
    return {
        "name": request.POST.get("name", ""),
        "duties": request.POST.get("duties", ""),
        "emergency": request.POST.get("emergency", ""),
        "units": request.POST.getlist("units"),
    }


def _error(exc: DomainError) -> str:
    if isinstance(exc, FieldErrors):
        return "；".join(exc.errors.values())
    return exc.message


@login_required
@once_per_form("risks.posts")
def posts_page(request: HttpRequest, credit_code: str) -> HttpResponse:
    """岗位: the enterprise's posts with their units; its staff add one here (POST)."""
    actor = request_actor(request)
    try:
        firm = enterprise_visible(actor, credit_code)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    editable = may_edit(actor, firm.pk)
    error, status = "", 200
    if request.method == "POST":
        try:
            post = post_create(actor=actor, data={**_form_data(request), "enterprise": firm.credit_code})
        except DomainError as exc:
            error, status = _error(exc), exc.status
        else:
            messages.success(request, f"已设立岗位“{post.name}”")
            return redirect("risks:post", post_id=post.pk)
    form = request.POST if request.method == "POST" else {}
    chosen = set(request.POST.getlist("units")) if request.method == "POST" else set()
    context = {
        "firm": firm,
        "posts": list(post_list(actor=actor, enterprise=firm.credit_code)[:300]),
        "units": list(units_of(actor=actor, enterprise=firm)[:500]) if editable else [],
        "chosen": chosen,
        "editable": editable,
        "error": error,
        "form": form,
    }
    return render(request, "risks/posts_list.html", context, status=status)


@login_required
def post_edit_page(request: HttpRequest, credit_code: str, post_id: int) -> HttpResponse:
    """Edit a post (``action=save``) or delete it (``action=delete``): its enterprise's staff only (404 to others,
    as the form names the enterprise's units)."""
    actor = request_actor(request)
    try:
        post = post_get(actor=actor, post_id=post_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if post.enterprise.credit_code != credit_code.strip().upper() or not may_edit(actor, post.enterprise_id):
        raise Http404("岗位不存在")
    error, status = "", 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "delete":
                post_delete(actor=actor, post_id=post.pk)
                messages.success(request, f"已删除岗位“{post.name}”")
                return redirect("risks:posts", credit_code=post.enterprise.credit_code)
            post_update(actor=actor, post_id=post.pk, data=_form_data(request))
        except DomainError as exc:
            error, status = _error(exc), exc.status
        else:
            messages.success(request, "已保存")
            return redirect("risks:post", post_id=post.pk)
    if request.method == "POST":
        form: Any = request.POST
        chosen = set(request.POST.getlist("units"))
    else:
        form = {"name": post.name, "duties": post.duties, "emergency": post.emergency}
        chosen = {str(u.pk) for u in post.units.all()}
    context = {
        "firm": post.enterprise,
        "post": post,
        "units": list(units_of(actor=actor, enterprise=post.enterprise)[:500]),
        "chosen": chosen,
        "error": error,
        "form": form,
    }
    return render(request, "risks/post_edit.html", context, status=status)


@login_required
def post_page(request: HttpRequest, post_id: int) -> HttpResponse:
    """A post's 两单两卡 on a phone: 岗位风险清单, 岗位职责清单, 岗位风险管控卡, 应急处置卡, and the Word cards (and the
    4张清单 of its units with a major risk) to print."""
    actor = request_actor(request)
    try:
        post = post_get(actor=actor, post_id=post_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    data = post_cards(actor=actor, post=post)
    context = {
        "post": post,
        "firm": post.enterprise,
        "cards": data,
        "events": [(e, rules.GRADE_NAMES.get(e.grade, ""), rules.GRADE_COLOURS.get(e.grade, "")) for e in data.events],
        "controls": [(m, classify_name(m)) for m in data.controls],
        "emergency_measures": [(m, classify_name(m)) for m in data.emergency_measures],
        "major_units": [u for u in data.units if u.grade == "red"],
        "editable": may_edit(actor, post.enterprise_id),
    }
    return render(request, "risks/post_detail.html", context)


urlpatterns: list[Any] = [
    path("enterprises/<str:credit_code>/posts/", posts_page, name="posts"),
    path("enterprises/<str:credit_code>/posts/<int:post_id>/edit/", post_edit_page, name="post-edit"),
    path("posts/<int:post_id>/", post_page, name="post"),
]
