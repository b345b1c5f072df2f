"""The pages of the penalties register (行政处罚): the list with its filters, exports and the form that records a
decision (from an inspection when the page is opened with ``?inspection=<id>``), and a penalty with its payment
form and timeline. The same selectors and services as the API: out of scope is 404."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from zhiben.accounts.models import Role
from zhiben.accounts.request import request_actor
from zhiben.audit.selectors import events_of
from zhiben.common import dates
from zhiben.common.errors import DomainError, FieldErrors, NotFound
from zhiben.common.idempotency import once_per_form
from zhiben.common.inputs import Input
from zhiben.common.middleware import page_field_labels

from ..models import Finding, PaymentStatus, PenaltyKind
from ..selectors import inspection_get
from ..selectors.penalties import penalty_filters, penalty_get, penalty_list
from ..services.penalties import BASES, PaymentIn, PenaltyIn, may_keep, penalty_payment, penalty_record

LIST_ROWS = 200
# The pages' own fields (the inputs' fields are named by their titles already).
page_field_labels("inspections", {"inspection": "检查", "from": "起始日期", "to": "截止日期", "q": "企业"})


def page_error(exc: DomainError, *models: type[Input]) -> str:
    """A refusal as one Chinese sentence, each field led by its label (the inputs' titles) unless it names it."""
    if not isinstance(exc, FieldErrors):
        return exc.message
    labels = {name: info.title or name for model in models for name, info in model.model_fields.items()}
    parts = []
    for field, message in exc.errors.items():
        label = labels.get(field, "")
        parts.append(message if not label or label in message else f"{label}：{message}")
    return "；".join(parts)


def _yes(raw: str | None) -> bool:
    return (raw or "") in ("1", "on", "true", "是")


def _form(post: Any) -> dict[str, Any]:
    """The record form's fields as the service takes them (blank ones left out: the defaults apply)."""
    data: dict[str, Any] = {}
    for name in (
        "enterprise",
        "department",
        "kind",
        "decided_on",
        "amount",
        "basis",
        "facts",
        "person",
        "person_post",
        "person_amount",
        "hazard",
        "tip",
        "daily_from",
        "daily_amount",
        "external_ref",
    ):
        value = (post.get(name) or "").strip()
        if value:
            data[name] = value
    data["major_hazard"] = _yes(post.get("major_hazard"))
    data["daily"] = _yes(post.get("daily"))
    return data


@login_required
@once_per_form("inspections.penalty")
def penalty_list_view(request: HttpRequest) -> HttpResponse:
    """行政处罚: the decisions the actor may see (an enterprise user: its own), filtered by enterprise, decision
    days and payment; exports of the penalty and inspection ledgers; the form recording a decision (POST)."""
    actor = request_actor(request)
    source = request.POST if request.method == "POST" else request.GET
    inspection = None
    raw = (source.get("inspection") or "").strip()
    if raw:
        inspection = inspection_get(actor=actor, inspection_id=int(raw)) if raw.isdigit() and len(raw) < 19 else None
        if inspection is None:
            raise Http404("检查不存在")
    error, status = "", 200
    if request.method == "POST":
        try:
            made = penalty_record(
                actor=actor, data=_form(request.POST), inspection_id=inspection.pk if inspection else None
            )
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except DomainError as exc:
            error, status = page_error(exc, PenaltyIn), exc.status
        else:
            messages.success(request, f"已登记行政处罚：{made.enterprise.name}，{made.amount} 元")
            return redirect("penalty-detail", penalty_id=made.pk)
    filters, query = _filters(request)
    rows = list(penalty_list(actor=actor, **filters)[:LIST_ROWS]) if not query.get("error") else []
    can_record = actor.role in (Role.ADMIN, Role.OFFICER) and (
        inspection is None or may_keep(actor, department_id=inspection.department_id, region_code=inspection.region_id)
    )
    findings = list(Finding.objects.filter(inspection=inspection).select_related("hazard")) if inspection else []
    context = {
        "rows": rows,
        "more": len(rows) == LIST_ROWS,
        "query": query,
        "export": query.get("export", ""),
        "error": error or query.get("error", ""),
        "form": request.POST if request.method == "POST" else {},
        "can_record": can_record,
        "inspection": inspection,
        "findings": findings,
        "kinds": PenaltyKind.choices,
        "payments": PaymentStatus.choices,
        "bases": BASES,
        "today": dates.today(),
    }
    return render(request, "inspections/penalty_list.html", context, status=status)


def _filters(request: HttpRequest) -> tuple[dict[str, Any], dict[str, Any]]:
    """The list's filters from the query string (``enterprise``, ``from``, ``to``, ``payment``) and what the page
    shows of them (with the export's query string, or the error)."""
    given = {k: (request.GET.get(k) or "").strip() for k in ("enterprise", "from", "to", "payment")}
    shown: dict[str, Any] = dict(given)
    try:
        found = penalty_filters("", "", given["enterprise"], given["from"], given["to"], given["payment"])
    except FieldErrors as exc:
        labels = {"enterprise": "统一社会信用代码", "from": "起始日期", "to": "截止日期", "payment": "缴纳情况"}
        shown["error"] = "；".join(f"{labels.get(k, k)}：{v}" for k, v in exc.errors.items())
        return {}, shown
    shown["export"] = urlencode({k: v for k, v in given.items() if v})
    return found, shown


@login_required
@once_per_form("inspections.payment")
def penalty_detail_view(request: HttpRequest, penalty_id: int) -> HttpResponse:
    """A penalty, its payment form (for those who keep the unit's penalties) and its timeline."""
    actor = request_actor(request)
    found = penalty_get(actor=actor, penalty_id=penalty_id)
    if found is None:
        raise Http404("行政处罚记录不存在")
    error, status = "", 200
    if request.method == "POST":
        data = {
            k: (request.POST.get(k) or "").strip() for k in ("paid_amount", "paid_on", "payment", "enforcement_note")
        }
        try:
            penalty_payment(actor=actor, penalty=found, data={k: v for k, v in data.items() if v})
        except DomainError as exc:
            error, status = page_error(exc, PaymentIn), exc.status
        else:
            messages.success(request, "已登记缴纳和执行情况")
            return redirect("penalty-detail", penalty_id=found.pk)
    context = {
        "p": found,
        "events": list(events_of(subject_type="penalty", subject_id=str(found.pk))),
        "can_keep": may_keep(actor, department_id=found.department_id, region_code=found.region_id),
        "payments": PaymentStatus.choices,
        "error": error,
        "form": request.POST if request.method == "POST" else {},
        "today": dates.today(),
        "inspection_url": reverse("penalty-list") + f"?inspection={found.inspection_id}" if found.inspection_id else "",
    }
    return render(request, "inspections/penalty_detail.html", context, status=status)
