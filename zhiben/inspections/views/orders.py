"""The orders area's pages: an inspection's orders (the block its detail page includes, and the page of its own
that the block's forms post to), the re-inspection form, an order's printable view and the unit's list of orders
(待复查, overdue in red). Same selectors and services as the API: out of scope is 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from zhiben.accounts.request import request_actor
from zhiben.common import dates
from zhiben.common.errors import DomainError, FieldErrors, NotFound
from zhiben.common.idempotency import once_per_form
from zhiben.common.middleware import page_field_labels

from .. import document_data
from ..models import Inspection, OrderKind, OrderStatus
from ..selectors.orders import LIST_ROWS, inspection_for_orders, order_block, order_get, order_list
from ..services.orders import MEASURES, order_issue, reinspection_record

# The forms' fields by their Chinese names (a refusal before the view names them; the typed inputs name the rest).
LABELS = {
    "kind": "文书类别",
    "issued_on": "下达日期",
    "deadline": "整改期限",
    "measures": "现场处理措施",
    "measures_other": "其他现场处理措施",
    "hazards": "涉及隐患",
    "text": "内容",
    "on": "复查日期",
    "passed": "复查结论",
    "verdict": "复查意见",
    "daily_penalty_from": "按日连续处罚起始日",
    "files": "复查照片",
    "team": "检查组",
    "status": "状态",
    "overdue": "逾期",
    "action": "表单",
}
page_field_labels("inspections", LABELS)


def _errors(exc: DomainError) -> str:
    """The refusal as one Chinese sentence, each field's message led by its name unless it names it."""
    if not isinstance(exc, FieldErrors):
        return exc.message
    out = []
    for field, message in exc.errors.items():
        label = LABELS.get(field, "")
        out.append(message if not label or label in message else f"{label}：{message}")
    return "；".join(out)


def _inspection_or_404(request: HttpRequest, inspection_id: int) -> Inspection:
    found = inspection_for_orders(actor=request_actor(request), inspection_id=inspection_id)
    if found is None:
        raise Http404("检查不存在")
    return found


def orders_url(inspection_id: int, order_id: int | None = None) -> str:
    """The inspection's orders page (at the order's anchor)."""
    url = reverse("inspection-orders", args=[inspection_id])
    return f"{url}#order-{order_id}" if order_id else url


def _issue_data(post: Any) -> dict[str, Any]:
    """The issue form as the typed input reads it: the measures ticked and those written one per line."""
    measures = [m for m in post.getlist("measures") if m.strip()]
    measures += [line.strip() for line in (post.get("measures_other") or "").splitlines() if line.strip()]
    return {
        "kind": post.get("kind"),
        "issued_on": post.get("issued_on") or None,
        "deadline": post.get("deadline") or None,
        "measures": measures,
        "hazards": post.getlist("hazards"),
        "text": post.get("text", ""),
    }


def _page(request: HttpRequest, inspection: Inspection, *, error: str = "", status: int = 200) -> HttpResponse:
    actor = request_actor(request)
    context = {
        "inspection": inspection,
        "ob": {**order_block(actor=actor, inspection=inspection), "measures_choices": MEASURES},
        "error": error,
        "form": request.POST if request.method == "POST" else {},
        "form_action": request.POST.get("action", "") if request.method == "POST" else "",
    }
    return render(request, "inspections/order_inspection.html", context, status=status)


@login_required
@once_per_form("inspections.order")
def inspection_orders_view(request: HttpRequest, inspection_id: int) -> HttpResponse:
    """An inspection's orders with their forms; POST issues one (kind, issued_on, deadline, measures and
    measures_other, hazards, text) and returns to the order."""
    inspection = _inspection_or_404(request, inspection_id)
    if request.method != "POST":
        return _page(request, inspection)
    try:
        order = order_issue(actor=request_actor(request), inspection_id=inspection.pk, data=_issue_data(request.POST))
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        return _page(request, inspection, error=_errors(exc), status=exc.status)
    messages.success(request, f"已下达《{order.get_kind_display()}》")
    return redirect(orders_url(inspection.pk, order.pk))


