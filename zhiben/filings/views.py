"""The 统计报送 page: an enterprise user sees its own statistics of a period, downloads the 统计分析表 and marks
it filed; an officer sees the region's roll-up and the enterprises that have not filed."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from zhiben.accounts.models import Role
from zhiben.accounts.request import request_actor
from zhiben.common import dates
from zhiben.common.errors import DomainError, FieldErrors
from zhiben.common.middleware import page_field_labels

from .periods import NotAPeriod, last_ended, parse_period
from .selectors import figure_rows, filing_of, filing_status, rollup, statistics, subtree
from .services import filing_create

LIST_ROWS = 200
# The page's fields, written in its template: their Chinese names for a refusal before the view.
page_field_labels("filings", {"period": "统计期", "region": "区划代码", "scan": "签字盖章扫描件"})


@login_required
def filing_list_view(request: HttpRequest) -> HttpResponse:
    actor = request_actor(request)
    today = dates.today()
    raw = (request.POST if request.method == "POST" else request.GET).get("period", "").strip()
    error = ""
    try:
        period = parse_period(raw) if raw else last_ended(today)
    except NotAPeriod as exc:
        error, period = str(exc), last_ended(today)
    if request.method == "POST" and not error:
        upload = request.FILES.get("scan")
        try:
            filing_create(
                actor=actor,
                enterprise=actor.enterprise.credit_code if actor.enterprise else "",
                period=period.key,
                scan=(upload, upload.name or "", upload.size) if upload is not None else None,
            )
        except FieldErrors as exc:
            error = "；".join(exc.errors.values())
        except DomainError as exc:
            error = exc.message
        else:
            messages.success(request, f"已登记报送{period.label}统计分析表")
            return redirect(f"{request.path}?period={period.key}")
    context: dict[str, Any] = {"period": period, "error": error, "today": today}
    if actor.role == Role.ENTERPRISE and actor.enterprise is not None:
        firm = actor.enterprise
        figures = statistics(actor=actor, enterprise=firm, period=period)
        context.update(
            firm=firm,
            rows=list(figure_rows(figures)),
            figures=figures,
            filing=filing_of(actor=actor, enterprise=firm, period=period),
            can_file=period.ended(today),
        )
    else:
        region = None
        try:
            region = subtree(actor=actor, region=request.GET.get("region", ""))
        except FieldErrors as exc:
            error = exc.errors["region"]
        context.update(
            summary=rollup(actor=actor, period=period, region=region, today=today),
            enterprises=list(filing_status(actor=actor, period=period, region=region, today=today)[:LIST_ROWS]),
            overdue=today > period.due,
            region=region or "",
            error=error,
        )
    return render(request, "filings/list.html", context, status=422 if error else 200)
