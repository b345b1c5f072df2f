"""/api/v1/draws (DESIGN.md §6, "Inspections and enforcement"): 双随机 draws, made, listed, published, discarded —
and ``POST /api/v1/draws/verify``, public, which recomputes a published draw. Reads go through the scoped
selectors (out of scope answers 404, as for a missing draw); writes through services/draws.py."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Status

from zhiben.accounts.models import Role
from zhiben.accounts.request import request_actor
from zhiben.common.errors import FieldErrors, NotFound
from zhiben.common.inputs import json_body
from zhiben.regions.codes import InvalidRegionCode, normalize_code

from .. import draws as algorithm
from ..models import Draw, DrawStatus
from ..selectors.draws import draw_document, draw_get, draw_list, draw_number, public_draw_get, verify_stored
from ..services.draws import ID_MAX, DrawRequest, draw_create, draw_discard, draw_publish

router = Router(tags=["draws"])


def draw_summary(draw: Draw) -> dict[str, Any]:
    """A draw in a list: everything but its pools (their sizes and digest instead)."""
    return {
        "id": draw.pk,
        "number": draw_number(draw),
        "year": draw.year,
        "serial": draw.serial,
        "title": draw.title,
        "region": draw.region_id,
        "region_name": draw.region.name,
        "department": draw.department_id,
        "department_name": draw.department.name,
        "plan": draw.plan_id,
        "sector": draw.sector,
        "classes": list(draw.classes),
        "ratio": None if draw.ratio is None else str(draw.ratio),
        "enterprises": len(draw.picks),
        "inspectors": draw.team_size,
        "seed": draw.seed,
        "algorithm": {"name": draw.algorithm, "version": draw.algorithm_version},
        "pool_size": {
            "enterprises": getattr(draw, "pool_enterprise_count", None),
            "inspectors": getattr(draw, "pool_inspector_count", None),
        },
        "pool_digest": draw.pool_digest,
        "status": draw.status,
        "status_label": draw.get_status_display(),
        "drawn_at": draw.drawn_at,
        "drawn_by": draw.drawn_by.full_name or draw.drawn_by.username,
        "published_on": draw.published_on,
        "discarded_reason": draw.discarded_reason,
    }


def draw_view(draw: Draw) -> dict[str, Any]:
    """A draw in full: its summary, and the published document's ``pool`` (lists, order, digest), ``picks`` and
    ``picks_digest`` — what ``POST /api/v1/draws/verify`` takes back."""
    document = draw_document(draw)
    draw.pool_enterprise_count = len(draw.pool_enterprises)  # type: ignore[attr-defined]
    draw.pool_inspector_count = len(draw.pool_inspectors)  # type: ignore[attr-defined]
    return {
        **draw_summary(draw),
        "pool": document["pool"],
        "picks": document["picks"],
        "picks_digest": document["picks_digest"],
        "document_url": f"/inspections/draws/{draw.pk}/draw.json",
        "public_url": f"/inspections/draws/public/{draw.pk}/" if draw.status != DrawStatus.DRAWN else None,
    }


def _require(request: HttpRequest, draw_id: int) -> Draw:
    found = draw_get(actor=request_actor(request), draw_id=draw_id)
    if found is None:
        raise NotFound("抽查不存在")
    return found


def _int(name: str, raw: str, *, default: int | None = None, low: int = 0, high: int = ID_MAX) -> int | None:
    value = (raw or "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise FieldErrors({name: "应为整数"}) from None
    if not low <= number <= high:
        raise FieldErrors({name: f"应在 {low}–{high} 之间"})
    return number


def _subtree(request: HttpRequest, raw: str) -> str | None:
    """The region filter: None for none; 422 for a code that is not one, 404 outside an officer's subtree."""
    if not (raw or "").strip():
        return None
    try:
        code = normalize_code(raw)
    except InvalidRegionCode as exc:
        raise FieldErrors({"region": str(exc)}) from exc
    actor = request_actor(request)
    if actor.role != Role.ADMIN and not (actor.is_regulator and actor.region_id and code.startswith(actor.region_id)):
        raise NotFound("该区划不在您的管辖范围内")
    return code


@router.post("", response={201: dict[str, Any]})
def create_draw(request: HttpRequest, payload: DrawRequest) -> Status[dict[str, Any]]:
    """Make a draw: ``{"region", "sector"?, "classes"?, "enterprises": N | "ratio": percent, "inspectors": M (≥ 2,
    default 2), "seed"?, "department"?, "title"?, "plan"?}`` → 201 the draw with its ``seed``, ``algorithm``
    (name, version), ``pool`` (credit codes and certificate numbers, each ascending by code point, and the digest)
    and ``picks``. 404 for a region outside the caller's scope; 403 for a caller who may not draw for the unit;
    422 naming the field (an empty pool, N above the pool, too few certified officers)."""
    actor = request_actor(request)
    draw = draw_create(actor=actor, **payload.model_dump())
    found = draw_get(actor=actor, draw_id=draw.pk)
    assert found is not None  # the drawer sees what they drew
    return Status(201, draw_view(found))


