"""/api/v1/posts: posts (岗位) and their 两单两卡, and /api/v1/risk-units/{unit_id}/four-lists.docx: a major risk
unit's 4张清单 (issue 15). Reads are scoped (404 outside); writes are the enterprise's own (403 for an officer)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Router, Status

from zhiben.accounts.request import request_actor
from zhiben.common.errors import Conflict
from zhiben.common.inputs import json_body, openapi_body

from .. import cards, rules
from ..models import Post
from ..selectors import paging
from ..selectors.map import unit_get
from ..selectors.posts import classify_name, four_lists, lines, post_cards, post_get, post_list
from ..services.posts import PostChange, PostIn, post_create, post_delete, post_update

router = Router(tags=["risks"])
units_router = Router(tags=["risks"])


def post_view(post: Post) -> dict[str, Any]:
    """A post as the API answers it: its enterprise, name, duty and emergency lines, and its live units."""
    return {
        "id": post.pk,
        "enterprise": post.enterprise.credit_code,
        "enterprise_name": post.enterprise.name,
        "name": post.name,
        "duties": lines(post.duties),
        "emergency": lines(post.emergency),
        "units": [{"id": u.pk, "name": u.name, "grade": u.grade} for u in post.units.all() if not u.deleted],
        "updated_at": post.updated_at,
    }


def _event(e: Any) -> dict[str, Any]:
    grade = e.grade
    return {
        "unit": e.unit.name,
        "event": e.name,
        "score": rules.value_text(e.score),
        "grade": grade,
        "grade_name": rules.GRADE_NAMES.get(grade, ""),
    }


def _measure(m: Any) -> dict[str, Any]:
    return {
        "id": m.pk,
        "classify1": m.classify1,
        "classify2": m.classify2,
        "class_name": classify_name(m),
        "description": m.description,
        "content": m.content,
        "department": m.department,
        "responsible": m.responsible,
    }


def _task(t: Any) -> dict[str, Any]:
    return {
        "id": t.pk,
        "content": t.content,
        "cycle_value": t.cycle_value,
        "cycle_unit": t.cycle_unit,
        "working_days_only": t.working_days_only,
    }


def _detail(request: HttpRequest, post: Post) -> dict[str, Any]:
    """The post with its 两单两卡: ``cards`` = ``{"risks": [{unit, event, score, grade, grade_name}…], "duties":
    [line…], "tasks": [{id, content, cycle_value, cycle_unit, working_days_only}…], "controls": [measure…],
    "emergency_measures": [measure…], "emergency": [line…]}`` and ``page``, the post's page."""
    data = post_cards(actor=request_actor(request), post=post)
    return {
        **post_view(post),
        "cards": {
            "risks": [_event(e) for e in data.events],
            "duties": data.duties,
            "tasks": [_task(t) for t in data.tasks],
            "controls": [_measure(m) for m in data.controls],
            "emergency_measures": [_measure(m) for m in data.emergency_measures],
            "emergency": data.emergency,
        },
        "page": reverse("risks:post", args=[post.pk]),
    }


@router.get("", response=dict[str, Any])
def list_posts(request: HttpRequest, enterprise: str = "", limit: str = "", offset: str = "") -> dict[str, Any]:
    """The posts the caller may see (of ``enterprise``, a credit code, when given; 404 for one out of scope)."""
    qs = post_list(actor=request_actor(request), enterprise=enterprise[:40])
    start, size = paging(limit, offset)
    return {"items": [post_view(p) for p in qs[start : start + size]], "count": qs.count()}


@router.post("", response={201: dict[str, Any]}, openapi_extra=openapi_body(PostIn))
def create_post(request: HttpRequest) -> Status[dict[str, Any]]:
    """``{enterprise?, name, duties?, emergency?, units?: [unit id…]}`` → 201 the post with its 两单两卡. 422 naming
    the field (``units`` for a unit not the enterprise's own live unit; ``enterprise`` out of scope); 403 for an
    officer; 409 naming ``name`` for a name the enterprise has already."""
    post = post_create(actor=request_actor(request), data=json_body(request))
    return Status(201, _detail(request, post_get(actor=request_actor(request), post_id=post.pk)))


@router.get("/{int:post_id}", response=dict[str, Any])
def get_post(request: HttpRequest, post_id: int) -> dict[str, Any]:
    """One post with its 两单两卡 (``cards``: risks, duties, tasks, controls, emergency_measures, emergency)."""
    return _detail(request, post_get(actor=request_actor(request), post_id=post_id))


@router.patch("/{int:post_id}", response=dict[str, Any], openapi_extra=openapi_body(PostChange))
def patch_post(request: HttpRequest, post_id: int) -> dict[str, Any]:
    """Change any of ``name``, ``duties``, ``emergency``, ``units`` (replaces the list). 422 / 403 / 404 / 409 as the
    create."""
    body = json_body(request)
    post = post_update(actor=request_actor(request), post_id=post_id, data=body)
    return _detail(request, post)


@router.delete("/{int:post_id}", response={204: None})
def delete_post(request: HttpRequest, post_id: int) -> HttpResponse:
    """Delete the post: 204. 403 for an officer; 404 out of scope."""
    post_delete(actor=request_actor(request), post_id=post_id)
    return HttpResponse(status=204)


@router.get("/{int:post_id}/cards.docx")
def post_cards_file(request: HttpRequest, post_id: int) -> HttpResponse:
    """The post's 两单两卡 as a printable A4 Word document, with a QR code opening the post's page."""
    actor = request_actor(request)
    post = post_get(actor=actor, post_id=post_id)
    url = request.build_absolute_uri(reverse("risks:post", args=[post.pk]))
    data = cards.post_cards_docx(post_cards(actor=actor, post=post), url)
    return cards.docx_response(
        data, f"{post.enterprise.name}{post.name}岗位两单两卡.docx", fallback=f"post-{post.pk}-cards.docx"
    )


@units_router.get("/{int:unit_id}/four-lists.docx")
def unit_four_lists_file(request: HttpRequest, unit_id: int) -> HttpResponse:
    """The 4张清单 of a unit with a major (red) risk event as a printable A4 Word document, with a QR code opening
    the enterprise's four-colour map; 409 saying why for a unit without a major risk; 404 out of scope."""
    actor = request_actor(request)
    unit = unit_get(actor=actor, unit_id=unit_id)
    data = four_lists(actor=actor, unit=unit)
    why = cards.refusal(data)
    if why:
        raise Conflict(why)
    url = request.build_absolute_uri(reverse("risks:map", args=[unit.enterprise.credit_code]))
    body = cards.four_lists_docx(data, url)
    return cards.docx_response(
        body, f"{unit.enterprise.name}{unit.name}4张清单.docx", fallback=f"unit-{unit.pk}-four-lists.docx"
    )
