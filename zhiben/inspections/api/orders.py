"""The orders area's API (DESIGN.md §6, issue 14): orders issued at an inspection and their re-inspections.

- ``POST /api/v1/inspections/{id}/orders`` (责令限期整改 / 现场处理措施), ``GET /api/v1/inspections/{id}/orders``;
- ``GET /api/v1/orders`` (the caller's orders: ``status``, ``kind``, ``overdue``; paged), ``GET /api/v1/orders/{id}``;
- ``POST /api/v1/orders/{id}/reinspections`` (复查 of a rectification order: JSON, or a multipart form with
  photos in ``files``).

The documents (现场检查记录, 责令限期整改指令书, 现场处理措施决定书, 整改复查意见书) are served by the documents
engine's ``GET /api/v1/inspections/{id}/documents/{kind}``. Every record is read through the scoped selectors: out
of scope answers 404, as a missing one does, before any input is read.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from zhiben.accounts.request import request_actor
from zhiben.common import dates
from zhiben.common.errors import FieldErrors, NotFound
from zhiben.common.inputs import json_body, json_content, openapi_body
from zhiben.common.pagination import DB_INT_MAX

from ..models import Order, OrderKind, OrderStatus
from ..selectors.orders import inspection_for_orders, inspection_orders, order_get, order_list
from ..services.orders import OrderIssue, order_issue, reinspection_record

inspection_orders_router = Router(tags=["inspections"])
orders_router = Router(tags=["inspections"])


def order_out(order: Order) -> dict[str, Any]:
    """One order as the API answers it (its findings and re-inspections with it)."""
    inspection = order.inspection
    today = dates.today()
    return {
        "id": order.pk,
        "inspection": inspection.pk,
        "enterprise": {"credit_code": inspection.enterprise.credit_code, "name": inspection.enterprise.name},
        "kind": order.kind,
        "kind_label": order.get_kind_display(),
        "issued_on": order.issued_on,
        "deadline": order.deadline,
        "measures": list(order.measures or []),
        "text": order.text,
        "status": order.status,
        "status_label": order.get_status_display(),
        "reinspection_due": order.reinspection_due,
        "overdue": order.status == OrderStatus.OPEN and dates.is_past(order.reinspection_due, on=today),
        "hazards": [
            {"id": h.pk, "title": h.title, "level": h.level, "status": h.status, "deadline": h.deadline}
            for h in order.hazards.all()
        ],
        "reinspections": [
            {
                "id": r.pk,
                "on": r.on,
                "passed": r.passed,
                "verdict": r.verdict,
                "daily_penalty_from": r.daily_penalty_from,
            }
            for r in order.reinspections.all()
        ],
        "documents_url": f"/api/v1/inspections/{inspection.pk}/documents",
    }


def _order(request: HttpRequest, order_id: int) -> Order:
    found = order_get(actor=request_actor(request), order_id=order_id)
    if found is None:
        raise NotFound("指令不存在")
    return found


@inspection_orders_router.post(
    "/{int:inspection_id}/orders", response={201: dict[str, Any]}, openapi_extra=openapi_body(OrderIssue)
)
def issue_order(request: HttpRequest, inspection_id: int) -> Status[dict[str, Any]]:
    """Issue an order at the inspection: ``{"kind":"rectify","deadline","hazards"?,"issued_on"?,"text"?}``
    (责令限期整改指令书: the deadline, not before the inspection's day, becomes the findings' regulator-owned
    deadline; re-inspection due ``REINSPECTION_DAYS`` after it) or ``{"kind":"measures","measures":[…]}``
    (现场处理措施决定书, 安全生产法 第六十五条). 404 out of scope; 403 for anyone but an officer; 409 when the team
    has fewer than two certified officers (行政处罚法 第四十二条) or an order of the kind exists; 422 naming the
    field."""
    body = json_body(request)
    order = order_issue(actor=request_actor(request), inspection_id=inspection_id, data=body)
    return Status(201, order_out(order))


@inspection_orders_router.get("/{int:inspection_id}/orders", response=dict[str, Any])
def list_inspection_orders(request: HttpRequest, inspection_id: int) -> dict[str, Any]:
    """The inspection's orders, oldest first: ``{"items","count"}``."""
    actor = request_actor(request)
    inspection = inspection_for_orders(actor=actor, inspection_id=inspection_id)
    if inspection is None:
        raise NotFound("检查不存在")
    items = [order_out(o) for o in inspection_orders(actor=actor, inspection=inspection)]
    return {"items": items, "count": len(items)}


class OrderQuery(Schema):
    status: str = Field("", description="open（待复查）| passed | failed")
    kind: str = Field("", description="rectify | measures")
    overdue: bool | None = Field(None, description="true：复查已逾期的待复查指令")
    limit: int = Field(50, ge=1, le=500)
    offset: int = Field(0, ge=0, le=DB_INT_MAX)


@orders_router.get("", response=dict[str, Any])
def list_orders(request: HttpRequest, query: Query[OrderQuery]) -> dict[str, Any]:
    """The orders the caller may see (an enterprise user: its own), nearest re-inspection due first; paged."""
    wrong: dict[str, str] = {}
    if query.status and query.status not in OrderStatus.values:
        wrong["status"] = "状态取值不正确，可选：" + "、".join(OrderStatus.values)
    if query.kind and query.kind not in OrderKind.values:
        wrong["kind"] = "文书类别取值不正确，可选：" + "、".join(OrderKind.values)
    if wrong:
        raise FieldErrors(wrong)
    qs = order_list(
        actor=request_actor(request),
        status=query.status or None,
        kind=query.kind or None,
        overdue=query.overdue,
    ).prefetch_related("hazards", "reinspections")
    page = qs[query.offset : query.offset + query.limit]
    return {"items": [order_out(o) for o in page], "count": qs.count()}


@orders_router.get("/{int:order_id}", response=dict[str, Any])
def get_order(request: HttpRequest, order_id: int) -> dict[str, Any]:
    """One order with its findings and re-inspections."""
    return order_out(_order(request, order_id))


@orders_router.post("/{int:order_id}/reinspections", response={201: dict[str, Any]})
def reinspect(request: HttpRequest, order_id: int) -> Status[dict[str, Any]]:
    """Record the re-inspection (复查) of a rectification order: ``{"on","passed","verdict","daily_penalty_from"?}``
    as JSON, or the same fields as a multipart form with photos (JPEG, PNG, WebP or PDF) in ``files``. Passed:
    the order's open findings are closed (a major one needs evidence: 422 naming ``files``); failed: a penalty
    is proposed (the unit's to-do) and ``daily_penalty_from`` (安全生产法 第一百一十二条) recorded. Answers the order
    (201). 404 out of scope; 403 for anyone but an officer; 409 for a measures order, an order re-inspected
    already or a team that cannot issue documents; 422 naming the field."""
    actor = request_actor(request)
    if json_content(request.content_type or ""):
        body: dict[str, Any] = json_body(request)
        uploads: list[Any] = []
    else:
        body = {k: request.POST.get(k) for k in request.POST}
        uploads = [(f, f.name or "", f.size) for f in request.FILES.getlist("files")]
    _order(request, order_id)  # out of scope: 404 before the input is read
    reinspection_record(actor=actor, order_id=order_id, data=body, files=uploads)
    return Status(201, order_out(_order(request, order_id)))
