"""The pages: 履职清单 (the lists with their completion; a list's items, entries, the entry form and the year-end
report) and 督促问责 (the measures, each with its document and the follow-up form). Same selectors and services
as the API: out of scope is 404."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Max
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from zhiben.accounts.request import request_actor
from zhiben.common import dates
from zhiben.common.errors import DomainError, FieldErrors, NotFound
from zhiben.common.middleware import page_field_labels

from . import document_data
from .models import DutyList
from .register import DOCUMENTS
from .selectors import (
    as_of_for,
    duty_item_get,
    duty_list_filter,
    duty_list_get,
    duty_lists,
    item_tally,
    list_tally,
    pressure_filter,
    pressure_get,
    with_items,
)
from .services import duty_entry_add, may_answer, may_record, pressure_follow_up

LIST_ROWS = 200
# The pages' fields, written in their templates (by the first segment of the pages' paths): their Chinese names
# for a refusal before the view.
page_field_labels(
    "duty-lists", {"item": "清单事项", "done_on": "履职日期", "text": "履职情况", "files": "附件", "year": "年度"}
)
page_field_labels("pressures", {"done_on": "反馈日期", "result": "整改反馈情况"})


def _errors(exc: DomainError) -> str:
    return "；".join(exc.errors.values()) if isinstance(exc, FieldErrors) else exc.message


@login_required
def duty_list_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    raw = request.GET.get("year", "").strip()
    if raw.isdigit() and 2000 <= int(raw) <= 2100:
        year = int(raw)
    else:  # the latest year with a list the actor may see (in January, last year's lists are being reported)
        year = duty_lists(actor=actor).aggregate(latest=Max("year"))["latest"] or dates.today().year
    lists = list(with_items(duty_list_filter(actor=actor, year=year))[:LIST_ROWS])
    rows = [(d, list_tally(d, as_of_for(d.year))) for d in lists]
    return render(request, "duties/list.html", {"rows": rows, "year": year})


def _list_or_404(request: HttpRequest, list_id: int) -> DutyList:
    found = duty_list_get(actor=request_actor(request), list_id=list_id)
    if found is None:
        raise Http404("履职清单不存在")
    return found


@login_required
def duty_detail_view(request: HttpRequest, list_id: int) -> HttpResponse:
    actor = request_actor(request)
    found = _list_or_404(request, list_id)
    error, status = "", 200
    if request.method == "POST":
        raw = request.POST.get("item") or ""
        item = duty_item_get(actor=actor, item_id=int(raw)) if raw.isdigit() else None
        if item is None or item.duty_list_id != found.pk:
            error, status = "请选择本清单的事项", 422
        else:
            uploads = [(f, f.name or "", f.size) for f in request.FILES.getlist("files")]
            try:
                duty_entry_add(
                    actor=actor,
                    item=item,
                    done_on=request.POST.get("done_on"),
                    text=request.POST.get("text"),
                    files=uploads,
                )
            except NotFound as exc:
                raise Http404(exc.message) from exc
            except DomainError as exc:
                error, status = _errors(exc), exc.status
            else:
                messages.success(request, f"已记录事项 {item.number} 的履职情况")
                return redirect("duty-detail", list_id=found.pk)
            found = _list_or_404(request, list_id)
    as_of = as_of_for(found.year)
    items = []
    for item in found.items.all():
        item.duty_list = found
        items.append((item, item_tally(item, as_of)))
    context: dict[str, Any] = {
        "duty_list": found,
        "items": items,
        "tally": list_tally(found, as_of),
        "as_of": as_of,
        "can_record": may_record(actor, found),
        "error": error,
        "today": dates.today(),
    }
    return render(request, "duties/detail.html", context, status=status)


@login_required
def pressure_list_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    rows = list(pressure_filter(actor=actor)[:LIST_ROWS])
    return render(request, "duties/pressure_list.html", {"rows": rows, "today": dates.today()})


@login_required
def pressure_detail_view(request: HttpRequest, pressure_id: int) -> HttpResponse:
    actor = request_actor(request)
    found = pressure_get(actor=actor, pressure_id=pressure_id)
    if found is None:
        raise Http404("督促问责记录不存在")
    error, status = "", 200
    if request.method == "POST":
        try:
            pressure_follow_up(
                actor=actor, pressure=found, done_on=request.POST.get("done_on"), result=request.POST.get("result")
            )
        except DomainError as exc:
            error, status = _errors(exc), exc.status
        else:
            messages.success(request, "已登记整改反馈")
            return redirect("pressure-detail", pressure_id=found.pk)
    kind = document_data.document_kind(found)
    label = next(spec.label for spec in DOCUMENTS if spec.kind == kind)
    context = {
        "p": found,
        "document_url": f"/documents/pressures/{found.pk}/{kind}/",
        "document_label": label,
        "error": error,
        "today": dates.today(),
        "overdue": found.done_on is None and dates.is_past(found.follow_up_due),
        "can_answer": may_answer(actor, found),
    }
    return render(request, "duties/pressure_detail.html", context, status=status)