@router.get("", response=dict[str, Any])
def list_draws(
    request: HttpRequest,
    region: str = "",
    status: str = "",
    year: str = "",
    department: str = "",
    limit: str = "",
    offset: str = "",
) -> dict[str, Any]:
    """Draws the caller may see, newest first, without their pools: ``{"items", "count"}``. Filters: ``region``
    (subtree), ``status`` (drawn, published, discarded), ``year``, ``department`` (a unit's id)."""
    actor = request_actor(request)
    wanted = status.strip()
    if wanted and wanted not in DrawStatus.values:
        raise FieldErrors({"status": f"状态应为 {'、'.join(DrawStatus.values)} 之一"})
    qs = draw_list(
        actor=actor,
        region=_subtree(request, region),
        status=wanted or None,
        year=_int("year", year, low=2000, high=2100),
        department=_int("department", department),
    )
    start = _int("offset", offset, default=0, high=10**9) or 0
    size = _int("limit", limit, default=50, high=500) or 0
    return {"items": [draw_summary(d) for d in qs[start : start + size]], "count": qs.count()}


VERIFY_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "title": "核验双随机抽查",
                    "description": '{"id": 抽查编号}（已公告的抽查），或公告的抽查文件本身'
                    "（seed、algorithm、enterprises、inspectors、pool、picks …）",
                    "type": "object",
                    "properties": {
                        "id": {"type": "integer", "title": "抽查编号"},
                        "seed": {"type": "string", "title": "随机种子"},
                        "algorithm": {"type": "object", "title": "算法（name、version）"},
                        "enterprises": {"type": "integer", "title": "抽取企业数"},
                        "inspectors": {"type": "integer", "title": "每组执法人员数"},
                        "pool": {"type": "object", "title": "名录库（enterprises、inspectors、digest）"},
                        "picks": {"type": "array", "title": "抽取结果"},
                    },
                }
            }
        },
    }
}


@router.post("/verify", auth=None, response=dict[str, Any], openapi_extra=VERIFY_BODY)
def verify_draw(request: HttpRequest) -> dict[str, Any]:
    """Public (no account): recompute a draw and compare. ``{"id": N}`` recomputes the published (or discarded)
    draw N from its stored pools and seed and also checks them against the event recorded when it was drawn;
    a whole published document (``{"seed", "algorithm", "enterprises"?, "inspectors"?, "pool", "picks", …}``)
    is recomputed as given. → ``{"verified", "picks" (recomputed), "pool_digest", "picks_digest",
    "differences": [{"field", "message", "published", "recomputed"}]}``. A draw not published answers 404; a
    document that cannot be recomputed 422 naming the field."""
    body = json_body(request)
    if "id" in body and not ({"pool", "picks", "seed"} & body.keys()):
        raw = body["id"]
        if isinstance(raw, bool) or not isinstance(raw, int) or not 1 <= raw <= ID_MAX:
            raise FieldErrors({"id": "应为抽查编号（正整数）"})
        found = public_draw_get(raw)
        if found is None:
            raise NotFound("抽查不存在或尚未公告")
        return {"id": found.pk, **verify_stored(found)}
    try:
        return algorithm.verify(body)
    except algorithm.DrawError as exc:
        raise FieldErrors({exc.field: exc.message}) from exc


@router.get("/{int:draw_id}", response=dict[str, Any])
def get_draw(request: HttpRequest, draw_id: int) -> dict[str, Any]:
    """One draw in full (pools, picks) with its state."""
    return draw_view(_require(request, draw_id))


@router.post("/{int:draw_id}/publish", response=dict[str, Any])
def publish_draw(request: HttpRequest, draw_id: int) -> dict[str, Any]:
    """Publish (公告) a draw just made: it appears on the public page. 403 for a caller who may not draw for its
    unit; 409 for a draw already published or discarded."""
    actor = request_actor(request)
    draw_publish(actor=actor, draw_id=draw_id)
    return draw_view(_require(request, draw_id))


@router.post("/{int:draw_id}/discard", response=dict[str, Any])
def discard_draw(request: HttpRequest, draw_id: int) -> dict[str, Any]:
    """``{"reason"}``: discard (作废) a draw; it stays public as 已作废 with the reason. 422 without a reason; 409
    when already discarded."""
    actor = request_actor(request)
    _require(request, draw_id)  # scope before the body: an outsider learns nothing from a bad one
    body = json_body(request)
    draw_discard(actor=actor, draw_id=draw_id, reason=body.get("reason"))
    return draw_view(_require(request, draw_id))