@login_required
@once_per_form("inspections.reinspection")
def reinspection_view(request: HttpRequest, order_id: int) -> HttpResponse:
    """The re-inspection form's target (POST: on, passed, verdict, daily_penalty_from, files); GET goes to the
    order on its inspection's page."""
    actor = request_actor(request)
    order = order_get(actor=actor, order_id=order_id)
    if order is None:
        raise Http404("指令不存在")
    if request.method != "POST":
        return redirect(orders_url(order.inspection_id, order.pk))
    data = {k: request.POST.get(k) or None for k in ("on", "passed", "verdict", "daily_penalty_from")}
    uploads = [(f, f.name or "", f.size) for f in request.FILES.getlist("files")]
    try:
        done = reinspection_record(actor=actor, order_id=order.pk, data=data, files=uploads)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        inspection = _inspection_or_404(request, order.inspection_id)
        return _page(request, inspection, error=_errors(exc), status=exc.status)
    messages.success(request, "已登记复查：" + ("合格，隐患已销号" if done.passed else "不合格，拟作出行政处罚"))
    return redirect(orders_url(order.inspection_id, order.pk))


@login_required
def order_print_view(request: HttpRequest, order_id: int) -> HttpResponse:
    """An order as its document reads (and its re-inspection opinion), to print from the browser."""
    actor = request_actor(request)
    order = order_get(actor=actor, order_id=order_id)
    if order is None:
        raise Http404("指令不存在")
    inspection = order.inspection
    if order.kind == OrderKind.RECTIFY:
        body = document_data.rectify_order(inspection, actor)
    else:
        body = document_data.measures_order(inspection, actor)
    opinion = None
    if order.kind == OrderKind.RECTIFY and order.reinspections.all():
        opinion = document_data.reinspection_opinion(inspection, actor)
    block = order_block(actor=actor, inspection=inspection)
    numbers = {d["kind"]: d["number"] for d in block["documents"]}
    context = {
        "order": order,
        "inspection": inspection,
        "doc": body,
        "opinion": opinion,
        "issuer": inspection.department.name if inspection.department else "",
        "number": numbers.get("rectify_order" if order.kind == OrderKind.RECTIFY else "measures_order", ""),
        "opinion_number": numbers.get("reinspection_opinion", ""),
    }
    return render(request, "inspections/order_print.html", context)


@login_required
def order_list_view(request: HttpRequest) -> HttpResponse:
    """The orders the actor may see: by default those awaiting re-inspection (待复查), nearest due first, the late
    ones in red; ``status`` (open, passed, failed, all) and ``overdue=1`` narrow it."""
    actor = request_actor(request)
    status = request.GET.get("status", OrderStatus.OPEN)
    if status not in (*OrderStatus.values, "all"):
        status = OrderStatus.OPEN
    overdue = request.GET.get("overdue", "") in ("1", "true")
    today = dates.today()
    rows = list(
        order_list(
            actor=actor,
            status=None if status == "all" else status,
            overdue=True if overdue else None,
            today=today,
        )[:LIST_ROWS]
    )
    for order in rows:
        order.overdue = order.status == OrderStatus.OPEN and dates.is_past(order.reinspection_due, on=today)  # type: ignore[attr-defined]
    context = {
        "rows": rows,
        "status": status,
        "overdue": overdue,
        "statuses": [
            (OrderStatus.OPEN, "待复查 / 执行中"),
            (OrderStatus.PASSED, "复查合格"),
            (OrderStatus.FAILED, "复查不合格"),
            ("all", "全部"),
        ],
        "today": today,
        "limit": LIST_ROWS,
    }
    return render(request, "inspections/order_list.html", context)
